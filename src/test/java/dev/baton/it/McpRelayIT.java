package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.GitRepos;
import dev.baton.testing.NpmPackages;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * What travels besides tool calls between an agent and a downstream server through baton: the
 * server's log messages and its sampling and elicitation requests during a call, roots, the agent's
 * cancellation, and the server's resources, resource templates and prompts. Real servers: {@code
 * server-everything} from the npm registry, and a small fixture built on the MCP SDK that records
 * cancellations.
 */
class McpRelayIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path tmp;

  private BrokerProcess broker;
  private Path repo;
  private Path everything;
  private final McpClients clients = new McpClients();

  @BeforeEach
  void start() {
    Path npm = NpmPackages.require();
    everything = npm.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    repo = GitRepos.create(tmp.resolve("repo"));
    String node = NpmPackages.node().toString();
    String config =
        "gateway:\n  list-wait: 60s # these tests list what the servers offer\n"
            + "servers:\n"
            + "  everything:\n    command: "
            + node
            + "\n    args: ["
            + everything
            + ", stdio]\n    scope: instance\n    roots: true\n"
            + "  slow:\n    command: "
            + node
            + "\n    args: ["
            + npm.resolve("fixtures/cancellable.mjs")
            + "]\n    pool: 1\n"
            + "  wide:\n    command: "
            + node
            + "\n    args: ["
            + npm.resolve("fixtures/cancellable.mjs")
            + "]\n    pool: 2\n"
            + "roles:\n"
            + "  developer:\n    servers: [everything, slow, wide]\n";
    BrokerSandbox sandbox = BrokerSandbox.in(tmp.resolve("b"));
    broker = sandbox.start("--config", sandbox.writeConfig("baton.yaml", config).toString());
  }

  @AfterEach
  void stop() {
    clients.close();
    broker.close();
  }

  @Test
  void aServersSamplingRequestIsAnsweredByTheAgentsClient() {
    List<McpSchema.CreateMessageRequest> asked = new ArrayList<>();
    McpSyncClient agent =
        connect(
            "claude-5a000001",
            spec ->
                spec.sampling(
                    request -> {
                      asked.add(request);
                      return McpSchema.CreateMessageResult.builder(
                              McpSchema.Role.ASSISTANT,
                              "forty-two, from the agent's model",
                              "agent-model")
                          .build();
                    }));
    McpSchema.CallToolResult result =
        agent.callTool(
            call("everything__trigger-sampling-request", Map.of("prompt", "why?", "maxTokens", 9)));

    assertThat(result.isError()).as(text(result)).isNotEqualTo(Boolean.TRUE);
    assertThat(text(result)).contains("forty-two, from the agent's model").contains("agent-model");
    assertThat(asked).hasSize(1);
    assertThat(asked.get(0).maxTokens()).isEqualTo(9);
    assertThat(asked.get(0).systemPrompt()).isEqualTo("You are a helpful test server.");
  }

  @Test
  void aClientWithoutSamplingGetsAnErrorThatSaysSo() {
    McpSyncClient agent = connect("claude-5a000002", UnaryOperator.identity());
    McpSchema.CallToolResult result =
        agent.callTool(
            call("everything__trigger-sampling-request", Map.of("prompt", "why?", "maxTokens", 9)));

    assertThat(result.isError()).isTrue();
    assertThat(text(result)).contains("does not support sampling");
  }

  @Test
  void aServersElicitationIsAnsweredByTheAgentsUser() {
    List<McpSchema.ElicitFormRequest> asked = new ArrayList<>();
    McpSyncClient agent =
        connect(
            "claude-5a000003",
            spec ->
                spec.elicitation(
                    request -> {
                      asked.add(request);
                      return McpSchema.ElicitResult.builder(McpSchema.ElicitResult.Action.ACCEPT)
                          .content(Map.of("name", "Ada Lovelace", "check", true, "integer", 7))
                          .build();
                    }));
    McpSchema.CallToolResult result =
        agent.callTool(call("everything__trigger-elicitation-request", Map.of()));

    assertThat(text(result)).contains("accept").contains("Ada Lovelace");
    assertThat(asked).hasSize(1);
    assertThat(asked.get(0).message()).contains("Please provide inputs");
    assertThat(asked.get(0).requestedSchema()).containsKey("properties");
  }

  @Test
  void aServersLogMessagesDuringACallReachTheAgent() throws Exception {
    BlockingQueue<McpSchema.LoggingMessageNotification> logs = new LinkedBlockingQueue<>();
    McpSyncClient agent = connect("claude-5a000004", spec -> spec.loggingConsumer(logs::add));
    agent.setLoggingLevel(McpSchema.LoggingLevel.DEBUG);
    try {
      agent.callTool(call("everything__toggle-simulated-logging", Map.of()));
      McpSchema.LoggingMessageNotification first = logs.poll(30, TimeUnit.SECONDS);
      assertThat(first).as("a log message from server-everything").isNotNull();
      assertThat(first.data()).containsIgnoringCase("message");
    } finally {
      agent.callTool(call("everything__toggle-simulated-logging", Map.of()));
    }
  }

  @Test
  void rootsAreTheInstancesWorktree() throws Exception {
    McpSyncClient agent = connect("claude-5a000005", UnaryOperator.identity());
    McpSchema.CallToolResult result = agent.callTool(call("everything__get-roots-list", Map.of()));

    assertThat(text(result)).contains(repo.toUri().toString().replaceAll("/$", ""));
  }

  @Test
  void theAgentsCancellationStopsTheCallDownstream() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String session = rawInitialize(http, "claude-5a000006");
    CompletableFuture<HttpResponse<String>> sleeping =
        http.sendAsync(
            rawPost(
                session,
                "claude-5a000006",
                Map.of(
                    "jsonrpc",
                    "2.0",
                    "id",
                    41,
                    "method",
                    "tools/call",
                    "params",
                    Map.of(
                        "name", "slow__sleep", "arguments", Map.of("ms", 120_000, "tag", "t1")))),
            HttpResponse.BodyHandlers.ofString());
    McpSyncClient observer = connect("claude-5a000007", UnaryOperator.identity());
    awaitRunning(observer);

    HttpResponse<String> cancel =
        http.send(
            rawPost(
                session,
                "claude-5a000006",
                Map.of(
                    "jsonrpc",
                    "2.0",
                    "method",
                    "notifications/cancelled",
                    "params",
                    Map.of("requestId", 41, "reason", "the user pressed Esc"))),
            HttpResponse.BodyHandlers.ofString());
    assertThat(cancel.statusCode()).isEqualTo(202);

    // The agent's request ends long before the two minutes of the sleep...
    HttpResponse<String> ended = sleeping.get(60, TimeUnit.SECONDS);
    assertThat(ended.body()).contains("was cancelled");
    // ...and the server itself was told, with the reason baton gives.
    String seen = text(observer.callTool(call("slow__cancelled", Map.of())));
    assertThat(JSON.readTree(seen).findValuesAsString("tag")).containsExactly("t1");
    assertThat(seen).contains("cancelled by the agent");
  }

  @Test
  void aPoolGrowsWithConcurrentCallsUpToItsSizeAndThenShares() throws Exception {
    List<McpSyncClient> agents = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      agents.add(connect("claude-5a00001" + i, UnaryOperator.identity()));
    }
    agents.get(0).callTool(call("wide__running", Map.of())); // one process, started
    assertThat(processes("wide")).isEqualTo(1);

    List<CompletableFuture<McpSchema.CallToolResult>> sleeps = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      McpSyncClient agent = agents.get(i);
      String tag = "s" + i;
      sleeps.add(
          CompletableFuture.supplyAsync(
              () -> agent.callTool(call("wide__sleep", Map.of("ms", 3000, "tag", tag)))));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (processes("wide") < 2 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(processes("wide")).as("processes while three calls run").isEqualTo(2);
    for (int i = 0; i < 3; i++) {
      assertThat(text(sleeps.get(i).get(60, TimeUnit.SECONDS))).isEqualTo("slept (s" + i + ")");
    }
    assertThat(processes("wide")).as("the pool keeps its size").isEqualTo(2);
  }

  private int processes(String server) throws Exception {
    try (dev.baton.api.client.BrokerClient c = broker.unixClient()) {
      String metrics = c.send("GET", "/metrics", Map.of("Accept", "text/plain"), null).bodyText();
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile(
                  "baton_gateway_processes\\{server=\"" + server + "\"\\} ([0-9.]+)")
              .matcher(metrics);
      assertThat(m.find()).as(metrics).isTrue();
      return (int) Double.parseDouble(m.group(1));
    }
  }

  @Test
  void resourcesTemplatesAndPromptsOfTheRolesServersAreProxied() {
    McpSyncClient agent = connect("claude-5a000008", UnaryOperator.identity());
    McpSyncClient direct =
        McpClient.sync(
                new StdioClientTransport(
                    ServerParameters.builder(NpmPackages.node().toString())
                        .args(everything.toString(), "stdio")
                        .build(),
                    McpJsonDefaults.getMapper()))
            .requestTimeout(Duration.ofSeconds(30))
            .build();
    clients.add(direct);
    direct.initialize();

    List<McpSchema.Resource> resources = agent.listResources().resources();
    List<McpSchema.Resource> expected = direct.listResources().resources();
    assertThat(resources).isNotEmpty();
    assertThat(resources.stream().map(McpSchema.Resource::uri))
        .containsAll(expected.stream().map(McpSchema.Resource::uri).toList());
    McpSchema.Resource doc = expected.get(0);
    assertThat(
            agent.readResource(McpSchema.ReadResourceRequest.builder(doc.uri()).build()).contents())
        .isEqualTo(
            direct
                .readResource(McpSchema.ReadResourceRequest.builder(doc.uri()).build())
                .contents());

    List<String> templates =
        agent.listResourceTemplates().resourceTemplates().stream()
            .map(McpSchema.ResourceTemplate::uriTemplate)
            .toList();
    assertThat(templates)
        .containsAll(
            direct.listResourceTemplates().resourceTemplates().stream()
                .map(McpSchema.ResourceTemplate::uriTemplate)
                .toList());
    McpSchema.ReadResourceResult dynamic =
        agent.readResource(
            McpSchema.ReadResourceRequest.builder("demo://resource/dynamic/text/3").build());
    assertThat(((McpSchema.TextResourceContents) dynamic.contents().get(0)).text())
        .contains("Resource 3");

    List<String> prompts =
        agent.listPrompts().prompts().stream().map(McpSchema.Prompt::name).toList();
    assertThat(prompts).contains("everything__simple-prompt", "everything__args-prompt");
    McpSchema.GetPromptResult viaBaton =
        agent.getPrompt(
            McpSchema.GetPromptRequest.builder("everything__args-prompt")
                .arguments(Map.of("city", "Lyon"))
                .build());
    McpSchema.GetPromptResult itself =
        direct.getPrompt(
            McpSchema.GetPromptRequest.builder("args-prompt")
                .arguments(Map.of("city", "Lyon"))
                .build());
    assertThat(viaBaton.messages()).isEqualTo(itself.messages());
  }

  /** Waits until the server runs the sleep (the pool of one process serves both agents). */
  private static void awaitRunning(McpSyncClient observer) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!text(observer.callTool(call("slow__running", Map.of()))).equals("1")) {
      assertThat(System.nanoTime()).as("the sleep never started").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private String rawInitialize(HttpClient http, String instance) throws Exception {
    HttpResponse<String> init =
        http.send(
            rawPost(
                null,
                instance,
                Map.of(
                    "jsonrpc",
                    "2.0",
                    "id",
                    1,
                    "method",
                    "initialize",
                    "params",
                    Map.of(
                        "protocolVersion",
                        "2025-06-18",
                        "capabilities",
                        Map.of(),
                        "clientInfo",
                        Map.of("name", "raw", "version", "1")))),
            HttpResponse.BodyHandlers.ofString());
    assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
    String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    HttpResponse<String> initialized =
        http.send(
            rawPost(
                session, instance, Map.of("jsonrpc", "2.0", "method", "notifications/initialized")),
            HttpResponse.BodyHandlers.ofString());
    assertThat(initialized.statusCode()).isEqualTo(202);
    return session;
  }

  private HttpRequest rawPost(String session, String instance, Map<String, Object> message) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + broker.tcpPort() + "/mcp/developer"))
            .timeout(Duration.ofMinutes(3))
            .header("Authorization", "Bearer " + broker.token())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("X-Baton-Instance", instance)
            .header("X-Baton-Workspace", repo.toString())
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(message)));
    if (session != null) {
      b.header("Mcp-Session-Id", session);
    }
    return b.build();
  }

  private McpSyncClient connect(String instance, UnaryOperator<McpClient.SyncSpec> customise) {
    return clients.connect(broker, "developer", instance, repo, customise);
  }

  private static McpSchema.CallToolRequest call(String tool, Map<String, Object> args) {
    return McpSchema.CallToolRequest.builder(tool).arguments(args).build();
  }

  private static String text(McpSchema.CallToolResult r) {
    return McpClients.text(r);
  }
}
