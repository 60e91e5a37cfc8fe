package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.testing.GitRepos;
import dev.baton.testing.Processes;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The MCP endpoint of a real broker process, reached the way Claude Code reaches it: {@code baton
 * setup claude} writes {@code .mcp.json}, its {@code ${VAR:-default}} headers are expanded as
 * Claude Code expands them, and the official MCP Java SDK client talks Streamable HTTP over TCP.
 */
class McpEndpointIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern VAR =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
  private static final String CONFIG = "registry:\n  instance-ttl: 10m\n";

  @TempDir Path tmp;

  private BrokerSandbox sandbox;
  private BrokerProcess broker;
  private Path repo;
  private final List<McpSyncClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    repo = GitRepos.create(tmp.resolve("repo"));
    broker = sandbox.start("--config", sandbox.writeConfig("baton.yaml", CONFIG).toString());
  }

  @AfterEach
  void stop() {
    for (McpSyncClient c : clients) {
      try {
        c.closeGracefully();
      } catch (RuntimeException e) {
        // the broker may be gone already
      }
    }
    broker.close();
  }

  @Test
  void setupWritesAnMcpJsonWhoseServerClaudeCodeCanUseAndWhoamiNamesTheInstance() throws Exception {
    Files.writeString(
        repo.resolve(".mcp.json"),
        "{\"mcpServers\": {\"memory\": {\"command\": \"npx\", \"args\": [\"-y\", \"x\"]},"
            + " \"baton\": {\"type\": \"http\", \"url\": \"http://127.0.0.1:1/mcp/ops\"}}, \"x\": 1}");
    Files.createDirectories(repo.resolve(".claude"));
    Files.writeString(
        repo.resolve(".claude/settings.local.json"),
        "{\"env\": {\"MINE\": \"kept\"}, \"model\": \"opus\"}");
    sandbox.expect(0, "setup", "claude", repo.toString(), "--role", "developer", "--http");
    JsonNode file = JSON.readTree(Files.readString(repo.resolve(".mcp.json")));
    assertThat(file.path("x").asInt()).isEqualTo(1);
    assertThat(file.path("mcpServers").path("memory").path("command").asString()).isEqualTo("npx");
    JsonNode settings =
        JSON.readTree(Files.readString(repo.resolve(".claude/settings.local.json")));
    assertThat(settings.path("env").path("MINE").asString()).isEqualTo("kept");
    assertThat(settings.path("model").asString()).isEqualTo("opus");
    JsonNode server =
        JSON.readTree(Files.readString(repo.resolve(".mcp.json"))).path("mcpServers").path("baton");
    assertThat(server.path("type").asString()).isEqualTo("http");
    assertThat(server.path("url").asString())
        .isEqualTo("http://127.0.0.1:" + broker.tcpPort() + "/mcp/developer");
    assertThat(server.path("headers").path("X-Baton-Instance").asString())
        .isEqualTo("${BATON_INSTANCE:-}");
    assertThat(server.path("headers").has("Authorization")).as("no token in .mcp.json").isFalse();
    // Claude Code runs the headersHelper (a shell command) and adds the headers it prints.
    Processes.Result helper =
        Processes.run(repo, Map.of(), List.of("sh", "-c", server.path("headersHelper").asString()));
    assertThat(helper.exitCode()).as(helper.stderr()).isZero();
    JsonNode printed = JSON.readTree(helper.stdout());
    assertThat(printed.path("Authorization").asString()).isEqualTo("Bearer " + broker.token());

    Map<String, String> claudeEnv = new LinkedHashMap<>();
    claudeEnv.put("BATON_INSTANCE", "claude-0123abcd");
    claudeEnv.put("PWD", repo.toString());
    McpSyncClient claude =
        connect(
            server, claudeEnv, Map.of("Authorization", printed.path("Authorization").asString()));

    McpSchema.ListToolsResult tools = claude.listTools();
    assertThat(tools.tools())
        .extracting(McpSchema.Tool::name)
        .contains("whoami", "instances", "lease_acquire", "lease_release", "leases", "who")
        .contains("log_decision", "log_progress", "search_memory") // memory.tools: compact
        .doesNotContain("get_decisions", "update_active_context");
    for (McpSchema.Tool t : tools.tools()) {
      assertThat(("mcp__baton__" + t.name()).length()).isLessThanOrEqualTo(64);
    }
    JsonNode me = json(call(claude, "whoami", Map.of()));
    assertThat(me.path("id").asString()).isEqualTo("claude-0123abcd");
    assertThat(me.path("role").asString()).isEqualTo("developer");
    assertThat(me.path("workspace").asString()).isEqualTo(repo.toString());
    assertThat(tools.tools()).extracting(McpSchema.Tool::name).contains("focus_status");
    assertThat(json(call(claude, "focus_status", Map.of())).path("mode").asString())
        .isEqualTo("idle"); // the sandbox keeps focus.auto off
    // The broker knows the instance too: MCP registered it under the launcher's id.
    try (BrokerClient c = broker.unixClient()) {
      assertThat(c.instance("claude-0123abcd").role()).isEqualTo("developer");
    }
  }

  @Test
  void theCompactCoordinationSetListsOnlyLeasesAndMessagesAndStillLeases() throws Exception {
    broker.close();
    broker =
        sandbox.start(
            "--config",
            sandbox
                .writeConfig(
                    "compact.yaml",
                    CONFIG + "coordination:\n  tools: compact\nmemory:\n  tools: off\n")
                .toString());
    McpSyncClient agent = connect("developer", Map.of("X-Baton-Workspace", repo.toString()));

    assertThat(agent.listTools().tools())
        .extracting(McpSchema.Tool::name)
        .containsExactlyInAnyOrder(
            "lease_acquire",
            "lease_release",
            "leases",
            "send_message",
            "inbox",
            "find_tools",
            "call_tool");
    McpSchema.CallToolResult granted =
        agent.callTool(request("lease_acquire", Map.of("paths", List.of("src/app.py"))));
    assertThat(granted.isError()).isFalse();
    JsonNode mine = json(call(agent, "leases", Map.of("mine", true))).path("leases");
    assertThat(mine.get(0).path("path").asString()).isEqualTo("src/app.py");
  }

  @Test
  void aSecondAgentIsRefusedTheFirstAgentsFileWithTheHolderNamed() throws Exception {
    McpSyncClient first = connect("developer", Map.of("X-Baton-Workspace", repo.toString()));
    McpSyncClient second = connect("research", Map.of("X-Baton-Workspace", repo.toString()));
    String firstId = json(call(first, "whoami", Map.of())).path("id").asString();
    String secondId = json(call(second, "whoami", Map.of())).path("id").asString();
    assertThat(firstId).startsWith("java-sdk-mcp-cli").isNotEqualTo(secondId);

    McpSchema.CallToolResult granted =
        first.callTool(
            request(
                "lease_acquire", Map.of("paths", List.of("src/app.py"), "reason", "fixing login")));
    assertThat(granted.isError()).isFalse();
    JsonNode lease = json(granted).path("leases").get(0);
    assertThat(lease.path("path").asString()).isEqualTo("src/app.py");
    assertThat(lease.path("token").asLong()).isPositive();

    McpSchema.CallToolResult refused =
        second.callTool(request("lease_acquire", Map.of("paths", List.of("src/**"))));
    assertThat(refused.isError()).isTrue();
    assertThat(text(refused))
        .contains("lease conflict")
        .contains("src/app.py held exclusively by " + firstId + " (developer, 'fixing login')");

    JsonNode who = json(call(second, "who", Map.of("path", "src/app.py")));
    assertThat(who.path("leases").get(0).path("holder").asString()).isEqualTo(firstId);

    JsonNode released = json(call(first, "lease_release", Map.of("leases", List.of("src/app.py"))));
    assertThat(released.path("released")).hasSize(1);
    assertThat(
            second.callTool(request("lease_acquire", Map.of("paths", List.of("src/**")))).isError())
        .isFalse();
    JsonNode others = json(call(first, "instances", Map.of()));
    assertThat(others.path("instances")).hasSize(2);
    McpSchema.CallToolResult structured = call(first, "leases", Map.of());
    assertThat(structured.structuredContent())
        .as("an object every client accepts, also as structuredContent")
        .isInstanceOf(Map.class);
    for (Map<String, Object> wrong :
        List.<Map<String, Object>>of(
            Map.of(),
            Map.of("paths", List.of("src/**")),
            Map.of("id", "L1"),
            Map.of("leases", List.of()),
            Map.of("bogus", 1))) {
      McpSchema.CallToolResult wrongRelease = second.callTool(request("lease_release", wrong));
      assertThat(wrongRelease.isError()).as("lease_release %s", wrong).isTrue();
    }
    assertThat(json(call(second, "leases", Map.of("mine", true))).path("leases"))
        .as("nothing released by a wrong or empty lease_release")
        .hasSize(1);
    assertThat(json(call(second, "lease_release", Map.of("all", true))).path("released"))
        .hasSize(1);
  }

  @Test
  void mcpTrafficIsAHeartbeatAndASessionWhoseInstanceIsGoneIsEndedSoTheClientStartsAnew()
      throws Exception {
    McpSyncClient agent = connect("developer", Map.of("X-Baton-Workspace", repo.toString()));
    String id = json(call(agent, "whoami", Map.of())).path("id").asString();
    try (BrokerClient c = broker.unixClient()) {
      var before = c.instance(id).lastHeartbeat();
      Thread.sleep(20);
      agent.listTools();
      assertThat(c.instance(id).lastHeartbeat()).isAfter(before);
      c.deregister(id);
    }
    // The SDK client sees 404 for its session, starts a new one, and the next call registers anew.
    String again = null;
    for (int attempt = 0; attempt < 3 && again == null; attempt++) {
      try {
        again = json(call(agent, "whoami", Map.of())).path("id").asString();
      } catch (RuntimeException e) {
        // the call that met the ended session fails; the client has started a new session
      }
    }
    assertThat(again).isNotNull().isNotEqualTo(id);
  }

  @Test
  void anInstanceTheSessionRegisteredForAnUnnamedAgentEndsWhenTheClientEndsTheSession()
      throws Exception {
    Files.writeString(repo.resolve("app.py"), "x = 1\n");
    McpSyncClient agent = connect("developer", Map.of("X-Baton-Workspace", repo.toString()));
    String id = json(call(agent, "whoami", Map.of())).path("id").asString();
    call(agent, "lease_acquire", Map.of("paths", List.of("app.py")));

    agent.closeGracefully(); // DELETE of its session: nobody could find this instance again
    clients.remove(agent);

    try (BrokerClient c = broker.unixClient()) {
      assertThat(c.instances(null, null).instances()).extracting(i -> i.id()).doesNotContain(id);
      assertThat(c.leases(null, null).leases()).isEmpty();
    }
  }

  @Test
  void aClientThatComesBackWithItsSessionGetsItsInstanceAndLeasesBack() throws Exception {
    Files.writeString(repo.resolve("app.py"), "x = 1\n");
    Map<String, String> headers =
        Map.of(
            "X-Baton-Workspace", repo.toString(),
            "X-Baton-Client", "codex",
            "X-Baton-Session", "5f0e4b1c-0000-4000-8000-000000000001");
    McpSyncClient agent = connect("developer", headers);
    String id = json(call(agent, "whoami", Map.of())).path("id").asString();
    assertThat(id).isEqualTo("codex-5f0e4b1c");
    call(agent, "lease_acquire", Map.of("paths", List.of("app.py")));

    agent.closeGracefully();
    clients.remove(agent);
    McpSyncClient back = connect("developer", headers);

    assertThat(json(call(back, "whoami", Map.of())).path("id").asString()).isEqualTo(id);
    try (BrokerClient c = broker.unixClient()) {
      assertThat(c.leases(null, id).leases()).extracting(l -> l.path()).containsExactly("app.py");
    }
  }

  @Test
  void setupLeavesAMalformedMcpJsonAloneAndSaysWhy() throws Exception {
    Files.writeString(repo.resolve(".mcp.json"), "{\"mcpServers\": [");
    var r = sandbox.cli("setup", "claude", repo.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains(".mcp.json is not valid JSON").contains("fix it by hand");
    assertThat(Files.readString(repo.resolve(".mcp.json"))).isEqualTo("{\"mcpServers\": [");
    var unknown = sandbox.cli("setup", "claude", repo.toString(), "--role", "wizard");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.stderr()).contains("unknown role 'wizard'").contains("developer");
  }

  @Test
  void aClientThatClosesTheConnectionWithItsInitializedNotificationIsServed() throws Exception {
    // Every request here goes on its own connection with "Connection: close", as some clients send
    // notifications/initialized.
    dev.baton.api.client.HttpTransport http =
        dev.baton.api.client.HttpTransport.unix(broker.socket(), false, Duration.ofSeconds(10));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "application/json, text/event-stream");
    headers.put("X-Baton-Workspace", repo.toString());
    String session;
    try (var r =
        http.open(
            "POST",
            "/mcp/developer",
            headers,
            ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                    + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
      assertThat(r.status()).isEqualTo(200);
      session = r.headers().get("mcp-session-id");
      assertThat(r.readRest()).contains("\"protocolVersion\":\"2025-06-18\"");
    }
    headers.put("Mcp-Session-Id", session);
    headers.put("Connection", "close");
    try (var r =
        http.open(
            "POST",
            "/mcp/developer",
            headers,
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
      assertThat(r.status()).isEqualTo(202);
    }
    try (var r =
        http.open(
            "POST",
            "/mcp/developer",
            headers,
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.readRest()).contains("\"lease_acquire\"");
    }
  }

  @Test
  void badRequestsGetAnswersThatNameTheProblem() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + broker.tcpPort();
    HttpResponse<String> noToken =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/mcp/developer"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(noToken.statusCode()).isEqualTo(401);
    HttpResponse<String> unknownRole =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/mcp/wizard"))
                .header("Authorization", "Bearer " + broker.token())
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unknownRole.statusCode()).isEqualTo(404);
    assertThat(unknownRole.body())
        .contains("no MCP endpoint for role 'wizard'")
        .contains("developer, ops");

    McpSyncClient noWorkspace = connect("developer", Map.of());
    McpSchema.CallToolResult r = noWorkspace.callTool(request("whoami", Map.of()));
    assertThat(r.isError()).isTrue();
    assertThat(text(r)).contains("X-Baton-Workspace");

    McpSyncClient agent = connect("developer", Map.of("X-Baton-Workspace", repo.toString()));
    McpSchema.CallToolResult outside =
        agent.callTool(request("lease_acquire", Map.of("paths", List.of("../etc/passwd"))));
    assertThat(outside.isError()).isTrue();
    assertThat(text(outside)).contains("is outside the workspace");
    McpSchema.CallToolResult wrongType =
        agent.callTool(request("lease_acquire", Map.of("paths", 42)));
    assertThat(wrongType.isError()).isTrue();
    assertThat(text(wrongType)).contains("'paths' must be an array of strings");
    McpSchema.CallToolResult notHeld =
        agent.callTool(request("lease_release", Map.of("leases", List.of("L999"))));
    assertThat(notHeld.isError()).isTrue();
    assertThat(text(notHeld)).contains("you hold no lease 'L999'");
    try (BrokerClient c = broker.unixClient()) {
      assertThat(c.leases(null, null).leases()).isEmpty();
    }
  }

  @Test
  void unknownMethodsAndRequestsWithoutASessionGetJsonRpcErrorsWithoutStackTraces()
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String endpoint = "http://127.0.0.1:" + broker.tcpPort() + "/mcp/developer";
    java.util.function.Function<String, HttpResponse<String>> post =
        body -> {
          try {
            return http.send(
                HttpRequest.newBuilder(URI.create(endpoint))
                    .header("Authorization", "Bearer " + broker.token())
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        };
    // Claude Code's first request (protocol 2026-07-28), before it falls back to initialize.
    HttpResponse<String> discover =
        post.apply("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{}}");
    assertThat(discover.statusCode()).isEqualTo(200);
    JsonNode d = JSON.readTree(discover.body());
    assertThat(d.path("id").asInt()).isEqualTo(1);
    assertThat(d.path("error").path("code").asInt()).isEqualTo(-32601);
    assertThat(d.path("error").path("message").asString()).contains("server/discover");

    HttpResponse<String> unknown =
        post.apply("{\"jsonrpc\":\"2.0\",\"id\":\"x-7\",\"method\":\"wizardry/cast\"}");
    assertThat(JSON.readTree(unknown.body()).path("id").asString()).isEqualTo("x-7");
    assertThat(JSON.readTree(unknown.body()).path("error").path("code").asInt()).isEqualTo(-32601);

    HttpResponse<String> noSession =
        post.apply("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
    assertThat(noSession.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(noSession.body()).path("error").path("message").asString())
        .contains("send initialize first");

    HttpResponse<String> unknownSession =
        http.send(
            HttpRequest.newBuilder(URI.create(endpoint))
                .header("Authorization", "Bearer " + broker.token())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Mcp-Session-Id", "no-such-session")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unknownSession.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknownSession.body()).path("error").path("code").isNumber())
        .as(unknownSession.body())
        .isTrue();

    McpSyncClient agent = connect("developer", Map.of("X-Baton-Workspace", repo.toString()));
    assertThat(agent.listTools().tools()).isNotEmpty(); // a real session still works
    for (HttpResponse<String> r : List.of(discover, unknown, noSession, unknownSession)) {
      assertThat(r.body())
          .as("answer %d", r.statusCode())
          .doesNotContain("stackTrace")
          .doesNotContain("java.")
          .doesNotContain("Exception");
    }
  }

  /**
   * Within a session, a tools/call without usable params, a body that is not JSON and a batch get a
   * JSON-RPC error at once: the first two once got an empty stream (the client waited for its own
   * timeout) and an ERROR with a Java exception in the broker's log (issue 12, I).
   */
  @Test
  void unusableCallsInASessionGetJsonRpcErrorsAtOnce() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String endpoint = "http://127.0.0.1:" + broker.tcpPort() + "/mcp/developer";
    java.util.function.BiFunction<String, String, HttpResponse<String>> post =
        (session, body) -> {
          HttpRequest.Builder b =
              HttpRequest.newBuilder(URI.create(endpoint))
                  .timeout(Duration.ofSeconds(30))
                  .header("Authorization", "Bearer " + broker.token())
                  .header("Content-Type", "application/json")
                  .header("Accept", "application/json, text/event-stream")
                  .header("X-Baton-Workspace", repo.toString())
                  .POST(HttpRequest.BodyPublishers.ofString(body));
          if (session != null) {
            b.header("Mcp-Session-Id", session);
          }
          try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        };
    String session =
        post.apply(
                null,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                    + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}")
            .headers()
            .firstValue("Mcp-Session-Id")
            .orElseThrow();
    post.apply(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

    Map<String, String> sent =
        new java.util.LinkedHashMap<>(
            Map.of(
                "no params", "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"tools/call\"}",
                "arguments a list",
                    "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"tools/call\","
                        + "\"params\":{\"name\":\"whoami\",\"arguments\":[1]}}",
                "no name",
                    "{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"tools/call\","
                        + "\"params\":{\"arguments\":{}}}"));
    for (Map.Entry<String, String> e : sent.entrySet()) {
      HttpResponse<String> r = post.apply(session, e.getValue());
      JsonNode answer = JSON.readTree(r.body());
      assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
      assertThat(answer.path("id").asInt()).as(e.getKey()).isBetween(11, 13);
      assertThat(answer.path("error").path("code").asInt()).as(e.getKey()).isEqualTo(-32602);
      assertThat(answer.path("error").path("message").asString())
          .as(e.getKey())
          .startsWith("Invalid params: ");
    }
    HttpResponse<String> notJson = post.apply(session, "{\"jsonrpc\":\"2.0\",\"id\":");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(notJson.body()).path("error").path("code").asInt()).isEqualTo(-32700);
    HttpResponse<String> batch =
        post.apply(session, "[{\"jsonrpc\":\"2.0\",\"id\":21,\"method\":\"tools/list\"}]");
    assertThat(batch.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(batch.body()).path("error").path("message").asString())
        .contains("batches are not supported");
    HttpResponse<String> fine =
        post.apply(
            session,
            "{\"jsonrpc\":\"2.0\",\"id\":31,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"whoami\",\"arguments\":{}}}");
    assertThat(fine.body()).as("the session still works").contains("\"id\":31").contains("result");
    assertThat((broker.stdout() + broker.stderr()).lines())
        .as("ERROR lines in the broker's log")
        .noneMatch(l -> l.contains(" ERROR "));
  }

  @Test
  void theStoredInstanceOfAnotherRoleIsNotTakenOverByAHeader() throws Exception {
    try (BrokerClient c = broker.unixClient()) {
      c.register(new RegisterBody("research", repo.toString(), "claude-99999999", "claude"));
    }
    McpSyncClient agent =
        connect(
            "developer",
            Map.of("X-Baton-Workspace", repo.toString(), "X-Baton-Instance", "claude-99999999"));
    JsonNode me = json(call(agent, "whoami", Map.of()));
    // The header names an instance that exists: it is that instance, with its own role.
    assertThat(me.path("id").asString()).isEqualTo("claude-99999999");
    assertThat(me.path("role").asString()).isEqualTo("research");
    assertThatThrownBy(() -> connect("wizard", Map.of())).isInstanceOf(RuntimeException.class);
  }

  // ---- helpers ----

  /**
   * A client for {@code .mcp.json}'s server entry, with its headers expanded from {@code env}, plus
   * those its headersHelper printed.
   */
  private McpSyncClient connect(
      JsonNode server, Map<String, String> env, Map<String, String> more) {
    URI url = URI.create(expand(server.path("url").asString(), env));
    Map<String, String> headers = new LinkedHashMap<>();
    server
        .path("headers")
        .properties()
        .forEach(e -> headers.put(e.getKey(), expand(e.getValue().asString(), env)));
    headers.putAll(more);
    return client(url, headers);
  }

  private McpSyncClient connect(String role, Map<String, String> extraHeaders) {
    Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
    headers.put("Authorization", "Bearer " + broker.token());
    return client(URI.create("http://127.0.0.1:" + broker.tcpPort() + "/mcp/" + role), headers);
  }

  private McpSyncClient client(URI url, Map<String, String> headers) {
    HttpClientStreamableHttpTransport transport =
        HttpClientStreamableHttpTransport.builder(url.getScheme() + "://" + url.getAuthority())
            .endpoint(url.getPath())
            .addHttpRequestCustomizer(
                (builder, method, uri, body, context) ->
                    headers.forEach(
                        (k, v) -> {
                          if (!v.isEmpty()) {
                            builder.header(k, v);
                          }
                        }))
            .build();
    McpSyncClient c = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build();
    clients.add(c);
    c.initialize();
    return c;
  }

  /** Claude Code's expansion of {@code ${VAR}} and {@code ${VAR:-default}}. */
  private static String expand(String text, Map<String, String> env) {
    Matcher m = VAR.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      if (value == null) {
        value = m.group(2) != null ? m.group(2) : m.group();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static McpSchema.CallToolRequest request(String tool, Map<String, Object> args) {
    return McpSchema.CallToolRequest.builder(tool).arguments(args).build();
  }

  private static McpSchema.CallToolResult call(
      McpSyncClient c, String tool, Map<String, Object> args) {
    McpSchema.CallToolResult r = c.callTool(request(tool, args));
    assertThat(r.isError()).as("%s: %s", tool, text(r)).isFalse();
    return r;
  }

  private static String text(McpSchema.CallToolResult r) {
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }

  private static JsonNode json(McpSchema.CallToolResult r) {
    return JSON.readTree(text(r));
  }
}
