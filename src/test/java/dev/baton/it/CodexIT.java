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
import dev.baton.testing.CodexCli;
import dev.baton.testing.CodexProcess;
import dev.baton.testing.CodexRun;
import dev.baton.testing.FakeOpenAi;
import dev.baton.testing.GitRepos;
import dev.baton.testing.ModelStep;
import dev.baton.testing.NpmPackages;
import dev.baton.testing.Processes;
import dev.baton.testing.ResponsesRequest.ToolOutput;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The real Codex CLI (from the npm registry, pinned in {@code mcp-servers/package.json}) in a
 * repository set up with {@code baton setup codex}, as the README's Codex section says, driven by a
 * scripted fake of the OpenAI Responses API ({@link FakeOpenAi}). Its hooks must lease the files an
 * {@code apply_patch} changes and deny a patch of a file another agent holds, naming the holder;
 * its MCP connection ({@code baton mcp} over stdio, from the project's {@code .codex/config.toml})
 * must act as the same instance as the hooks. Hooks run with {@code
 * --dangerously-bypass-hook-trust}: trusting them is the person's step in Codex ({@code /hooks}).
 */
class CodexIT {
  private static final String PATCH =
      "*** Begin Patch\n*** Update File: src/app.py\n@@\n-print('hi')\n+print('hello')\n"
          + "*** End Patch";

  @TempDir Path tmp;

  private BrokerSandbox sandbox;
  private BrokerProcess broker;
  private Path repo;
  private Path home;
  private FakeOpenAi api;

  @BeforeEach
  void start() {
    NpmPackages.require();
    home = tmp.resolve("home");
    // Setup trusts the project in CODEX_HOME/config.toml, the one CodexCli's Codex reads.
    sandbox =
        BrokerSandbox.in(tmp.resolve("b")).withEnv("CODEX_HOME", home.resolve(".codex").toString());
    repo = GitRepos.create(tmp.resolve("repo"));
    broker = sandbox.start();
    api = FakeOpenAi.start();
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

  /** {@code baton setup codex REPO}, as the README says, and Codex in the repository. */
  private CodexCli codex() {
    sandbox.expect(0, "setup", "codex", repo.toString());
    return CodexCli.in(repo, home, api)
        .withArgs("--strict-config") // every key setup wrote is one Codex knows
        .withHookTrustBypassed()
        .withEnv("BATON_JAR", BrokerSandbox.jar().toString());
  }

  private List<LeaseJson> leasesOf(String instance) {
    try (BrokerClient c = broker.unixClient()) {
      return c.leases(null, instance).leases();
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
      return other;
    }
  }

  @Test
  void aPatchOfAFileAnotherAgentHoldsIsDeniedNamingTheHolderAndTheFileStaysAsItWas()
      throws Exception {
    String other = leaseByAnotherAgent("src/app.py");
    api.script(FakeOpenAi.applyPatch(PATCH), ModelStep.text("done"));

    CodexRun run = codex().run("change the greeting");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    ToolOutput denied = api.toolOutput("apply_patch");
    assertThat(denied.text())
        .contains("src/app.py held exclusively by " + other + " (reviewer, 'reviewing')")
        .contains("choose other work");
    assertThat(Files.readString(repo.resolve("src/app.py"))).isEqualTo("print('hi')\n");
  }

  @Test
  void aPatchOfAFreeFileGoesThroughAndTheFileIsLeasedToTheSessionsInstance() throws Exception {
    api.script(FakeOpenAi.applyPatch(PATCH), ModelStep.text("done").after(Duration.ofMinutes(5)));
    try (CodexProcess session = codex().start("change the greeting")) {
      String me = InstanceIds.forSession("codex", session.awaitThreadId(Duration.ofSeconds(60)));
      api.awaitRequests(2, Duration.ofSeconds(60)); // the patch ran; the model is "thinking"

      assertThat(api.toolOutput("apply_patch").text()).contains("Success");
      assertThat(Files.readString(repo.resolve("src/app.py"))).isEqualTo("print('hello')\n");
      await("the patch's lease, confirmed")
          .atMost(Duration.ofSeconds(10))
          .until(() -> leasesOf(me).stream().anyMatch(l -> l.provisional() == null));
      assertThat(leasesOf(me)).extracting(LeaseJson::path).containsExactly("src/app.py");
    }
  }

  /**
   * A run that ends ({@code SessionEnd}) ends its instance and frees its files for the others; the
   * same session taken up again ({@code codex exec resume}) is the same agent, under the same
   * instance id, for its hooks and its MCP tools alike.
   */
  @Test
  void anEndedSessionFreesItsFilesAndResumedIsTheSameInstanceAgain() throws Exception {
    api.script(
        FakeOpenAi.applyPatch(PATCH),
        ModelStep.text("changed"),
        FakeOpenAi.toolSearch("baton whoami lease"),
        ModelStep.toolUse("mcp__baton__whoami", Map.of()),
        ModelStep.text("done"));
    CodexCli codex = codex();
    CodexRun first = codex.run("change the greeting");
    assertThat(first.exitCode()).as(first.stderr()).isZero();
    String me = InstanceIds.forSession("codex", first.threadId());
    assertThat(Files.readString(repo.resolve("src/app.py"))).isEqualTo("print('hello')\n");
    try (BrokerClient c = broker.unixClient()) {
      assertThat(c.instances(null, null).instances()).as("ended with the run").isEmpty();
      assertThat(c.leases(null, null).leases()).as("its file is free again").isEmpty();
    }

    CodexRun resumed = codex.resume(first.threadId(), "who am I?");

    assertThat(resumed.exitCode()).as(resumed.stderr()).isZero();
    assertThat(api.toolOutput("mcp__baton__whoami").text()).contains("\"id\":\"" + me + "\"");
  }

  @Test
  void duringABreakThePromptTellsTheModelThatThePersonIsAwayUntilWhen() {
    try (BrokerClient c = broker.unixClient()) {
      Breaks.takeOne(c);
    }
    api.script(ModelStep.text("I will finish this step and checkpoint."));

    CodexRun run = codex().run("go on with the refactor");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    Breaks.assertTheModelWasTold(api.requests().get(0).texts(), "UserPromptSubmit");
  }

  @Test
  void batonsToolsAreOfferedOnTheFirstTurnAndWhoamiAnswersTheHooksInstance() {
    api.script(
        FakeOpenAi.toolSearch("baton whoami lease"),
        ModelStep.toolUse("mcp__baton__whoami", Map.of()),
        ModelStep.text("done").after(Duration.ofMinutes(5)));
    try (CodexProcess session = codex().start("who am I?")) {
      String me = InstanceIds.forSession("codex", session.awaitThreadId(Duration.ofSeconds(60)));
      api.awaitRequests(3, Duration.ofSeconds(60)); // whoami answered; the model is "thinking"

      assertThat(api.toolNamesOffered()).contains("mcp__baton");
      assertThat(api.toolOutput("tool_search").text())
          .contains("mcp__baton", "\"whoami\"", "\"lease_acquire\"");
      ToolOutput whoami = api.toolOutput("mcp__baton__whoami");
      assertThat(whoami.text()).contains("\"id\":\"" + me + "\"").contains("developer");
      try (BrokerClient c = broker.unixClient()) {
        assertThat(c.instances(null, null).instances())
            .as("hooks and MCP are one instance")
            .extracting(i -> i.id())
            .containsExactly(me);
      }
    }
  }

  @Test
  void setupTwiceLeavesOneBatonEntryAndKeepsTheRestAndCodexListsTheServer() throws Exception {
    Path config = Files.createDirectories(repo.resolve(".codex")).resolve("config.toml");
    Files.writeString(
        config,
        "# the team's settings\nmodel_reasoning_effort = \"high\"\n\n"
            + "[mcp_servers.other]\ncommand = \"other-server\" # keep me\n");

    sandbox.expect(0, "setup", "codex", repo.toString());
    Processes.Result second = sandbox.expect(0, "setup", "codex", repo.toString());

    String text = Files.readString(config, StandardCharsets.UTF_8);
    assertThat(count(text, "(?m)^\\[mcp_servers\\.baton\\]$")).isEqualTo(1);
    assertThat(text)
        .contains("# the team's settings\nmodel_reasoning_effort = \"high\"")
        .contains("[mcp_servers.other]\ncommand = \"other-server\" # keep me")
        .contains("[mcp_servers.baton.tools.whoami]\napproval_mode = \"approve\"")
        .doesNotContain("[mcp_servers.baton.tools.call_tool]")
        .doesNotContain(broker.token());
    assertThat(second.stdout()).contains("replacing the earlier one").contains("/hooks");
    JsonNode hooks = Json.MAPPER.readTree(repo.resolve(".codex/hooks.json").toFile());
    assertThat(hooks.path("hooks").path("PreToolUse")).hasSize(1);
    assertThat(hooks.path("hooks").path("PreToolUse").get(0).path("matcher").asString())
        .isEqualTo("apply_patch");
    assertThat(Files.readString(home.resolve(".codex/config.toml")))
        .containsOnlyOnce("[projects.\"" + repo + "\"]\ntrust_level = \"trusted\"");

    Processes.Result list = CodexCli.in(repo, home, api).command("mcp", "list", "--json");
    assertThat(list.exitCode()).as(list.stderr()).isZero();
    JsonNode servers = Json.MAPPER.readTree(list.stdout());
    assertThat(servers.findValuesAsString("name")).contains("baton", "other");
  }

  @Test
  void aMalformedConfigIsRefusedNamingTheFileAndTheProblemAndLeftUntouched() throws Exception {
    Path config = Files.createDirectories(repo.resolve(".codex")).resolve("config.toml");
    String broken = "[mcp_servers.other\ncommand = \"other-server\"\n";
    Files.writeString(config, broken);

    Processes.Result r = sandbox.expect(1, "setup", "codex", repo.toString());

    assertThat(r.stderr()).contains(config + " is not valid TOML").contains("line 1");
    assertThat(Files.readString(config)).isEqualTo(broken);
    assertThat(repo.resolve(".codex/hooks.json")).doesNotExist();
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
