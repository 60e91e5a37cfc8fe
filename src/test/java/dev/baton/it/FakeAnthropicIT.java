package dev.baton.it;

import static dev.baton.testing.ModelStep.text;
import static dev.baton.testing.ModelStep.toolUse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.baton.testing.ClaudeCli;
import dev.baton.testing.ClaudeProcess;
import dev.baton.testing.ClaudeRun;
import dev.baton.testing.FakeAnthropic;
import dev.baton.testing.GitRepos;
import dev.baton.testing.MessagesRequest;
import dev.baton.testing.MessagesRequest.ToolResult;
import dev.baton.testing.NpmPackages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The test harness against the real Claude Code CLI: {@code claude -p} in a fresh git repository,
 * with a home of its own, answered by {@link FakeAnthropic}. One fake serves all the runs.
 */
class FakeAnthropicIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static FakeAnthropic api;

  @TempDir Path tmp;

  private Path repo;
  private ClaudeCli claude;

  @BeforeAll
  static void startApi() {
    api = FakeAnthropic.start();
  }

  @AfterAll
  static void stopApi() {
    api.close();
  }

  @BeforeEach
  void newRepository() throws Exception {
    NpmPackages.require();
    repo = GitRepos.create(tmp.resolve("repo"));
    claude = ClaudeCli.in(repo, Files.createDirectories(tmp.resolve("home")), api);
  }

  @Test
  void writesAFileWhenEditsAreAcceptedAndReportsSuccessToTheModel() throws Exception {
    Path file = repo.resolve("a.txt");
    api.script(
        toolUse("Write", Map.of("file_path", file.toString(), "content", "hello")), text("done"));

    ClaudeRun run = claude.withPermissionMode("acceptEdits").run("write a.txt");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.resultText()).isEqualTo("done");
    assertThat(run.sessionId()).isNotBlank();
    assertThat(file).hasContent("hello");
    assertThat(api.mainRequests())
        .extracting(request -> request.sessionId())
        .containsOnly(run.sessionId());
    ToolResult result = api.toolResults().get(0);
    assertThat(result.toolName()).isEqualTo("Write");
    assertThat(result.isError()).isFalse();
    assertThat(result.text()).startsWith("File created successfully at: " + file);
    assertThat(api.unknownRequests()).isEmpty();
  }

  @Test
  void offersALocalScopeStdioServerAndReturnsWhatItsToolAnswers() throws Exception {
    claude.mcpAddLocal("everything", everything());
    allow("mcp__everything__echo");
    api.script(
        toolUse("mcp__everything__echo", Map.of("message", "hello from the fake")), text("done"));

    ClaudeRun run = claude.run("echo something");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    JsonNode local =
        JSON.readTree(claude.configFile().toFile()).path("projects").path(repo.toString());
    assertThat(local.path("mcpServers").path("everything").path("type").asString())
        .isEqualTo("stdio");
    assertThat(local.path("hasTrustDialogAccepted").asBoolean()).isFalse();
    assertThat(api.toolNamesOffered()).contains("mcp__everything__echo", "Write", "Edit");
    assertThat(api.toolResults())
        .extracting(ToolResult::toolName, ToolResult::text, ToolResult::isError)
        .containsExactly(tuple("mcp__everything__echo", "Echo: hello from the fake", false));
  }

  @Test
  void deniesAProjectServersToolThatIsNotAllowed() throws Exception {
    Files.writeString(
        repo.resolve(".mcp.json"),
        "{\"mcpServers\":{\"everything\":{\"type\":\"stdio\",\"command\":\""
            + everything().get(0)
            + "\",\"args\":[\""
            + everything().get(1)
            + "\",\"stdio\"]}}}");
    api.script(toolUse("mcp__everything__echo", Map.of("message", "not allowed")), text("done"));

    ClaudeRun run = claude.run("echo something");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(api.toolNamesOffered()).contains("mcp__everything__echo");
    ToolResult denied = api.toolResults().get(0);
    assertThat(denied.isError()).isTrue();
    assertThat(denied.text())
        .isEqualTo(
            "Claude requested permissions to use mcp__everything__echo, but you haven't granted it yet.");
  }

  @Test
  void aResumedSessionKeepsItsIdAndAHeldBackStepKeepsTheSessionAliveUntilKilled() {
    api.script(text("first"));
    ClaudeRun first = claude.run("first prompt");
    assertThat(first.resultText()).isEqualTo("first");

    api.script(text("never sent").after(Duration.ofMinutes(5)));
    try (ClaudeProcess resumed = claude.withArgs("--resume", first.sessionId()).start("again")) {
      assertThat(resumed.awaitSessionId(Duration.ofSeconds(60))).isEqualTo(first.sessionId());
      MessagesRequest held = api.awaitMainRequests(1, Duration.ofSeconds(60)).get(0);
      assertThat(held.sessionId()).isEqualTo(first.sessionId());
      assertThat(resumed.process().isAlive()).isTrue();

      resumed.kill();

      assertThat(resumed.process().exitValue()).isEqualTo(137);
    }
  }

  private List<String> everything() {
    Path script =
        NpmPackages.require()
            .resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    return List.of(NpmPackages.node().toString(), script.toString(), "stdio");
  }

  private void allow(String... tools) throws Exception {
    String list = String.join("\",\"", tools);
    Files.writeString(
        Files.createDirectories(repo.resolve(".claude")).resolve("settings.local.json"),
        "{\"permissions\":{\"allow\":[\"" + list + "\"]}}");
  }
}
