package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.Json;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.registry.InstanceIds;
import dev.baton.testing.Breaks;
import dev.baton.testing.FakeGemini;
import dev.baton.testing.GeminiCli;
import dev.baton.testing.GeminiRun;
import dev.baton.testing.GenerateContentRequest.ToolResult;
import dev.baton.testing.GitRepos;
import dev.baton.testing.ModelStep;
import dev.baton.testing.NpmPackages;
import dev.baton.testing.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real Gemini CLI (from the npm registry, pinned in {@code mcp-servers/package.json}) in a
 * repository set up with {@code baton setup gemini} and trusted once, as a person would, driven
 * headless by a scripted fake of the Gemini API ({@link FakeGemini}). Its hooks lease the files it
 * edits and deny an edit of a file another agent holds; its MCP connection ({@code baton mcp} over
 * stdio) and its hooks act as one instance, {@code gemini-<session>}.
 */
class GeminiIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path tmp;

  private BrokerSandbox sandbox;
  private BrokerProcess broker;
  private Path repo;
  private Path home;
  private FakeGemini api;

  @BeforeEach
  void start() throws Exception {
    NpmPackages.require();
    home = Files.createDirectories(tmp.resolve("home"));
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    repo = GitRepos.create(tmp.resolve("repo")).toRealPath();
    broker = sandbox.start();
    api = FakeGemini.start();
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
    if (broker != null) {
      broker.close();
      assertThat((broker.stdout() + broker.stderr()).lines())
          .as("ERROR and WARN lines in the broker's log")
          .noneMatch(l -> l.contains(" ERROR ") || l.contains(" WARN "));
    }
  }

  /**
   * {@code baton setup gemini REPO}, as the README says, and Gemini CLI in the repository, which
   * the person has trusted once.
   */
  private GeminiCli gemini() {
    sandbox.expect(0, "setup", "gemini", repo.toString());
    return GeminiCli.in(repo, home, api)
        .trustWorkDir()
        .withEnv("BATON_JAR", BrokerSandbox.jar().toString());
  }

  private Path settings() {
    return repo.resolve(".gemini/settings.json");
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
      return other;
    }
  }

  /** The data of every event stored so far, oldest first. */
  private List<String> eventsSoFar() throws Exception {
    List<String> out = new ArrayList<>();
    try (BrokerClient c = broker.unixClient()) {
      long last = c.health().lastEventId();
      try (var stream = c.events(0L)) {
        long seen = 0;
        while (seen < last) {
          var e =
              CompletableFuture.supplyAsync(
                      () -> {
                        try {
                          return stream.next();
                        } catch (java.io.IOException x) {
                          throw new java.io.UncheckedIOException(x);
                        }
                      })
                  .get(10, TimeUnit.SECONDS);
          assertThat(e).as("event stream ended before event %d", last).isNotNull();
          out.add(e.data());
          seen = Json.MAPPER.readTree(e.data()).path("id").asLong();
        }
      }
    }
    return out;
  }

  private ToolResult result(String tool) {
    return api.toolResults().stream()
        .filter(r -> r.toolName().equals(tool))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no result of " + tool + " in " + api.toolResults()));
  }

  @Test
  void aReplaceInAFileAnotherAgentHoldsIsDeniedNamingTheHolderAndTheFileStaysAsItWas()
      throws Exception {
    String other = leaseByAnotherAgent("src/app.py");
    api.script(
        ModelStep.toolUse(
            "replace",
            Map.of(
                "file_path", repo.resolve("src/app.py").toString(),
                "instruction", "Change the greeting.",
                "old_string", "hi",
                "new_string", "hello")),
        ModelStep.text("done"));

    GeminiRun run = gemini().withApprovalMode("yolo").run("change the greeting");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    ToolResult denied = result("replace");
    assertThat(denied.isError()).isTrue();
    assertThat(denied.text())
        .contains("src/app.py held exclusively by " + other + " (reviewer, 'reviewing')")
        .contains("choose other work");
    assertThat(Files.readString(repo.resolve("src/app.py"))).isEqualTo("print('hi')\n");
  }

  @Test
  void aWriteOfAFreeFileGoesThroughAndLeasesItToTheSessionsInstance() throws Exception {
    Path file = repo.resolve("src/new.py");
    api.script(
        ModelStep.toolUse(
            "write_file", Map.of("file_path", file.toString(), "content", "print('new')\n")),
        ModelStep.toolUse("mcp_baton_leases", Map.of("mine", true)),
        ModelStep.text("done"));

    GeminiRun run = gemini().withApprovalMode("yolo").run("write a new module");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(result("write_file").isError()).as(result("write_file").text()).isFalse();
    assertThat(file).hasContent("print('new')\n");
    String me = InstanceIds.forSession("gemini", run.sessionId());
    ToolResult leases = result("mcp_baton_leases");
    assertThat(leases.isError()).as(leases.text()).isFalse();
    assertThat(leases.text())
        .contains("\"path\":\"src/new.py\"")
        .contains("\"holder\":\"" + me + "\"")
        .contains("\"mode\":\"exclusive\"");
    assertThat(eventsSoFar())
        .as("the lease, confirmed by AfterTool, and freed at SessionEnd")
        .anySatisfy(e -> assertThat(e).contains("\"instance.deregistered\"").contains(me));
  }

  @Test
  void aReplaceThatFailsLeavesNoLeaseBehind() throws Exception {
    api.script(
        ModelStep.toolUse(
            "replace",
            Map.of(
                "file_path", repo.resolve("src/app.py").toString(),
                "instruction", "Change a greeting that is not there.",
                "old_string", "no such text",
                "new_string", "hello")),
        ModelStep.toolUse("mcp_baton_leases", Map.of("mine", true)),
        ModelStep.text("done"));

    GeminiRun run = gemini().withApprovalMode("yolo").run("change the greeting");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(result("replace").isError()).isTrue();
    assertThat(result("replace").text()).contains("Could not find");
    ToolResult leases = result("mcp_baton_leases");
    assertThat(leases.isError()).as(leases.text()).isFalse();
    assertThat(leases.text()).contains("\"leases\":[]");
  }

  /**
   * A session taken up again ({@code gemini --resume latest}) is the same agent: the same instance
   * id for its hooks and its MCP tools as in its first run.
   */
  @Test
  void aResumedSessionIsTheSameInstanceAgain() throws Exception {
    Path file = repo.resolve("src/new.py");
    api.script(
        ModelStep.toolUse(
            "write_file", Map.of("file_path", file.toString(), "content", "print('new')\n")),
        ModelStep.text("written"),
        ModelStep.toolUse("mcp_baton_whoami", Map.of()),
        ModelStep.text("done"));
    GeminiRun first = gemini().withApprovalMode("yolo").run("write a new module");
    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(file).hasContent("print('new')\n");
    String me = InstanceIds.forSession("gemini", first.sessionId());

    GeminiRun resumed =
        gemini().withApprovalMode("yolo").withArgs("--resume", "latest").run("who am I?");

    assertThat(resumed.exitCode()).as(resumed.stderr()).isZero();
    assertThat(resumed.sessionId()).isEqualTo(first.sessionId());
    ToolResult whoami = result("mcp_baton_whoami");
    assertThat(whoami.isError()).as(whoami.text()).isFalse();
    assertThat(whoami.text()).contains("\"id\":\"" + me + "\"");
  }

  @Test
  void duringABreakThePromptTellsTheModelThatThePersonIsAwayUntilWhen() throws Exception {
    try (BrokerClient c = broker.unixClient()) {
      Breaks.takeOne(c);
    }
    api.script(ModelStep.text("I will finish this step and checkpoint."));

    GeminiRun run = gemini().run("go on with the refactor");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    Breaks.assertTheModelWasTold(api.mainRequests().get(0).texts(), "BeforeAgent");
  }

  @Test
  void batonsToolsAreOfferedOnTheFirstTurnAndWhoamiAnswersTheHooksInstance() throws Exception {
    api.script(ModelStep.toolUse("mcp_baton_whoami", Map.of()), ModelStep.text("done"));

    GeminiRun run = gemini().run("who am I?"); // the default approval mode

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(api.toolNamesOffered())
        .contains("mcp_baton_whoami", "mcp_baton_lease_acquire", "mcp_baton_inbox")
        .doesNotContain("mcp_baton_call_tool", "write_file");
    String me = InstanceIds.forSession("gemini", run.sessionId());
    ToolResult whoami = result("mcp_baton_whoami");
    assertThat(whoami.isError()).as(whoami.text()).isFalse();
    assertThat(whoami.text()).contains("\"id\":\"" + me + "\"").contains("developer");
    assertThat(api.mainRequests().get(0).texts())
        .as("SessionStart's context reaches the model")
        .anySatisfy(t -> assertThat(t).contains("baton coordinates the agents in this repository"));
    List<String> registered =
        eventsSoFar().stream().filter(e -> e.contains("\"instance.registered\"")).toList();
    assertThat(registered).as("one instance for the whole session").hasSize(1);
    assertThat(registered.get(0)).contains(me);
  }

  @Test
  void setupRunTwiceLeavesOneOfEachOfBatonsEntriesAndKeepsTheRest() throws Exception {
    Files.createDirectories(settings().getParent());
    Files.writeString(
        settings(),
        "{\"ui\":{\"theme\":\"Dracula\"},\"mcpServers\":{\"mine\":{\"command\":\"my-server\"}}}");

    sandbox.expect(0, "setup", "gemini", repo.toString());
    Processes.Result second =
        sandbox.expect(0, "setup", "gemini", repo.toString(), "--role", "reviewer");

    assertThat(second.stdout())
        .contains("updated " + settings() + ": MCP server 'baton' (stdio)")
        .contains("trusted folder");
    String text = Files.readString(settings(), StandardCharsets.UTF_8);
    assertThat(text).doesNotContain(broker.token());
    JsonNode root = JSON.readTree(text);
    assertThat(root.path("ui").path("theme").asString()).isEqualTo("Dracula");
    assertThat(root.path("mcpServers").path("mine").path("command").asString())
        .isEqualTo("my-server");
    assertThat(root.path("mcpServers").path("baton").path("args").toString())
        .contains("\"--role\",\"reviewer\"");
    for (String event : List.of("SessionStart", "BeforeTool", "AfterTool", "SessionEnd")) {
      assertThat(root.path("hooks").path(event)).as(event).hasSize(1);
    }
    List<String> allowed = new ArrayList<>();
    root.path("tools").path("allowed").forEach(n -> allowed.add(n.asString()));
    assertThat(allowed).doesNotHaveDuplicates().contains("mcp_baton_whoami");
  }

  @Test
  void setupRefusesAMalformedSettingsFileAndLeavesItUntouched() throws Exception {
    Files.createDirectories(settings().getParent());
    String malformed = "{\"ui\": {\"theme\": \"Dracula\"},, }";
    Files.writeString(settings(), malformed);

    Processes.Result r = sandbox.expect(1, "setup", "gemini", repo.toString());

    assertThat(r.stderr()).contains(settings() + " is not valid JSON").contains("fix it by hand");
    assertThat(Files.readString(settings(), StandardCharsets.UTF_8)).isEqualTo(malformed);
  }
}
