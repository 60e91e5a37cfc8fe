package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.api.Json;
import dev.baton.api.LeaseJson;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.testing.GitRepos;
import dev.baton.testing.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The real Claude Code hook script, installed by {@code baton setup claude} through the launcher,
 * run the way Claude Code runs it: the command from {@code .claude/settings.local.json} through
 * {@code sh -c} in the project, with Claude Code's hook JSON on standard input, against a real
 * broker process. Sessions are told apart by their {@code session_id}, as in Claude Code.
 */
class ClaudeHookIT {
  private static final String CONFIG = "registry:\n  instance-ttl: 10m\nleases:\n  idle-ttl: 30s\n";
  private static final String SESSION_A = "a1b2c3d4-5e6f-4a0b-9c8d-7e6f5a4b3c2d";
  private static final String SESSION_B = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
  private static final String INSTANCE_A = "claude-a1b2c3d4";
  private static final String INSTANCE_B = "claude-5e6f7a8b";
  private static final String DENY_HOLDER =
      "src/app.py held exclusively by %s \\(%s, 'editing with %s'\\) since \\d\\d:\\d\\d:\\d\\d,"
          + " (about to edit it \\()?expires in \\d+ s";

  @TempDir Path tmp;

  private final List<BrokerProcess> brokers = new ArrayList<>();
  private BrokerSandbox sandbox;
  private Path repo;
  private Path worktree;

  @BeforeEach
  void createSandboxAndRepository() {
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    repo = GitRepos.create(tmp.resolve("repo"));
    worktree = GitRepos.addWorktree(repo, tmp.resolve("wt"), "feature");
  }

  @AfterEach
  void stopBrokers() {
    brokers.forEach(BrokerProcess::close);
  }

  private BrokerProcess start() {
    BrokerProcess broker =
        sandbox.start("--config", sandbox.writeConfig("baton.yaml", CONFIG).toString());
    brokers.add(broker);
    return broker;
  }

  /** {@code baton setup claude DIR --role ROLE} through the launcher. */
  private Processes.Result setup(Path dir, String role) {
    return sandbox.expect(0, "setup", "claude", dir.toString(), "--role", role);
  }

  /** The repository set up for developers, the worktree for research, both running. */
  private BrokerProcess startAndSetUpBoth() {
    BrokerProcess broker = start();
    setup(repo, "developer");
    setup(worktree, "research");
    return broker;
  }

  // ---- Claude Code's hook documents ----

  private static Map<String, Object> common(String session, Path cwd, String event) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("session_id", session);
    doc.put(
        "transcript_path",
        "/home/dev/.claude/projects/"
            + cwd.toString().replace('/', '-')
            + "/"
            + session
            + ".jsonl");
    doc.put("cwd", cwd.toString());
    doc.put("permission_mode", "default");
    doc.put("hook_event_name", event);
    return doc;
  }

  private static String edit(String session, Path cwd, Path file) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("file_path", file.toString());
    input.put("old_string", "print('hi')");
    input.put("new_string", "print('hello')");
    input.put("replace_all", false);
    return preToolUse(session, cwd, "Edit", input);
  }

  private static String write(String session, Path cwd, Path file) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("file_path", file.toString());
    input.put("content", "print('rewritten')\n");
    return preToolUse(session, cwd, "Write", input);
  }

  private static String multiEdit(String session, Path cwd, Path file) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("file_path", file.toString());
    input.put(
        "edits",
        List.of(
            Map.of("old_string", "a", "new_string", "b"),
            Map.of("old_string", "c", "new_string", "d", "replace_all", true)));
    return preToolUse(session, cwd, "MultiEdit", input);
  }

  private static String notebookEdit(String session, Path cwd, Path notebook) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("notebook_path", notebook.toString());
    input.put("cell_id", "cell-3");
    input.put("new_source", "df.describe()");
    input.put("cell_type", "code");
    input.put("edit_mode", "replace");
    return preToolUse(session, cwd, "NotebookEdit", input);
  }

  private static String preToolUse(
      String session, Path cwd, String tool, Map<String, Object> input) {
    Map<String, Object> doc = common(session, cwd, "PreToolUse");
    doc.put("tool_name", tool);
    doc.put("tool_input", input);
    doc.put("tool_use_id", "toolu_01" + Integer.toHexString((session + tool + input).hashCode()));
    return Json.MAPPER.writeValueAsString(doc);
  }

  private static String sessionStart(String session, Path cwd) {
    Map<String, Object> doc = common(session, cwd, "SessionStart");
    doc.put("source", "startup");
    doc.put("model", "claude-sonnet-4-5");
    return Json.MAPPER.writeValueAsString(doc);
  }

  private static String stop(String session, Path cwd) {
    Map<String, Object> doc = common(session, cwd, "Stop");
    doc.put("stop_hook_active", false);
    return Json.MAPPER.writeValueAsString(doc);
  }

  private static String sessionEnd(String session, Path cwd) {
    Map<String, Object> doc = common(session, cwd, "SessionEnd");
    doc.put("reason", "prompt_input_exit");
    return Json.MAPPER.writeValueAsString(doc);
  }

  // ---- running the installed hook ----

  private static JsonNode settings(Path project) throws Exception {
    return Json.MAPPER.readTree(
        Files.readString(project.resolve(".claude/settings.local.json"), StandardCharsets.UTF_8));
  }

  /** The command baton's setup wrote for {@code event} into the project's settings. */
  private static String hookCommand(Path project, String event) throws Exception {
    List<String> ours = ourCommands(settings(project), event);
    assertThat(ours).as("baton's %s hooks in %s", event, project).hasSize(1);
    return ours.get(0);
  }

  private static List<String> ourCommands(JsonNode settings, String event) {
    List<String> commands = new ArrayList<>();
    for (JsonNode group : settings.path("hooks").path(event)) {
      for (JsonNode hook : group.path("hooks")) {
        String command = hook.path("command").asString("");
        if (command.contains("claude-hook")) {
          commands.add(command);
        }
      }
    }
    return commands;
  }

  /** Runs the project's hook for the event as Claude Code would; exit 0 is required. */
  private JsonNode hook(Path project, String event, String document, Map<String, String> env)
      throws Exception {
    Processes.Result r =
        Shell.sh(project, sandbox.home(), env, document, hookCommand(project, event));
    assertThat(r.exitCode()).as("hook %s exit; stderr: %s", event, r.stderr()).isZero();
    String out = r.stdout().strip();
    return out.isEmpty() ? null : Json.MAPPER.readTree(out);
  }

  private JsonNode hook(Path project, String event, String document) throws Exception {
    return hook(project, event, document, Map.of());
  }

  private static void assertAllowed(JsonNode answer) {
    assertThat(answer).as("hook answer").isNotNull();
    assertThat(answer.path("hookSpecificOutput").path("permissionDecision").asString(""))
        .as("decision in %s", answer)
        .isNotEqualTo("deny");
  }

  private static String denyReason(JsonNode answer) {
    JsonNode specific = answer.path("hookSpecificOutput");
    assertThat(specific.path("hookEventName").asString()).as("%s", answer).isEqualTo("PreToolUse");
    assertThat(specific.path("permissionDecision").asString()).as("%s", answer).isEqualTo("deny");
    return specific.path("permissionDecisionReason").asString();
  }

  private static List<LeaseJson> leasesOf(BrokerProcess broker, String instance) {
    try (BrokerClient client = broker.unixClient()) {
      return client.leases(null, instance).leases();
    }
  }

  // ---- allow and deny ----

  @Test
  void theSecondSessionToEditAFileIsDeniedWithAReasonNamingTheFirst() throws Exception {
    BrokerProcess broker = startAndSetUpBoth();
    assertThat(hook(repo, "SessionStart", sessionStart(SESSION_A, repo))).isNotNull();

    JsonNode first = hook(repo, "PreToolUse", edit(SESSION_A, repo, repo.resolve("src/app.py")));
    JsonNode second =
        hook(worktree, "PreToolUse", edit(SESSION_B, worktree, worktree.resolve("src/app.py")));

    assertThat(first).isEqualTo(Json.MAPPER.readTree("{}"));
    String reason = denyReason(second);
    assertThat(reason)
        .containsPattern(String.format(DENY_HOLDER, INSTANCE_A, "developer", "Edit"))
        .contains("choose other work")
        .containsPattern("baton lease release --force L\\d+");
    assertThat(leasesOf(broker, INSTANCE_A))
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.path()).isEqualTo("src/app.py");
              assertThat(l.mode()).isEqualTo("exclusive");
              assertThat(l.role()).isEqualTo("developer");
            });
    assertThat(leasesOf(broker, INSTANCE_B)).isEmpty();
  }

  @Test
  void theDenialNamesTheHoldersRoleWhicheverSideAsks() throws Exception {
    startAndSetUpBoth();
    hook(worktree, "PreToolUse", edit(SESSION_B, worktree, worktree.resolve("src/app.py")));

    JsonNode denied = hook(repo, "PreToolUse", write(SESSION_A, repo, repo.resolve("src/app.py")));

    assertThat(denyReason(denied))
        .containsPattern(
            "src/app.py held exclusively by "
                + INSTANCE_B
                + " \\(research, 'editing with Edit'\\) since .*, (about to edit it \\()?expires"
                + " in \\d+ s");
  }

  @Test
  void theHolderKeepsEditingItsFileAndTheOtherSessionEditsOtherFiles() throws Exception {
    BrokerProcess broker = startAndSetUpBoth();
    hook(repo, "PreToolUse", edit(SESSION_A, repo, repo.resolve("src/app.py")));
    Instant firstExpiry = leasesOf(broker, INSTANCE_A).get(0).expiresAt();

    JsonNode again =
        hook(repo, "PreToolUse", multiEdit(SESSION_A, repo, repo.resolve("src/app.py")));
    JsonNode other =
        hook(worktree, "PreToolUse", edit(SESSION_B, worktree, worktree.resolve("src/util.py")));

    assertThat(again).isEqualTo(Json.MAPPER.readTree("{}"));
    assertThat(other).isEqualTo(Json.MAPPER.readTree("{}"));
    assertThat(leasesOf(broker, INSTANCE_A))
        .singleElement()
        .satisfies(l -> assertThat(l.expiresAt()).isAfterOrEqualTo(firstExpiry));
    assertThat(leasesOf(broker, INSTANCE_B))
        .extracting(LeaseJson::path)
        .containsExactly("src/util.py");
  }

  @Test
  void aFreeFileIsAllowedAndLeasedToTheSession() throws Exception {
    BrokerProcess broker = startAndSetUpBoth();

    JsonNode answer =
        hook(repo, "PreToolUse", write(SESSION_A, repo, repo.resolve("docs/new-guide.md")));

    assertThat(answer).isEqualTo(Json.MAPPER.readTree("{}"));
    try (BrokerClient client = broker.unixClient()) {
      assertThat(client.instance(INSTANCE_A).role()).isEqualTo("developer");
      assertThat(client.check(repo.toString(), "docs/new-guide.md").leases())
          .singleElement()
          .satisfies(
              l -> {
                assertThat(l.instance()).isEqualTo(INSTANCE_A);
                assertThat(l.reason()).isEqualTo("editing with Write");
              });
    }
  }

  @Test
  void aFileOutsideTheWorkspaceIsAllowedAndLeasesNothing() throws Exception {
    BrokerProcess broker = startAndSetUpBoth();
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere")).resolve("notes.md");
    hook(worktree, "PreToolUse", edit(SESSION_B, worktree, elsewhere));

    JsonNode answer = hook(repo, "PreToolUse", edit(SESSION_A, repo, elsewhere));
    JsonNode tmpFile =
        hook(repo, "PreToolUse", write(SESSION_A, repo, Path.of("/tmp/scratch.txt")));

    assertAllowed(answer);
    assertAllowed(tmpFile);
    assertThat(leasesOf(broker, INSTANCE_A)).isEmpty();
    assertThat(leasesOf(broker, INSTANCE_B)).isEmpty();
  }

  @Test
  void toolsThatDoNotEditAreAllowedAndLeaseNothing() throws Exception {
    BrokerProcess broker = startAndSetUpBoth();
    hook(repo, "PreToolUse", edit(SESSION_A, repo, repo.resolve("src/app.py")));
    Map<String, Object> read = new LinkedHashMap<>();
    read.put("file_path", worktree.resolve("src/app.py").toString());
    Map<String, Object> bash = new LinkedHashMap<>();
    bash.put("command", "sed -i s/hi/ho/ src/app.py");
    bash.put("description", "Change the greeting");
    Map<String, Object> grep = new LinkedHashMap<>();
    grep.put("pattern", "print");
    grep.put("path", worktree.resolve("src").toString());

    for (String doc :
        List.of(
            preToolUse(SESSION_B, worktree, "Read", read),
            preToolUse(SESSION_B, worktree, "Bash", bash),
            preToolUse(SESSION_B, worktree, "Grep", grep))) {
      JsonNode answer = hook(worktree, "PreToolUse", doc);
      assertThat(answer).as("answer to %s", doc).isEqualTo(Json.MAPPER.readTree("{}"));
    }
    assertThat(leasesOf(broker, INSTANCE_B)).isEmpty();
  }

  @Test
  void writeMultiEditAndNotebookEditAreGuardedLikeEdit() throws Exception {
    startAndSetUpBoth();
    hook(repo, "PreToolUse", edit(SESSION_A, repo, repo.resolve("src/app.py")));
    hook(repo, "PreToolUse", notebookEdit(SESSION_A, repo, repo.resolve("nb/analysis.ipynb")));

    JsonNode write =
        hook(worktree, "PreToolUse", write(SESSION_B, worktree, worktree.resolve("src/app.py")));
    JsonNode multi =
        hook(
            worktree, "PreToolUse", multiEdit(SESSION_B, worktree, worktree.resolve("src/app.py")));
    JsonNode notebook =
        hook(
            worktree,
            "PreToolUse",
            notebookEdit(SESSION_B, worktree, worktree.resolve("nb/analysis.ipynb")));

    assertThat(denyReason(write))
        .containsPattern(String.format(DENY_HOLDER, INSTANCE_A, "developer", "Edit"));
    assertThat(denyReason(multi)).contains(INSTANCE_A);
    assertThat(denyReason(notebook))
        .contains("nb/analysis.ipynb held exclusively by " + INSTANCE_A)
        .contains("'editing with NotebookEdit'");
  }

  /**
   * Claude Code sends a Write's whole content in the hook JSON, so a large file makes a large
   * document. Found by this test: over server.max-body (1 MiB) the broker answers 413, and the
   * script then allows the edit saying baton is not reachable, although another session holds the
   * file.
   */
  @Test
  void aLargeWriteOfAFileAnotherSessionHoldsIsStillDenied() throws Exception {
    BrokerProcess broker = startAndSetUpBoth();
    hook(repo, "PreToolUse", edit(SESSION_A, repo, repo.resolve("data/fixtures.json")));
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("file_path", worktree.resolve("data/fixtures.json").toString());
    input.put(
        "content", "{\"rows\": [" + "{\"id\": 1, \"name\": \"x\"},\n".repeat(60_000) + "]}\n");
    String document = preToolUse(SESSION_B, worktree, "Write", input);
    assertThat(document.length()).as("hook document size").isGreaterThan(1024 * 1024);

    JsonNode answer = hook(worktree, "PreToolUse", document);

    assertThat(answer.path("systemMessage").asString(""))
        .as("a broker that is up must not be reported unreachable")
        .doesNotContain("not reachable");
    assertThat(denyReason(answer)).contains("data/fixtures.json held exclusively by " + INSTANCE_A);
    assertThat(leasesOf(broker, INSTANCE_B)).isEmpty();
  }

  @Test
  void aLauncherChosenInstanceIdIsTheOneTheHookActsFor() throws Exception {
    BrokerProcess broker = startAndSetUpBoth();
    String chosen;
    try (BrokerClient client = broker.unixClient()) {
      chosen =
          client
              .register(new RegisterBody("reviewer", worktree.toString(), null, "claude"))
              .instance()
              .id();
    }
    hook(
        worktree,
        "PreToolUse",
        edit(SESSION_B, worktree, worktree.resolve("src/app.py")),
        Map.of("BATON_INSTANCE", chosen));

    JsonNode denied = hook(repo, "PreToolUse", edit(SESSION_A, repo, repo.resolve("src/app.py")));

    assertThat(denyReason(denied))
        .containsPattern(String.format(DENY_HOLDER, chosen, "reviewer", "Edit"));
    assertThat(leasesOf(broker, INSTANCE_B)).isEmpty();
  }

  // ---- session lifecycle ----

  @Test
  void sessionStartTellsTheSessionWhoElseWorksHereAndWhatTheyHold() throws Exception {
    startAndSetUpBoth();
    hook(repo, "SessionStart", sessionStart(SESSION_A, repo));
    hook(repo, "PreToolUse", edit(SESSION_A, repo, repo.resolve("src/app.py")));

    JsonNode answer = hook(worktree, "SessionStart", sessionStart(SESSION_B, worktree));

    JsonNode specific = answer.path("hookSpecificOutput");
    assertThat(specific.path("hookEventName").asString()).isEqualTo("SessionStart");
    assertThat(specific.path("additionalContext").asString())
        .contains("You are " + INSTANCE_B + " (research)")
        .containsPattern(
            "- "
                + INSTANCE_A
                + " \\(developer\\) holds src/app.py \\(exclusive, expires in \\d+ s\\)");
  }

  @Test
  void aSessionStartedForAnInstanceWhoseWorktreeWasRemovedGetsItsOwnWorktreeBack()
      throws Exception {
    BrokerProcess broker = startAndSetUpBoth();
    String id = "claude-0000face";
    Path own;
    try (BrokerClient client = broker.unixClient()) {
      own =
          Path.of(
              client
                  .register(
                      new dev.baton.api.RegisterBody(
                          "developer", repo.toString(), id, "claude", true, null))
                  .instance()
                  .worktree());
      java.nio.file.Files.writeString(own.resolve("notes.txt"), "half-done\n");
      client.deregister(id);
      client.removeWorktree(id, true);
    }
    assertThat(own).doesNotExist();

    JsonNode answer =
        hook(repo, "SessionStart", sessionStart(SESSION_A, repo), Map.of("BATON_INSTANCE", id));

    assertThat(answer.path("hookSpecificOutput").path("additionalContext").asString())
        .contains("You are " + id + " (developer)")
        .contains(
            "Your worktree is "
                + own
                + " on branch instance/"
                + id
                + "; this session started outside it, so cd there before you edit anything");
    assertThat(own.resolve("notes.txt"))
        .as("its own worktree, with its work")
        .hasContent("half-done\n");
  }

  @Test
  void aLoneSessionIsToldNobodyElseIsHere() throws Exception {
    BrokerProcess broker = startAndSetUpBoth();

    JsonNode answer = hook(repo, "SessionStart", sessionStart(SESSION_A, repo));

    assertThat(answer.path("hookSpecificOutput").path("additionalContext").asString())
        .contains("You are " + INSTANCE_A + " (developer)")
        .contains("No other agent is working here");
    try (BrokerClient client = broker.unixClient()) {
      assertThat(client.instance(INSTANCE_A).workspace()).isEqualTo(repo.toString());
    }
  }

  @Test
  void theNextPromptCarriesAHandoffAndAResumedSessionWhereItLeftOff() throws Exception {
    BrokerProcess broker = startAndSetUpBoth();
    hook(repo, "SessionStart", sessionStart(SESSION_A, repo));
    hook(worktree, "SessionStart", sessionStart(SESSION_B, worktree));
    hook(repo, "PreToolUse", edit(SESSION_A, repo, repo.resolve("src/app.py")));
    assertThat(hook(worktree, "UserPromptSubmit", prompt(SESSION_B, worktree, "go on")))
        .isEqualTo(Json.MAPPER.createObjectNode());

    try (BrokerClient client = broker.unixClient()) {
      HttpResponse sent =
          client.send(
              "POST",
              "/v1/handoffs",
              Map.of("Content-Type", "application/json"),
              Json.MAPPER.writeValueAsBytes(
                  Map.of(
                      "from",
                      INSTANCE_A,
                      "to",
                      INSTANCE_B,
                      "summary",
                      "the parser NPE is yours",
                      "files",
                      List.of("src/app.py"))));
      assertThat(sent.status()).as(sent.bodyText()).isEqualTo(201);
      HttpResponse checkpoint =
          client.send(
              "POST",
              "/v1/checkpoints",
              Map.of("Content-Type", "application/json"),
              Json.MAPPER.writeValueAsBytes(
                  Map.of("instance", INSTANCE_B, "summary", "reading the parser")));
      assertThat(checkpoint.status()).as(checkpoint.bodyText()).isEqualTo(201);
    }

    JsonNode next = hook(worktree, "UserPromptSubmit", prompt(SESSION_B, worktree, "go on"));
    assertThat(next.path("hookSpecificOutput").path("hookEventName").asString())
        .isEqualTo("UserPromptSubmit");
    assertThat(next.path("hookSpecificOutput").path("additionalContext").asString())
        .contains("Handoff #1 from " + INSTANCE_A, "the parser NPE is yours", "handoff_accept");
    // shown once: the prompt after that carries nothing new
    assertThat(hook(worktree, "UserPromptSubmit", prompt(SESSION_B, worktree, "and?")))
        .isEqualTo(Json.MAPPER.createObjectNode());
    // the edit the handoff gave it is now its own
    assertAllowed(
        hook(worktree, "PreToolUse", edit(SESSION_B, worktree, worktree.resolve("src/app.py"))));

    Map<String, Object> resumed = common(SESSION_B, worktree, "SessionStart");
    resumed.put("source", "resume");
    JsonNode start = hook(worktree, "SessionStart", Json.MAPPER.writeValueAsString(resumed));
    assertThat(start.path("hookSpecificOutput").path("additionalContext").asString())
        .contains("Where you left off", "reading the parser");
  }

  private static String prompt(String session, Path cwd, String text) {
    Map<String, Object> doc = common(session, cwd, "UserPromptSubmit");
    doc.put("prompt", text);
    return Json.MAPPER.writeValueAsString(doc);
  }

  @Test
  void sessionEndFreesTheSessionsFiles() throws Exception {
    BrokerProcess broker = startAndSetUpBoth();
    hook(repo, "SessionStart", sessionStart(SESSION_A, repo));
    hook(repo, "PreToolUse", edit(SESSION_A, repo, repo.resolve("src/app.py")));
    hook(repo, "PreToolUse", write(SESSION_A, repo, repo.resolve("src/util.py")));
    denyReason(
        hook(worktree, "PreToolUse", edit(SESSION_B, worktree, worktree.resolve("src/app.py"))));

    JsonNode end = hook(repo, "SessionEnd", sessionEnd(SESSION_A, repo));
    JsonNode after =
        hook(worktree, "PreToolUse", edit(SESSION_B, worktree, worktree.resolve("src/app.py")));

    assertThat(end == null || end.isEmpty()).as("SessionEnd answer %s", end).isTrue();
    assertThat(after).isEqualTo(Json.MAPPER.readTree("{}"));
    assertThat(leasesOf(broker, INSTANCE_A)).isEmpty();
    try (BrokerClient client = broker.unixClient()) {
      assertThat(client.instances(null, null).instances())
          .extracting(i -> i.id())
          .doesNotContain(INSTANCE_A);
    }
  }

  @Test
  void anEditThatHappenedKeepsItsLeaseAndOneThatDidNotLeavesNone() throws Exception {
    BrokerProcess broker = startAndSetUpBoth();
    hook(repo, "PreToolUse", edit(SESSION_A, repo, repo.resolve("src/app.py")));
    assertThat(leasesOf(broker, INSTANCE_A).get(0).expiresAt())
        .as("provisional until the edit happens")
        .isBefore(Instant.now().plus(Duration.ofMinutes(2)));
    hook(repo, "PostToolUse", after("PostToolUse", SESSION_A, repo, repo.resolve("src/app.py")));
    hook(repo, "PreToolUse", write(SESSION_A, repo, repo.resolve("src/refused.py")));
    hook(repo, "PreToolUse", write(SESSION_A, repo, repo.resolve("src/failed.py")));
    hook(repo, "PreToolUse", write(SESSION_A, repo, repo.resolve("src/abandoned.py")));
    assertThat(leasesOf(broker, INSTANCE_A)).hasSize(4);

    hook(
        repo,
        "PermissionDenied",
        after("PermissionDenied", SESSION_A, repo, repo.resolve("src/refused.py")));
    hook(
        repo,
        "PostToolUseFailure",
        after("PostToolUseFailure", SESSION_A, repo, repo.resolve("src/failed.py")));
    assertThat(leasesOf(broker, INSTANCE_A))
        .extracting(LeaseJson::path)
        .containsExactly("src/app.py", "src/abandoned.py");
    hook(repo, "UserPromptSubmit", prompt(SESSION_A, repo, "next"));

    assertThat(leasesOf(broker, INSTANCE_A))
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.path()).isEqualTo("src/app.py");
              assertThat(l.expiresAt()).isAfter(Instant.now().plus(Duration.ofMinutes(9)));
            });
    assertAllowed(
        hook(
            worktree, "PreToolUse", edit(SESSION_B, worktree, worktree.resolve("src/refused.py"))));
  }

  @Test
  void stopLetsTheLeasesOfASessionWithoutAKnownProcessRunOutWithinTheIdleTtl() throws Exception {
    BrokerProcess broker = startAndSetUpBoth();
    // The hook names the process it runs for (CLAUDE_PID, else its first ancestor that is not a
    // shell: this test's JVM); here it names one that has ended.
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    Map<String, String> env = Map.of("CLAUDE_PID", Long.toString(ended.pid()));
    hook(repo, "PreToolUse", edit(SESSION_A, repo, repo.resolve("src/app.py")), env);
    hook(
        repo,
        "PostToolUse",
        after("PostToolUse", SESSION_A, repo, repo.resolve("src/app.py")),
        env);
    assertThat(leasesOf(broker, INSTANCE_A).get(0).expiresAt())
        .isAfter(Instant.now().plus(Duration.ofMinutes(5)));

    Instant before = Instant.now();
    hook(repo, "Stop", stop(SESSION_A, repo), env);

    assertThat(leasesOf(broker, INSTANCE_A))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l.expiresAt())
                    .isBetween(before.plusSeconds(29), Instant.now().plusSeconds(30)));
  }

  @Test
  void aSessionWhoseProcessRunsKeepsItsLeasesAcrossStopAndLivesAsLongAsTheProcess()
      throws Exception {
    BrokerProcess broker = startAndSetUpBoth();
    Process claude = new ProcessBuilder("sleep", "600").start();
    try {
      Map<String, String> env = Map.of("CLAUDE_PID", Long.toString(claude.pid()));
      hook(repo, "SessionStart", sessionStart(SESSION_A, repo), env);
      hook(repo, "PreToolUse", edit(SESSION_A, repo, repo.resolve("src/app.py")), env);
      hook(
          repo,
          "PostToolUse",
          after("PostToolUse", SESSION_A, repo, repo.resolve("src/app.py")),
          env);

      hook(repo, "Stop", stop(SESSION_A, repo), env);

      assertThat(leasesOf(broker, INSTANCE_A))
          .singleElement()
          .satisfies(
              l -> assertThat(l.expiresAt()).isAfter(Instant.now().plus(Duration.ofMinutes(9))));
      try (BrokerClient client = broker.unixClient()) {
        assertThat(client.instance(INSTANCE_A).agentPid()).isEqualTo(claude.pid());
        assertThat(client.instance(INSTANCE_A).session()).isEqualTo(SESSION_A);
      }
      claude.destroyForcibly();
      claude.waitFor();
      await("the session's instance ends with its process")
          .atMost(Duration.ofSeconds(20))
          .until(() -> instanceGone(broker, INSTANCE_A));
      assertThat(
              denyReason(
                  hook(
                      worktree,
                      "PreToolUse",
                      edit(SESSION_B, worktree, worktree.resolve("src/app.py")))))
          .contains("orphaned since");
    } finally {
      claude.destroyForcibly();
      claude.waitFor();
    }
  }

  private static boolean instanceGone(BrokerProcess broker, String id) {
    try (BrokerClient client = broker.unixClient()) {
      return client.instances(null, null).instances().stream().noneMatch(i -> i.id().equals(id));
    }
  }

  private static String after(String event, String session, Path cwd, Path file) {
    Map<String, Object> doc = common(session, cwd, event);
    doc.put("tool_name", "Edit");
    doc.put(
        "tool_input", Map.of("file_path", file.toString(), "old_string", "a", "new_string", "b"));
    doc.put("tool_use_id", "toolu_01" + Integer.toHexString((session + file).hashCode()));
    return Json.MAPPER.writeValueAsString(doc);
  }

  // ---- broker unreachable ----

  @Test
  void whenTheBrokerIsStoppedEditsGoAheadWithASystemMessage() throws Exception {
    BrokerProcess broker = startAndSetUpBoth();
    hook(repo, "PreToolUse", edit(SESSION_A, repo, repo.resolve("src/app.py")));
    broker.close();

    JsonNode edit =
        hook(worktree, "PreToolUse", edit(SESSION_B, worktree, worktree.resolve("src/app.py")));
    JsonNode start = hook(worktree, "SessionStart", sessionStart(SESSION_B, worktree));
    JsonNode stop = hook(worktree, "Stop", stop(SESSION_B, worktree));

    assertCoordinationOff(edit);
    assertCoordinationOff(start);
    assertThat(stop).as("Stop answer while the broker is down").isNull();
  }

  @Test
  void withAWrongSocketEditsGoAheadWithASystemMessage() throws Exception {
    BrokerProcess broker = startAndSetUpBoth();
    hook(repo, "PreToolUse", edit(SESSION_A, repo, repo.resolve("src/app.py")));
    Map<String, String> wrong =
        Map.of("BATON_SOCKET", tmp.resolve("nowhere/broker.sock").toString());

    JsonNode edit =
        hook(
            worktree,
            "PreToolUse",
            edit(SESSION_B, worktree, worktree.resolve("src/app.py")),
            wrong);

    assertCoordinationOff(edit);
    assertThat(leasesOf(broker, INSTANCE_B)).isEmpty();
  }

  private static void assertCoordinationOff(JsonNode answer) {
    assertAllowed(answer);
    assertThat(answer.has("hookSpecificOutput")).as("%s", answer).isFalse();
    assertThat(answer.path("systemMessage").asString())
        .contains("baton is not reachable")
        .contains("baton serve");
  }

  // ---- baton setup claude ----

  private static final List<String> ALL_EVENTS =
      List.of(
          "SessionStart",
          "UserPromptSubmit",
          "PreToolUse",
          "PermissionRequest",
          "PostToolUse",
          "PostToolUseFailure",
          "PermissionDenied",
          "PostToolBatch",
          "Stop",
          "SessionEnd");

  private static final String USER_SETTINGS =
      """
      {
        "permissions": {
          "allow": ["Bash(npm run test:*)", "Read(~/.zshrc)"],
          "deny": ["Read(./.env)"]
        },
        "env": {"NODE_ENV": "development"},
        "hooks": {
          "PreToolUse": [
            {
              "matcher": "Bash",
              "hooks": [{"type": "command", "command": "/usr/local/bin/audit-bash.sh", "timeout": 5}]
            }
          ],
          "PostToolUse": [
            {
              "matcher": "Edit|Write",
              "hooks": [{"type": "command", "command": "npx prettier --write \\"$CLAUDE_FILE_PATHS\\""}]
            }
          ]
        }
      }
      """;

  @Test
  void setupWritesTheHookScriptAndHooksForEveryEvent() throws Exception {
    Processes.Result r = setup(repo, "developer");

    Path script = sandbox.dataDir().resolve("hooks/claude-hook");
    assertThat(r.stdout()).contains("wrote " + script).contains(".claude/settings.local.json");
    assertThat(Files.getPosixFilePermissions(script)).contains(PosixFilePermission.OWNER_EXECUTE);
    assertThat(Files.readString(script)).contains(sandbox.socket().toString());
    JsonNode settings = settings(repo);
    for (String event : ALL_EVENTS) {
      assertThat(ourCommands(settings, event))
          .singleElement()
          .satisfies(c -> assertThat(c).contains("BATON_ROLE='developer'").endsWith(" " + event));
    }
    assertThat(settings.path("hooks").path("PreToolUse").get(0).path("matcher").asString())
        .isEqualTo("Edit|Write|MultiEdit|NotebookEdit");
  }

  @Test
  void setupKeepsTheUsersSettingsAndHooks() throws Exception {
    Path file = Files.createDirectories(repo.resolve(".claude")).resolve("settings.local.json");
    Files.writeString(file, USER_SETTINGS);
    JsonNode user = Json.MAPPER.readTree(USER_SETTINGS);

    setup(repo, "developer");

    JsonNode merged = settings(repo);
    assertThat(merged.path("permissions").path("deny"))
        .isEqualTo(user.path("permissions").path("deny"));
    assertThat(strings(merged.path("permissions").path("allow")))
        .startsWith("Bash(npm run test:*)", "Read(~/.zshrc)")
        .contains("mcp__baton__whoami", "mcp__baton__lease_acquire", "mcp__baton__inbox")
        .doesNotContain("mcp__baton__call_tool");
    // The user's variables are kept, and baton adds none (no token in the settings).
    assertThat(merged.path("env")).isEqualTo(user.path("env"));
    assertThat(merged.has("enabledMcpjsonServers")).as("no .mcp.json server to approve").isFalse();
    assertThat(merged.path("hooks").path("PostToolUse"))
        .hasSize(2)
        .contains(user.path("hooks").path("PostToolUse").get(0));
    JsonNode pre = merged.path("hooks").path("PreToolUse");
    assertThat(pre).contains(user.path("hooks").path("PreToolUse").get(0));
    assertThat(pre).hasSize(2);
    assertThat(ourCommands(merged, "PreToolUse")).hasSize(1);
  }

  @Test
  void setupRunTwiceReplacesItsOwnEntriesWithoutDuplicates() throws Exception {
    Path file = Files.createDirectories(repo.resolve(".claude")).resolve("settings.local.json");
    Files.writeString(file, USER_SETTINGS);
    setup(repo, "developer");
    JsonNode once = settings(repo);

    setup(repo, "developer");
    JsonNode twice = settings(repo);
    setup(repo, "reviewer");
    JsonNode reviewer = settings(repo);

    assertThat(twice).isEqualTo(once);
    for (String event : ALL_EVENTS) {
      assertThat(ourCommands(reviewer, event))
          .as(event)
          .singleElement()
          .satisfies(c -> assertThat(c).contains("BATON_ROLE='reviewer'"));
    }
    JsonNode user = Json.MAPPER.readTree(USER_SETTINGS);
    assertThat(reviewer.path("hooks").path("PreToolUse"))
        .hasSize(2)
        .contains(user.path("hooks").path("PreToolUse").get(0));
    assertThat(reviewer.path("hooks").path("PostToolUse"))
        .hasSize(2)
        .contains(user.path("hooks").path("PostToolUse").get(0));
    assertThat(reviewer.path("permissions")).isEqualTo(once.path("permissions"));
  }

  @Test
  void setupPutsBatonsStdioServerInTheProjectsLocalScopeAndRemovesAnEarlierHttpEntry()
      throws Exception {
    Path mcpJson = repo.resolve(".mcp.json");
    Files.writeString(
        mcpJson,
        "{\"mcpServers\": {\"baton\": {\"type\": \"http\", \"url\": \"http://127.0.0.1:1/mcp/x\"},"
            + " \"other\": {\"command\": \"other-server\"}}}");
    Path userFile = sandbox.home().resolve(".claude.json");
    Files.writeString(
        userFile,
        "{\"numStartups\": 7, \"projects\": {\"/elsewhere\": {\"mcpServers\": {\"x\": {}}}}}");

    Processes.Result r = setup(repo, "research");

    JsonNode user = Json.MAPPER.readTree(Files.readString(userFile));
    assertThat(user.path("numStartups").asInt()).isEqualTo(7);
    assertThat(user.path("projects").path("/elsewhere").path("mcpServers").has("x")).isTrue();
    JsonNode server =
        user.path("projects").path(repo.toRealPath().toString()).path("mcpServers").path("baton");
    assertThat(server.path("type").asString()).isEqualTo("stdio");
    assertThat(server.path("command").asString()).isEqualTo(BrokerSandbox.launcher().toString());
    assertThat(strings(server.path("args")))
        .containsExactly("mcp", "--role", "research", "--socket", sandbox.socket().toString());
    assertThat(Files.getPosixFilePermissions(userFile))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    JsonNode shared = Json.MAPPER.readTree(Files.readString(mcpJson));
    assertThat(shared.path("mcpServers").has("baton")).isFalse();
    assertThat(shared.path("mcpServers").has("other")).isTrue();
    assertThat(r.stdout()).contains("removed the 'baton' HTTP server of an earlier setup");
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asString()));
    return out;
  }

  @Test
  void setupRefusesAMalformedSettingsFileWithoutTouchingIt() throws Exception {
    Path dir = Files.createDirectories(repo.resolve(".claude"));
    Path file = dir.resolve("settings.local.json");
    for (String malformed :
        List.of(
            "{\"permissions\": {\"allow\": [}\n",
            "[\"not\", \"an\", \"object\"]\n",
            "{\"hooks\": [\"PreToolUse\"]}\n")) {
      Files.writeString(file, malformed);

      Processes.Result r = sandbox.cli("setup", "claude", repo.toString());

      assertThat(r.exitCode()).as("setup over %s: %s", malformed, r.stderr()).isNotZero();
      assertThat(r.stderr()).contains(file.toString()).contains("fix it by hand");
      assertThat(Files.readString(file)).isEqualTo(malformed);
      try (Stream<Path> left = Files.list(dir)) {
        assertThat(left).as("files in %s", dir).containsExactly(file);
      }
    }
  }
}
