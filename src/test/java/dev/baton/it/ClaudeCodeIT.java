package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.api.Json;
import dev.baton.api.LeaseJson;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.registry.InstanceIds;
import dev.baton.testing.Breaks;
import dev.baton.testing.ClaudeCli;
import dev.baton.testing.ClaudeProcess;
import dev.baton.testing.ClaudeRun;
import dev.baton.testing.FakeAnthropic;
import dev.baton.testing.GitRepos;
import dev.baton.testing.MessagesRequest;
import dev.baton.testing.ModelStep;
import dev.baton.testing.NpmPackages;
import dev.baton.testing.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real Claude Code CLI (from the npm registry, pinned in {@code mcp-servers/package.json}) in a
 * repository set up with {@code baton setup claude}, as the README's Claude Code section says,
 * driven by a scripted fake of the Anthropic API ({@link FakeAnthropic}). Its hooks and its MCP
 * connection ({@code baton mcp} over stdio, in the project's local scope) must act as one instance,
 * live as long as the Claude Code process, keep their leases across pauses and broker restarts, and
 * lose them when the process is killed.
 */
class ClaudeCodeIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Short times, so that "three TTLs" and "the orphan grace" pass within a test. */
  private static final Duration TTL = Duration.ofSeconds(3);

  private static final Duration ORPHAN_GRACE = Duration.ofSeconds(4);
  private static final String CONFIG =
      "registry:\n  instance-ttl: 3s\n  heartbeat-interval: 1s\n  sweep-interval: 200ms\n"
          + "leases:\n  orphan-grace: 4s\n";

  @TempDir Path tmp;

  private BrokerSandbox sandbox;
  private BrokerProcess broker;
  private Path repo;
  private Path home;
  private FakeAnthropic api;
  private Path config;

  /** Keeps the other agents of a test alive: they heartbeat as a running agent's hooks would. */
  private final java.util.concurrent.ScheduledExecutorService otherAgents =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void start() throws Exception {
    NpmPackages.require();
    home = Files.createDirectories(tmp.resolve("home"));
    // Claude Code keeps its user file in CLAUDE_CONFIG_DIR, which ClaudeCli sets to HOME/.claude:
    // setup writes baton's local-scope server there.
    sandbox =
        BrokerSandbox.in(tmp.resolve("b"))
            .withEnv("CLAUDE_CONFIG_DIR", home.resolve(".claude").toString());
    repo = GitRepos.create(tmp.resolve("repo")).toRealPath();
    Files.createDirectories(repo.resolve("src"));
    Files.writeString(repo.resolve("src/app.py"), "print('hi')\n");
    config = sandbox.writeConfig("baton.yaml", CONFIG);
    broker = sandbox.start("--config", config.toString());
    api = FakeAnthropic.start();
  }

  @AfterEach
  void stop() {
    otherAgents.shutdownNow();
    if (api != null) {
      api.close();
    }
    if (broker != null) {
      broker.close();
      // Sessions that come and go (and clients that hang up) are the normal case, not an error.
      assertThat((broker.stdout() + broker.stderr()).lines())
          .as("ERROR and WARN lines in the broker's log")
          .noneMatch(l -> l.contains(" ERROR ") || l.contains(" WARN "));
    }
  }

  /** {@code baton setup claude REPO}, as the README says, and Claude Code in the repository. */
  private ClaudeCli claude() {
    sandbox.expect(0, "setup", "claude", repo.toString());
    return ClaudeCli.in(repo, home, api).withEnv("BATON_JAR", BrokerSandbox.jar().toString());
  }

  private static ModelStep edit(Path file, String from, String to) {
    return ModelStep.toolUse(
        "Edit", Map.of("file_path", file.toString(), "old_string", from, "new_string", to));
  }

  private List<LeaseJson> leasesOf(String instance) {
    try (BrokerClient c = broker.unixClient()) {
      return c.leases(null, instance).leases();
    }
  }

  private boolean alive(String instance) {
    try (BrokerClient c = broker.unixClient()) {
      return c.instances(null, null).instances().stream().anyMatch(i -> i.id().equals(instance));
    }
  }

  private String leaseByAnotherAgent(String path) {
    try (BrokerClient c = broker.unixClient()) {
      String other =
          c.register(new RegisterBody("reviewer", repo.toString(), "cli-0000beef", "cli"))
              .instance()
              .id();
      HttpResponse r =
          c.send(
              "POST",
              "/v1/leases",
              Map.of("Content-Type", "application/json"),
              Json.MAPPER.writeValueAsBytes(
                  Map.of("instance", other, "paths", List.of(path), "reason", "reviewing")));
      assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
      // The TTL here is 3 s, and Claude Code on a loaded machine takes longer than that (and the
      // orphan grace) to reach its first edit: without heartbeats the holder was gone by then.
      otherAgents.scheduleWithFixedDelay(
          () -> {
            try (BrokerClient h = broker.unixClient()) {
              h.heartbeat(other);
            } catch (RuntimeException e) {
              // the broker is stopping, or is down for a test's restart
            }
          },
          500,
          500,
          java.util.concurrent.TimeUnit.MILLISECONDS);
      return other;
    }
  }

  /** The MCP servers and their status as Claude Code's first (init) event lists them. */
  private static String mcpServersAtStart(ClaudeRun run) {
    return run.events().stream()
        .filter(e -> "init".equals(e.path("subtype").asString("")))
        .map(e -> e.path("mcp_servers").toString())
        .findFirst()
        .orElse("no init event");
  }

  /** The data of every event stored so far, oldest first. */
  private List<String> eventsSoFar() throws Exception {
    List<String> out = new java.util.ArrayList<>();
    try (BrokerClient c = broker.unixClient()) {
      long last = c.health().lastEventId();
      try (var stream = c.events(0L)) {
        long seen = 0;
        while (seen < last) {
          var e =
              java.util.concurrent.CompletableFuture.supplyAsync(
                      () -> {
                        try {
                          return stream.next();
                        } catch (java.io.IOException x) {
                          throw new java.io.UncheckedIOException(x);
                        }
                      })
                  .get(10, java.util.concurrent.TimeUnit.SECONDS);
          assertThat(e).as("event stream ended before event %d", last).isNotNull();
          out.add(e.data());
          seen = Json.MAPPER.readTree(e.data()).path("id").asLong();
        }
      }
    }
    return out;
  }

  private MessagesRequest.ToolResult result(String tool) {
    return api.toolResults().stream()
        .filter(r -> r.toolName().equals(tool))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no result of " + tool + " in " + api.toolResults()));
  }

  @Test
  void anEditOfAFileAnotherAgentHoldsIsDeniedNamingTheHolderAndTheFileStaysAsItWas()
      throws Exception {
    String other = leaseByAnotherAgent("src/app.py");
    api.script(edit(repo.resolve("src/app.py"), "hi", "hello"), ModelStep.text("done"));

    ClaudeRun run = claude().withPermissionMode("acceptEdits").run("change the greeting");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    MessagesRequest.ToolResult denied = result("Edit");
    assertThat(denied.isError()).as("Edit's result: %s", denied.text()).isTrue();
    assertThat(denied.text())
        .contains("src/app.py held exclusively by " + other + " (reviewer, 'reviewing')")
        .contains("choose other work");
    assertThat(Files.readString(repo.resolve("src/app.py"))).isEqualTo("print('hi')\n");
  }

  @Test
  void aLeaseTakenOverMcpNeverBlocksTheSameSessionsEditAndWhoamiNamesTheHooksInstance()
      throws Exception {
    api.script(
        ModelStep.toolUse("mcp__baton__whoami", Map.of()),
        ModelStep.toolUse("mcp__baton__lease_acquire", Map.of("paths", List.of("src/app.py"))),
        edit(repo.resolve("src/app.py"), "hi", "hello"),
        ModelStep.text("done"));

    ClaudeRun run = claude().withPermissionMode("acceptEdits").run("lease, then edit");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    String me = InstanceIds.forSession("claude", run.sessionId());
    assertThat(result("mcp__baton__whoami").text()).contains("\"id\":\"" + me + "\"");
    assertThat(result("mcp__baton__lease_acquire").isError()).isFalse();
    assertThat(result("Edit").isError()).as(result("Edit").text()).isFalse();
    assertThat(Files.readString(repo.resolve("src/app.py"))).isEqualTo("print('hello')\n");
    List<String> registered =
        eventsSoFar().stream().filter(e -> e.contains("\"instance.registered\"")).toList();
    assertThat(registered).as("one instance for the whole session").hasSize(1);
    assertThat(registered.get(0)).contains(me);
  }

  @Test
  void anIdleSessionKeepsItsLeasesPastThreeTtlsAndKilledLosesThemAfterTheOrphanGrace()
      throws Exception {
    api.script(
        edit(repo.resolve("src/app.py"), "hi", "hello"),
        ModelStep.text("done").after(Duration.ofMinutes(5)));
    try (ClaudeProcess session =
        claude().withPermissionMode("acceptEdits").start("edit, then think a long time")) {
      String me = InstanceIds.forSession("claude", session.awaitSessionId(Duration.ofSeconds(60)));
      await("the edit's lease, confirmed")
          .atMost(Duration.ofSeconds(60))
          .until(() -> leasesOf(me).stream().anyMatch(l -> l.provisional() == null));
      api.awaitMainRequests(2, Duration.ofSeconds(60)); // the model is "thinking" from here on

      Thread.sleep(TTL.multipliedBy(4).toMillis()); // idle: no hook, no MCP call, no heartbeat

      assertThat(alive(me)).as("the idle session's instance").isTrue();
      assertThat(leasesOf(me)).extracting(LeaseJson::path).containsExactly("src/app.py");

      session.kill();
      await("the killed session's instance ends within a sweep")
          .atMost(Duration.ofSeconds(5))
          .until(() -> !alive(me));
      assertThat(leasesOf(me))
          .as("its lease waits for the session to come back")
          .singleElement()
          .satisfies(l -> assertThat(l.orphanedAt()).isNotNull());
      await("its lease goes after the orphan grace")
          .atMost(ORPHAN_GRACE.plusSeconds(5))
          .until(() -> leasesOf(me).isEmpty());
    }
  }

  @Test
  void aBrokerDownForLongerThanTheTtlComesBackWithTheSessionsLeasesHeld() throws Exception {
    api.script(
        edit(repo.resolve("src/app.py"), "hi", "hello"),
        ModelStep.text("done").after(Duration.ofMinutes(5)));
    try (ClaudeProcess session =
        claude().withPermissionMode("acceptEdits").start("edit, then think a long time")) {
      String me = InstanceIds.forSession("claude", session.awaitSessionId(Duration.ofSeconds(60)));
      await("the edit's lease, confirmed")
          .atMost(Duration.ofSeconds(60))
          .until(() -> leasesOf(me).stream().anyMatch(l -> l.provisional() == null));

      broker.sigkill();
      broker.waitFor(Duration.ofSeconds(30));
      Thread.sleep(TTL.multipliedBy(2).toMillis());
      broker = sandbox.start("--config", config.toString());

      assertThat(alive(me)).as("the session's instance after the restart").isTrue();
      assertThat(leasesOf(me)).extracting(LeaseJson::path).containsExactly("src/app.py");
      Thread.sleep(TTL.multipliedBy(2).toMillis()); // past the restart grace
      assertThat(alive(me)).as("alive because its process is").isTrue();
      assertThat(leasesOf(me)).extracting(LeaseJson::path).containsExactly("src/app.py");
      assertThat(eventsSoFar())
          .filteredOn(e -> e.contains("\"broker.started\""))
          .last()
          .asString()
          .contains("\"downForMs\"");
    }
  }

  @Test
  void duringABreakThePromptTellsTheModelThatThePersonIsAwayUntilWhen() throws Exception {
    try (BrokerClient c = broker.unixClient()) {
      Breaks.takeOne(c);
    }
    api.script(ModelStep.text("I will finish this step and checkpoint."));

    ClaudeRun run = claude().run("go on with the refactor");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    Breaks.assertTheModelWasTold(api.mainRequests().get(0).texts(), "UserPromptSubmit");
  }

  @Test
  void inAFreshUntrustedCheckoutPrintModeOffersBatonsToolsAndWhoamiAnswers() throws Exception {
    api.script(ModelStep.toolUse("mcp__baton__whoami", Map.of()), ModelStep.text("done"));

    ClaudeRun run = claude().run("who am I?"); // default permission mode, never trusted

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(api.toolNamesOffered())
        .as("tools offered; MCP servers at start: %s", mcpServersAtStart(run))
        .contains("mcp__baton__whoami", "mcp__baton__lease_acquire", "mcp__baton__inbox");
    MessagesRequest.ToolResult whoami = result("mcp__baton__whoami");
    assertThat(whoami.isError()).as(whoami.text()).isFalse();
    assertThat(whoami.text())
        .contains(InstanceIds.forSession("claude", run.sessionId()))
        .contains("developer");
    assertThat(
            JSON.readTree(Files.readString(home.resolve(".claude/.claude.json")))
                .path("projects")
                .path(repo.toString())
                .path("hasTrustDialogAccepted")
                .asBoolean(false))
        .as("the folder was never trusted")
        .isFalse();
  }

  @Test
  void aRefusedEditLeavesNoLeaseBehind() throws Exception {
    api.script(
        edit(repo.resolve("src/app.py"), "hi", "hello"),
        ModelStep.text("done").after(Duration.ofMinutes(5)));
    try (ClaudeProcess session = claude().start("edit")) { // default mode: the edit is refused
      String me = InstanceIds.forSession("claude", session.awaitSessionId(Duration.ofSeconds(60)));
      api.awaitMainRequests(2, Duration.ofSeconds(60));
      assertThat(result("Edit").text()).contains("haven't granted it yet");

      await("no lease of the refused edit")
          .atMost(Duration.ofSeconds(10))
          .until(() -> leasesOf(me).isEmpty());
      assertThat(alive(me)).as("the session still runs").isTrue();
      assertThat(Files.readString(repo.resolve("src/app.py"))).isEqualTo("print('hi')\n");
    }
  }

  @Test
  void sessionStartContextStaysWithinItsBudgetAfterThirtyEndedSessions() throws Exception {
    try (BrokerClient c = broker.unixClient()) {
      for (int i = 0; i < 30; i++) {
        String session = String.format("%08x-0000-4000-8000-%012x", 0xe0000000L + i, i);
        for (String event : List.of("SessionStart", "PreToolUse", "PostToolUse", "SessionEnd")) {
          Map<String, Object> doc = new LinkedHashMap<>();
          doc.put("session_id", session);
          doc.put("cwd", repo.toString());
          doc.put("hook_event_name", event);
          doc.put("source", "startup");
          doc.put("tool_name", "Edit");
          doc.put("tool_input", Map.of("file_path", repo.resolve("src/f" + i + ".py").toString()));
          HttpResponse r =
              c.send(
                  "POST",
                  "/v1/hooks/claude/" + event,
                  Map.of("Content-Type", "application/json"),
                  Json.MAPPER.writeValueAsBytes(doc));
          assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
        }
      }
    }
    api.script(ModelStep.text("done"));

    ClaudeRun run = claude().run("where were we?");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    String context =
        api.mainRequests().get(0).texts().stream()
            .filter(t -> t.contains("baton coordinates the agents in this repository"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no SessionStart context from baton"));
    String ours = context.substring(context.indexOf("baton coordinates the agents"));
    for (String end : List.of("</system-reminder>", "\n# ")) { // Claude Code's own text follows
      if (ours.contains(end)) {
        ours = ours.substring(0, ours.indexOf(end));
      }
    }
    System.out.println(
        "ClaudeCodeIT: SessionStart context after 30 ended sessions, "
            + ours.length()
            + " chars:\n"
            + ours);
    assertThat(ours.length()).as("baton's SessionStart context").isLessThan(5000);
    assertThat(ours).contains("Where you left off").contains("more: baton resume");
  }

  @Test
  void claudeCodeConnectsOverHttpWhenSetUpSoInATrustedFolder() throws Exception {
    String trusted =
        JSON.writeValueAsString(
            Map.of("projects", Map.of(repo.toString(), Map.of("hasTrustDialogAccepted", true))));
    Files.writeString(
        Files.createDirectories(home.resolve(".claude")).resolve(".claude.json"), trusted);
    sandbox.expect(0, "setup", "claude", repo.toString(), "--role", "developer", "--http");

    ClaudeCli cli = ClaudeCli.in(repo, home, api).withEnv("BATON_INSTANCE", "claude-cc000001");
    Processes.Result list =
        Processes.run(
            repo, cli.environment(), List.of(NpmPackages.bin("claude").toString(), "mcp", "list"));

    String url = "http://127.0.0.1:" + broker.tcpPort() + "/mcp/developer";
    assertThat(list.stdout() + list.stderr())
        .as("claude mcp list")
        .contains("baton: " + url + " (HTTP)")
        .contains("Connected")
        .doesNotContain("Failed");
    assertThat(Files.readString(repo.resolve(".mcp.json"), StandardCharsets.UTF_8))
        .doesNotContain(broker.token());
  }
}
