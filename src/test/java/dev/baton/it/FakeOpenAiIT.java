package dev.baton.it;

import static dev.baton.testing.ModelStep.text;
import static dev.baton.testing.ModelStep.toolUse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.CodexCli;
import dev.baton.testing.CodexRun;
import dev.baton.testing.FakeOpenAi;
import dev.baton.testing.GitRepos;
import dev.baton.testing.NpmPackages;
import dev.baton.testing.ResponsesRequest;
import dev.baton.testing.ResponsesRequest.ToolOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test harness against the real Codex CLI: {@code codex exec} in a fresh git repository, with a
 * home of its own, answered by {@link FakeOpenAi}. One fake serves all the runs.
 */
class FakeOpenAiIT {
  private static FakeOpenAi api;

  @TempDir Path tmp;

  private Path repo;
  private CodexCli codex;

  @BeforeAll
  static void startApi() {
    api = FakeOpenAi.start();
  }

  @AfterAll
  static void stopApi() {
    api.close();
  }

  @BeforeEach
  void newRepository() throws Exception {
    NpmPackages.require();
    repo = GitRepos.create(tmp.resolve("repo"));
    codex = CodexCli.in(repo, Files.createDirectories(tmp.resolve("home")), api);
  }

  @Test
  void answersWithTheScriptedTextAndOffersApplyPatchAsACustomTool() {
    api.script(text("hello from the fake"));

    CodexRun run = codex.run("say hello");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.lastMessage()).isEqualTo("hello from the fake");
    assertThat(run.threadId()).isNotBlank();
    ResponsesRequest request = api.requests().get(0);
    assertThat(request.threadId()).isEqualTo(run.threadId());
    assertThat(request.body().path("model").asString()).isEqualTo("gpt-5.5");
    assertThat(request.toolType("apply_patch")).isEqualTo("custom");
    assertThat(api.toolNamesOffered()).contains("apply_patch", "exec_command", "tool_search");
    assertThat(api.unknownRequests()).isEmpty();
  }

  @Test
  void appliesAPatchToAFileInTheWorkspaceAndReportsSuccessToTheModel() throws Exception {
    api.script(
        FakeOpenAi.applyPatch(
            "*** Begin Patch\n*** Update File: src/app.py\n@@\n-print('hi')\n+print('hello')\n"
                + "*** End Patch"),
        text("done"));

    CodexRun run = codex.run("change the greeting");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.lastMessage()).isEqualTo("done");
    assertThat(repo.resolve("src/app.py")).hasContent("print('hello')");
    ToolOutput output = api.toolOutput("apply_patch");
    assertThat(output.text()).contains("Success. Updated the following files:\nM src/app.py");
  }

  @Test
  void offersAStdioServerAsADeferredNamespaceAndReturnsWhatItsToolAnswers() {
    Path everything =
        NpmPackages.require()
            .resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    CodexCli withServer =
        codex
            .withConfig("mcp_servers.everything.command", quoted(NpmPackages.node().toString()))
            .withConfig(
                "mcp_servers.everything.args",
                "[" + quoted(everything.toString()) + ", \"stdio\"]");
    api.script(
        FakeOpenAi.toolSearch("echo"),
        toolUse("mcp__everything__echo", Map.of("message", "hello from the fake")),
        text("done"));

    CodexRun run = withServer.run("echo something");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(api.toolNamesOffered()).contains("mcp__everything").doesNotContain("echo");
    assertThat(api.toolOutput("tool_search").text()).contains("mcp__everything", "\"echo\"");
    assertThat(api.toolOutput("mcp__everything__echo").text())
        .contains("Echo: hello from the fake");
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
