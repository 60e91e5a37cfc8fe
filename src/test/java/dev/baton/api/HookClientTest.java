package dev.baton.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HookClientTest {
  private static HookInput read(String json) {
    return HookInput.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  private static HookClient client(String name) {
    return HookClient.named(name).orElseThrow();
  }

  @Test
  void codexApplyPatchEditsEveryFileItAddsUpdatesDeletesAndBothEndsOfAMove() {
    String patch =
        String.join(
            "\n",
            "*** Begin Patch",
            "*** Add File: src/new.py",
            "+print('new')",
            "*** Update File: src/app.py",
            "*** Move to: src/main.py",
            "@@ def main():",
            "-    pass",
            "+    run()",
            "*** Delete File: /repo/old.txt",
            "*** End Patch");
    HookInput input =
        read(
            Json.MAPPER.writeValueAsString(
                Map.of(
                    "session_id", "019a",
                    "cwd", "/repo",
                    "hook_event_name", "PreToolUse",
                    "tool_name", "apply_patch",
                    "tool_input", Map.of("command", patch))));

    assertThat(client("codex").editedFiles(input))
        .containsExactly(
            "/repo/src/new.py", "/repo/src/app.py", "/repo/src/main.py", "/repo/old.txt");
  }

  @Test
  void codexPatchGivenAsAnArgumentListIsReadToo() {
    HookInput input =
        read(
            "{\"cwd\":\"/repo\",\"tool_name\":\"apply_patch\",\"tool_input\":{\"command\":"
                + "[\"apply_patch\",\"*** Begin Patch\\n*** Update File: a.txt\\n*** End Patch\"]}}");

    assertThat(client("codex").editedFiles(input)).containsExactly("/repo/a.txt");
  }

  @Test
  void codexShellCommandsAndClaudesToolsAreNotCodexEdits() {
    HookInput shell =
        read("{\"cwd\":\"/repo\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\"}}");
    HookInput edit =
        read(
            "{\"cwd\":\"/repo\",\"tool_name\":\"Edit\",\"tool_input\":{\"file_path\":\"/repo/a\"}}");

    assertThat(client("codex").editedFiles(shell)).isEmpty();
    assertThat(client("codex").editedFiles(edit)).isEmpty();
    assertThat(client("claude").editedFiles(edit)).containsExactly("/repo/a");
  }

  @Test
  void geminiWriteFileAndReplaceEditTheirFileAndReadFileDoesNot() {
    for (String tool : List.of("write_file", "replace")) {
      HookInput input =
          read(
              "{\"cwd\":\"/repo\",\"hook_event_name\":\"BeforeTool\",\"tool_name\":\""
                  + tool
                  + "\",\"tool_input\":{\"file_path\":\"src/a.py\",\"content\":\"x\"}}");
      assertThat(client("gemini").editedFiles(input)).as(tool).containsExactly("/repo/src/a.py");
    }
    HookInput read =
        read(
            "{\"cwd\":\"/repo\",\"tool_name\":\"read_file\",\"tool_input\":{\"file_path\":\"a\"}}");
    assertThat(client("gemini").editedFiles(read)).isEmpty();
  }

  @Test
  void geminiEventsAreBatonsAndItsDenialIsItsOwnFormat() {
    HookClient gemini = client("gemini");

    assertThat(gemini.event("BeforeTool")).isEqualTo("PreToolUse");
    assertThat(gemini.event("AfterTool")).isEqualTo("PostToolUse");
    assertThat(gemini.event("BeforeAgent")).isEqualTo("UserPromptSubmit");
    assertThat(gemini.event("AfterAgent")).isEqualTo("Stop");
    assertThat(gemini.event("SessionEnd")).isEqualTo("SessionEnd");
    assertThat(gemini.deny("BeforeTool", "held by claude-1"))
        .isEqualTo(Map.of("decision", "deny", "reason", "held by claude-1"));
    assertThat(client("codex").deny("PreToolUse", "held").toString())
        .contains("permissionDecision=deny");
  }

  @Test
  void geminiAfterToolWithAnErrorInItsResultIsAFailedEdit() {
    HookClient gemini = client("gemini");
    String failed =
        "{\"cwd\":\"/repo\",\"hook_event_name\":\"AfterTool\",\"tool_name\":\"replace\","
            + "\"tool_input\":{\"file_path\":\"a.py\"},\"tool_response\":{\"llmContent\":\"Could not"
            + " find\",\"error\":{\"message\":\"no match\",\"type\":\"edit_no_occurrence_found\"}}}";
    String done =
        "{\"cwd\":\"/repo\",\"hook_event_name\":\"AfterTool\",\"tool_name\":\"write_file\","
            + "\"tool_input\":{\"file_path\":\"a.py\"},\"tool_response\":{\"llmContent\":\"ok\","
            + "\"returnDisplay\":{\"newContent\":\"x\",\"diffStat\":{\"error\":1}},\"error\":null}}";

    assertThat(gemini.event("AfterTool", read(failed))).isEqualTo("PostToolUseFailure");
    assertThat(gemini.event("AfterTool", read(done))).isEqualTo("PostToolUse");
    assertThat(read(failed).tool()).containsEntry("file_path", "a.py");
    assertThat(client("claude").event("PostToolUse", read(failed))).isEqualTo("PostToolUse");
  }

  @Test
  void anUnknownClientIsNotNamed() {
    assertThat(HookClient.named("cursor")).isEmpty();
    assertThat(HookClient.names()).containsExactly("claude", "codex", "gemini");
  }
}
