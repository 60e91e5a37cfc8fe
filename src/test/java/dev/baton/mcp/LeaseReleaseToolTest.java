package dev.baton.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.server.Broker;
import dev.baton.testing.GitRepos;
import dev.baton.testing.TestBroker;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code lease_release} through a real broker in this JVM (SQLite) and the MCP Java SDK client over
 * Streamable HTTP: an argument that names nothing releases nothing, and only {@code all: true}
 * releases every lease.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeaseReleaseToolTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir static Path dir;
  private Broker broker;
  private Path repo;
  private McpSyncClient agent;

  @BeforeAll
  void startBroker() {
    broker = TestBroker.start(dir.resolve("broker"), "sqlite", "registry:\n  instance-ttl: 10m\n");
    repo = GitRepos.create(dir.resolve("repo"));
  }

  @AfterAll
  void stopBroker() {
    broker.close();
  }

  /** A new agent holding two leases. */
  @BeforeEach
  void connectAndLease() {
    HttpClientStreamableHttpTransport transport =
        HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + broker.tcpPort())
            .endpoint("/mcp/developer")
            .addHttpRequestCustomizer(
                (builder, method, uri, body, context) ->
                    builder
                        .header("Authorization", "Bearer " + broker.token())
                        .header("X-Baton-Workspace", repo.toString()))
            .build();
    agent = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build();
    agent.initialize();
    McpSchema.CallToolResult granted =
        call("lease_acquire", Map.of("paths", List.of("src/a.py", "docs/**")));
    assertThat(granted.isError()).as(text(granted)).isFalse();
  }

  @AfterEach
  void releaseAndDisconnect() {
    call("lease_release", Map.of("all", true));
    agent.closeGracefully();
  }

  @Test
  void pathsInsteadOfLeasesIsRefusedByNameAndReleasesNothing() {
    assertRefused(Map.of("paths", List.of("src/a.py")), "unknown argument 'paths'");
  }

  @Test
  void idInsteadOfLeasesIsRefusedByNameAndReleasesNothing() {
    assertRefused(Map.of("id", "L1"), "unknown argument 'id'");
  }

  @Test
  void anUnknownArgumentIsRefusedByNameAndReleasesNothing() {
    assertRefused(Map.of("bogus", 1), "unknown argument 'bogus'; lease_release takes: all, leases");
  }

  @Test
  void anEmptyListIsRefusedAndReleasesNothing() {
    assertRefused(Map.of("leases", List.of()), "argument 'leases' is empty");
  }

  @Test
  void anEmptyListWithAllIsRefusedAndReleasesNothing() {
    assertRefused(Map.of("leases", List.of(), "all", true), "argument 'leases' is empty");
  }

  @Test
  void noArgumentsOrAllFalseAreRefusedAndReleaseNothing() {
    assertRefused(Map.of(), "say which leases to release");
    assertRefused(Map.of("all", false), "say which leases to release");
  }

  @Test
  void allThatIsNotABooleanIsRefusedAndReleasesNothing() {
    assertRefused(Map.of("all", "true"), "argument 'all' must be true or false");
  }

  @Test
  void aLeaseNamedByIdAndByPathIsReleasedOnce() {
    String id = mine().get(0).path("id").asString();
    String path = mine().get(0).path("path").asString();

    McpSchema.CallToolResult released = call("lease_release", Map.of("leases", List.of(id, path)));

    assertThat(released.isError()).as(text(released)).isFalse();
    assertThat(json(released).path("released")).hasSize(1);
    assertThat(mine()).hasSize(1);
  }

  @Test
  void allTrueReleasesEveryLeaseTheAgentHolds() {
    McpSchema.CallToolResult released = call("lease_release", Map.of("all", true));

    assertThat(released.isError()).as(text(released)).isFalse();
    assertThat(json(released).path("released")).hasSize(2);
    assertThat(mine()).isEmpty();
  }

  @Test
  void theSchemaOffersAllAndAllowsNoOtherArguments() {
    McpSchema.Tool tool =
        agent.listTools().tools().stream()
            .filter(t -> t.name().equals("lease_release"))
            .findFirst()
            .orElseThrow();

    Map<?, ?> properties = (Map<?, ?>) tool.inputSchema().get("properties");
    assertThat(new ArrayList<Object>(properties.keySet()))
        .containsExactlyInAnyOrder("leases", "all");
    assertThat(tool.inputSchema()).containsEntry("additionalProperties", false);
    assertThat(tool.description()).contains("all: true");
  }

  private void assertRefused(Map<String, Object> args, String message) {
    McpSchema.CallToolResult r = call("lease_release", args);

    assertThat(r.isError()).as("lease_release %s: %s", args, text(r)).isTrue();
    assertThat(text(r)).contains(message);
    assertThat(mine()).as("leases after lease_release %s", args).hasSize(2);
  }

  private List<JsonNode> mine() {
    McpSchema.CallToolResult r = call("leases", Map.of("mine", true));
    assertThat(r.isError()).as(text(r)).isFalse();
    List<JsonNode> out = new ArrayList<>();
    json(r).path("leases").forEach(out::add);
    return out;
  }

  private McpSchema.CallToolResult call(String tool, Map<String, Object> args) {
    return agent.callTool(McpSchema.CallToolRequest.builder(tool).arguments(args).build());
  }

  private static String text(McpSchema.CallToolResult r) {
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }

  private static JsonNode json(McpSchema.CallToolResult r) {
    return JSON.readTree(text(r));
  }
}
