package dev.baton.it;

import static dev.baton.testing.ModelStep.text;
import static dev.baton.testing.ModelStep.toolUse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.baton.testing.FakeGemini;
import dev.baton.testing.GeminiCli;
import dev.baton.testing.GeminiRun;
import dev.baton.testing.GenerateContentRequest.ToolResult;
import dev.baton.testing.GitRepos;
import dev.baton.testing.NpmPackages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The test harness against the real Gemini CLI: {@code gemini -p} in a fresh git repository, with a
 * home of its own, answered by {@link FakeGemini}. One fake serves all the runs.
 */
class FakeGeminiIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static FakeGemini api;

  @TempDir Path tmp;

  private Path repo;
  private GeminiCli gemini;

  @BeforeAll
  static void startApi() {
    api = FakeGemini.start();
  }

  @AfterAll
  static void stopApi() {
    api.close();
  }

  @BeforeEach
  void newRepository() throws Exception {
    NpmPackages.require();
    repo = GitRepos.create(tmp.resolve("repo"));
    gemini = GeminiCli.in(repo, Files.createDirectories(tmp.resolve("home")), api);
  }

  @Test
  void answersWithTheScriptedTextInATrustedFolder() {
    api.script(text("hello from the fake"));

    GeminiRun run = gemini.trustWorkDir().run("say hello");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.resultText()).isEqualTo("hello from the fake");
    assertThat(run.result().path("status").asString()).isEqualTo("success");
    assertThat(run.sessionId()).isNotBlank();
    assertThat(api.mainRequests()).hasSize(1);
    assertThat(api.mainRequests().get(0).model()).isEqualTo("gemini-2.5-pro");
    assertThat(api.mainRequests().get(0).texts()).contains("say hello");
    assertThat(api.unknownRequests()).isEmpty();
  }

  @Test
  void refusesToRunHeadlessInAnUntrustedFolder() {
    api.script(text("never sent"));

    GeminiRun run = gemini.run("say hello");

    assertThat(run.exitCode()).isEqualTo(55);
    assertThat(run.stderr()).contains("not running in a trusted directory");
    assertThat(api.mainRequests()).isEmpty();
  }

  @Test
  void writesAFileInYoloModeAndReportsSuccessToTheModel() {
    Path file = repo.resolve("a.txt");
    api.script(
        toolUse("write_file", Map.of("file_path", file.toString(), "content", "hello")),
        text("done"));

    GeminiRun run = gemini.trustWorkDir().withApprovalMode("yolo").run("write a.txt");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.resultText()).isEqualTo("done");
    assertThat(file).hasContent("hello");
    assertThat(api.toolNamesOffered()).contains("write_file", "replace");
    ToolResult result = api.toolResults().get(0);
    assertThat(result.toolName()).isEqualTo("write_file");
    assertThat(result.isError()).isFalse();
    assertThat(result.text()).startsWith("Successfully created and wrote to new file: " + file);
  }

  @Test
  void offersNoEditingToolsHeadlessInTheDefaultApprovalMode() {
    api.script(text("done"));

    GeminiRun run = gemini.trustWorkDir().run("look around");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(api.toolNamesOffered())
        .contains("read_file")
        .doesNotContain("write_file", "replace");
  }

  @Test
  void offersATrustedProjectStdioServerAndReturnsWhatItsToolAnswers() throws Exception {
    Files.createDirectories(repo.resolve(".gemini"));
    Files.writeString(
        repo.resolve(".gemini/settings.json"),
        JSON.writeValueAsString(
            Map.of(
                "mcpServers",
                Map.of(
                    "everything",
                    Map.of(
                        "command", everything().get(0),
                        "args", everything().subList(1, 3),
                        "trust", true)))));
    api.script(
        toolUse("mcp_everything_echo", Map.of("message", "hello from the fake")), text("done"));

    GeminiRun run = gemini.trustWorkDir().run("echo something"); // default approval mode

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(api.toolNamesOffered()).contains("mcp_everything_echo");
    assertThat(api.toolResults())
        .extracting(ToolResult::toolName, ToolResult::isError)
        .containsExactly(tuple("mcp_everything_echo", false));
    assertThat(api.toolResults().get(0).text()).contains("Echo: hello from the fake");
  }

  private List<String> everything() {
    Path script =
        NpmPackages.require()
            .resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    return List.of(NpmPackages.node().toString(), script.toString(), "stdio");
  }
}
