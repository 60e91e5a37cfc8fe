package dev.baton.integrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class GeminiSettingsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String HOOK = "'/data/hooks/gemini-hook'";

  @TempDir Path tmp;

  private GeminiSettings.Entries entries(String role) {
    return new GeminiSettings.Entries(
        HOOK,
        "/opt/baton/baton",
        List.of("mcp", "--role", role, "--socket", "/run/user/1/baton/broker.sock"),
        List.of("mcp_baton_whoami", "mcp_baton_lease_acquire"));
  }

  @Test
  void writesTheServerTheAllowedToolsAndAHookForEveryEvent() throws Exception {
    Path settings = tmp.resolve(".gemini/settings.json");

    GeminiSettings.Merged merged = GeminiSettings.merge(settings, entries("developer"));

    JsonNode root = JSON.readTree(settings.toFile());
    JsonNode server = root.path("mcpServers").path("baton");
    assertThat(server.path("command").asString()).isEqualTo("/opt/baton/baton");
    assertThat(server.path("args").toString()).contains("\"--role\",\"developer\"");
    assertThat(server.has("trust")).isFalse();
    assertThat(root.path("tools").path("allowed").toString())
        .isEqualTo("[\"mcp_baton_whoami\",\"mcp_baton_lease_acquire\"]");
    assertThat(merged.events())
        .containsExactly(
            "SessionStart", "BeforeAgent", "BeforeTool", "AfterTool", "AfterAgent", "SessionEnd");
    JsonNode before = root.path("hooks").path("BeforeTool").path(0);
    assertThat(before.path("matcher").asString()).isEqualTo("^(write_file|replace)$");
    JsonNode hook = before.path("hooks").path(0);
    assertThat(hook.path("name").asString()).isEqualTo("baton");
    assertThat(hook.path("type").asString()).isEqualTo("command");
    assertThat(hook.path("command").asString()).isEqualTo(HOOK + " BeforeTool");
    assertThat(hook.path("timeout").asInt()).isEqualTo(10_000);
    assertThat(root.path("hooks").path("SessionStart").path(0).has("matcher")).isFalse();
  }

  @Test
  void theEditMatcherMatchesTheEditingToolsOnly() {
    assertThat("write_file").containsPattern(GeminiSettings.EDITS);
    assertThat("replace").containsPattern(GeminiSettings.EDITS);
    assertThat("mcp_fs_write_file").doesNotContainPattern(GeminiSettings.EDITS);
    assertThat("read_file").doesNotContainPattern(GeminiSettings.EDITS);
  }

  @Test
  void runTwiceItKeepsOneOfEachOfItsEntriesAndEverythingElse() throws Exception {
    Path settings = tmp.resolve("settings.json");
    Files.writeString(
        settings,
        "{\"theme\":\"Dracula\",\"mcpServers\":{\"other\":{\"command\":\"x\"}},"
            + "\"tools\":{\"allowed\":[\"run_shell_command(git)\"]},"
            + "\"hooks\":{\"BeforeTool\":[{\"matcher\":\"run_shell_command\",\"hooks\":"
            + "[{\"type\":\"command\",\"command\":\"./mine.sh\"}]}]}}");

    GeminiSettings.merge(settings, entries("developer"));
    GeminiSettings.Merged second = GeminiSettings.merge(settings, entries("reviewer"));

    JsonNode root = JSON.readTree(settings.toFile());
    assertThat(root.path("theme").asString()).isEqualTo("Dracula");
    assertThat(root.path("mcpServers").path("other").path("command").asString()).isEqualTo("x");
    assertThat(root.path("mcpServers").path("baton").path("args").toString())
        .contains("\"reviewer\"");
    assertThat(root.path("tools").path("allowed").toString())
        .isEqualTo("[\"run_shell_command(git)\",\"mcp_baton_whoami\",\"mcp_baton_lease_acquire\"]");
    assertThat(second.allowedAdded()).isEmpty();
    List<String> commands = new ArrayList<>();
    root.path("hooks")
        .path("BeforeTool")
        .forEach(g -> g.path("hooks").forEach(h -> commands.add(h.path("command").asString())));
    assertThat(commands).containsExactly("./mine.sh", HOOK + " BeforeTool");
  }

  @Test
  void aFileThatIsNotJsonIsRefusedNamingItAndLeftUntouched() throws Exception {
    Path settings = tmp.resolve("settings.json");
    String broken = "{\"theme\": \"Dracula\",, }";
    Files.writeString(settings, broken);

    assertThatThrownBy(() -> GeminiSettings.merge(settings, entries("developer")))
        .isInstanceOf(BatonException.class)
        .hasMessageStartingWith(settings + " is not valid JSON (")
        .hasMessageEndingWith("fix it by hand, then run setup again");
    assertThat(Files.readString(settings, StandardCharsets.UTF_8)).isEqualTo(broken);
  }

  @Test
  void aKeyOfTheWrongTypeIsRefusedNamingItAndTheFileIsLeftUntouched() throws Exception {
    Path settings = tmp.resolve("settings.json");
    String odd = "{\"mcpServers\":{},\"hooks\":{\"BeforeTool\":{}}}";
    Files.writeString(settings, odd);

    assertThatThrownBy(() -> GeminiSettings.merge(settings, entries("developer")))
        .isInstanceOf(BatonException.class)
        .hasMessage(
            settings
                + ": \"hooks.BeforeTool\" is not a list; fix it by hand, then run setup again");
    assertThat(Files.readString(settings, StandardCharsets.UTF_8)).isEqualTo(odd);

    Files.writeString(settings, "{\"tools\":{\"allowed\":\"all\"}}");
    assertThatThrownBy(() -> GeminiSettings.merge(settings, entries("developer")))
        .hasMessageContaining("\"tools.allowed\" is not a list");
  }

  @Test
  void recognisesItsOwnHookCommands() {
    assertThat(GeminiSettings.isOurs("'/d/hooks/gemini-hook' BeforeTool")).isTrue();
    assertThat(GeminiSettings.isOurs("BATON_ROLE='r' '/d/hooks/gemini-hook' SessionEnd")).isTrue();
    assertThat(GeminiSettings.isOurs("'/d/hooks/claude-hook' PreToolUse")).isFalse();
    assertThat(GeminiSettings.isOurs("./mine.sh")).isFalse();
  }
}
