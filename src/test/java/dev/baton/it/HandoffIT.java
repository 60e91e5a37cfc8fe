package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.testing.GitRepos;
import dev.baton.testing.Processes;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Handoffs, messages and "where you left off" through a real broker: two agents over MCP hand a
 * session over while a third keeps trying to take its file, the recipient is told over MCP and by
 * its next prompt's hook, and after a restart {@code baton resume} says what each was doing.
 */
class HandoffIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String DEV = "claude-de00f001";
  private static final String DBG = "claude-db00f001";
  private static final String REV = "claude-4e00f001";

  @TempDir Path tmp;

  private BrokerSandbox sandbox;
  private BrokerProcess broker;
  private Path repo;
  private final McpClients clients = new McpClients();

  @BeforeEach
  void start() {
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    broker = startBroker();
    repo = GitRepos.create(tmp.resolve("repo"));
  }

  private BrokerProcess startBroker() {
    return sandbox.start(
        "--config",
        sandbox.writeConfig("baton.yaml", "registry:\n  instance-ttl: 10m\n").toString());
  }

  @AfterEach
  void stop() {
    clients.close();
    broker.close();
  }

  @Test
  void aHandoffOverMcpMovesTheLeaseWhileAThirdAgentKeepsTryingToTakeIt() throws Exception {
    List<String> notices = new CopyOnWriteArrayList<>();
    McpSyncClient dev = connect("developer", DEV, UnaryOperator.identity());
    McpSyncClient dbg =
        connect(
            "debugger",
            DBG,
            spec -> spec.loggingConsumer(n -> notices.add(String.valueOf(n.data()))));
    ok(dbg, "whoami", Map.of());
    register(REV, "reviewer");
    JsonNode held = ok(dev, "lease_acquire", Map.of("paths", List.of("src/app.py")));
    long tokenBefore = held.path("leases").get(0).path("token").asLong();

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger granted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    Thread third =
        new Thread(
            () -> {
              try (BrokerClient c = broker.unixClient()) {
                while (!stop.get()) {
                  HttpResponse r =
                      post(
                          c, "/v1/leases", Map.of("instance", REV, "paths", List.of("src/app.py")));
                  if (r.status() == 409) {
                    refused.incrementAndGet();
                  } else {
                    granted.incrementAndGet();
                  }
                }
              }
            });
    third.start();
    JsonNode handoff;
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> refused.get() > 5);
      handoff =
          ok(
              dev,
              "handoff",
              Map.of(
                  "to",
                  DBG,
                  "kind",
                  "debugging_session",
                  "summary",
                  "NPE in the parser; repro: pytest -k parse",
                  "include_files",
                  List.of("src/app.py")));
      int refusedAtHandoff = refused.get();
      await().atMost(Duration.ofSeconds(20)).until(() -> refused.get() > refusedAtHandoff + 5);
    } finally {
      stop.set(true);
      third.join(20_000);
    }
    assertThat(granted.get()).as("grants to the third agent").isZero();
    assertThat(handoff.path("status").asString()).isEqualTo("pending");
    assertThat(handoff.path("to").asString()).isEqualTo(DBG);

    JsonNode leases = ok(dbg, "leases", Map.of());
    assertThat(leases.toString()).contains("src/app.py");
    try (BrokerClient c = broker.unixClient()) {
      JsonNode list =
          JSON.readTree(c.send("GET", "/v1/leases?instance=" + DBG, Map.of(), null).body());
      JsonNode lease = list.path("leases").get(0);
      assertThat(lease.path("path").asString()).isEqualTo("src/app.py");
      assertThat(lease.path("fencingToken").asLong()).isGreaterThan(tokenBefore);
    }

    // told over MCP at once, and by the next prompt's hook
    await().atMost(Duration.ofSeconds(10)).until(() -> !notices.isEmpty());
    assertThat(notices.get(0))
        .contains("handoff #" + handoff.path("id").asLong(), "NPE in the parser");
    JsonNode hook = hook(DBG, "UserPromptSubmit", Map.of());
    assertThat(hook.path("hookSpecificOutput").path("additionalContext").asString())
        .contains("Handoff #" + handoff.path("id").asLong(), "handoff_accept");

    JsonNode inbox = ok(dbg, "inbox", Map.of("unread_only", false));
    assertThat(inbox.path("messages").get(0).path("handoff").asLong())
        .isEqualTo(handoff.path("id").asLong());
    JsonNode accepted =
        ok(
            dbg,
            "handoff_accept",
            Map.of("handoff_id", handoff.path("id").asLong(), "note", "mine"));
    assertThat(accepted.path("status").asString()).isEqualTo("accepted");
    JsonNode told = ok(dev, "inbox", Map.of());
    assertThat(told.path("messages").get(0).path("text").asString())
        .contains("accepted by " + DBG + ": mine");
  }

  @Test
  void messagesAndBadInputGetClearAnswers() throws Exception {
    McpSyncClient dev = connect("developer", DEV, UnaryOperator.identity());
    McpSyncClient dbg = connect("debugger", DBG, UnaryOperator.identity());
    ok(dbg, "whoami", Map.of());

    JsonNode sent =
        ok(
            dev,
            "send_message",
            Map.of("to", "role:debugger", "text", "CI is red", "ack_required", true));
    assertThat(sent.path("recipients").toString()).contains(DBG);
    JsonNode inbox = ok(dbg, "inbox", Map.of());
    long id = inbox.path("messages").get(0).path("id").asLong();
    JsonNode acked = ok(dbg, "inbox", Map.of("ack", List.of(id)));
    assertThat(acked.path("acknowledged").get(0).path("ackedAt").isNull()).isFalse();

    Processes.Result broadcast =
        sandbox.cliIn(repo, Map.of(), "broadcast", "--importance", "low", "lunch", "at", "noon");
    BrokerSandbox.assertExit(broadcast, 0, "broadcast");
    assertThat(broadcast.stdout()).contains(DEV, DBG);
    Processes.Result cliInbox = sandbox.cli("inbox", DBG);
    assertThat(cliInbox.stdout()).contains("lunch at noon", "(low, unread)");

    assertThat(error(dev, "handoff", Map.of("to", "claude-90ne0001", "summary", "x")))
        .contains("claude-90ne0001");
    assertThat(
            error(
                dev,
                "handoff",
                Map.of("to", DBG, "summary", "x", "include_files", List.of("src/app.py"))))
        .contains("src/app.py is not leased by " + DEV);
    assertThat(error(dbg, "handoff_accept", Map.of("handoff_id", 4242)))
        .contains("no handoff 4242");
    assertThat(error(dev, "send_message", Map.of("to", "role:architect", "text", "x")))
        .contains("no instance of role architect");
    Processes.Result gone =
        sandbox.cli("handoff", DEV, "claude-90ne0001", "--summary", "take over");
    assertThat(gone.exitCode()).isEqualTo(1);
    assertThat(gone.stderr()).contains("claude-90ne0001");
    Processes.Result unknownInbox = sandbox.cli("inbox", "claude-90ne0001");
    assertThat(unknownInbox.exitCode()).isEqualTo(1);
    try (BrokerClient c = broker.unixClient()) {
      HttpResponse malformed =
          c.send(
              "POST",
              "/v1/handoffs",
              Map.of("Content-Type", "application/json"),
              "{\"from\":".getBytes());
      assertThat(malformed.status()).isEqualTo(400);
      assertThat(malformed.bodyText()).contains("invalid_json");
      HttpResponse noWho = c.send("GET", "/v1/checkpoints/resume", Map.of(), null);
      assertThat(noWho.status()).isEqualTo(400);
      assertThat(noWho.bodyText()).contains("give an instance id or a workspace directory");
    }
  }

  @Test
  void afterARestartResumeTellsWhatEachInstanceWasDoing() throws Exception {
    McpSyncClient dev = connect("developer", DEV, UnaryOperator.identity());
    McpSyncClient dbg = connect("debugger", DBG, UnaryOperator.identity());
    ok(dev, "lease_acquire", Map.of("paths", List.of("src/app.py")));
    ok(dev, "checkpoint", Map.of("summary", "parser half rewritten; tests next"));
    ok(dbg, "checkpoint", Map.of("summary", "bisecting the NPE between v1 and v2"));
    register(REV, "reviewer");
    BrokerSandbox.assertExit(sandbox.cli("deregister", REV), 0, "deregister");
    try (BrokerClient c = broker.unixClient()) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  c.send("GET", "/v1/checkpoints?instance=" + REV, Map.of(), null)
                      .bodyText()
                      .contains("deregistered"));
    }
    clients.close();
    broker.close();

    broker = startBroker();
    Processes.Result resume = sandbox.cliIn(repo.resolve("src"), Map.of(), "resume");
    BrokerSandbox.assertExit(resume, 0, "resume");
    assertThat(resume.stdout())
        .contains(
            DEV + " (developer)", "parser half rewritten; tests next", "src/app.py (exclusive)")
        .contains(DBG + " (debugger)", "bisecting the NPE between v1 and v2")
        .contains(REV + " (reviewer), ended")
        .contains("branch main");

    JsonNode start = hook(DEV, "SessionStart", Map.of("source", "resume"));
    assertThat(start.path("hookSpecificOutput").path("additionalContext").asString())
        .contains("Where you left off", "parser half rewritten; tests next");
  }

  private JsonNode hook(String instance, String event, Map<String, Object> extra) throws Exception {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("session_id", "5e55" + instance.substring(instance.length() - 4) + "-0000-0000");
    body.put("cwd", repo.toString());
    body.put("hook_event_name", event);
    body.putAll(extra);
    try (BrokerClient c = broker.unixClient()) {
      HttpResponse r =
          c.send(
              "POST",
              "/v1/hooks/claude/" + event,
              Map.of("Content-Type", "application/json", "X-Baton-Instance", instance),
              JSON.writeValueAsBytes(body));
      assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
      return JSON.readTree(r.body());
    }
  }

  private void register(String id, String role) {
    try (BrokerClient c = broker.unixClient()) {
      HttpResponse r =
          post(c, "/v1/instances", Map.of("role", role, "workspace", repo.toString(), "id", id));
      assertThat(r.status()).as(r.bodyText()).isEqualTo(201);
    }
  }

  private static HttpResponse post(BrokerClient c, String path, Map<String, Object> body) {
    return c.send(
        "POST", path, Map.of("Content-Type", "application/json"), JSON.writeValueAsBytes(body));
  }

  private McpSyncClient connect(
      String role,
      String instance,
      UnaryOperator<io.modelcontextprotocol.client.McpClient.SyncSpec> customise) {
    return clients.connect(broker, role, instance, repo, customise);
  }

  private static JsonNode ok(McpSyncClient c, String tool, Map<String, Object> args) {
    McpSchema.CallToolResult r =
        c.callTool(McpSchema.CallToolRequest.builder(tool).arguments(args).build());
    assertThat(r.isError()).as("%s: %s", tool, McpClients.text(r)).isNotEqualTo(Boolean.TRUE);
    return items(JSON.readTree(McpClients.text(r)));
  }

  /** A list result's items ({@code {"items": [...]}}); any other result as it is. */
  private static JsonNode items(JsonNode result) {
    return result.isObject() && result.size() == 1 && result.has("items")
        ? result.get("items")
        : result;
  }

  private static String error(McpSyncClient c, String tool, Map<String, Object> args) {
    McpSchema.CallToolResult r =
        c.callTool(McpSchema.CallToolRequest.builder(tool).arguments(args).build());
    assertThat(r.isError()).as("%s: %s", tool, McpClients.text(r)).isTrue();
    return McpClients.text(r);
  }
}
