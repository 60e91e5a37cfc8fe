package dev.baton.integrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CodexHooksTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String PREFIX = "'/data/hooks/codex-hook'";

  @TempDir Path tmp;

  @Test
  void mergingTwiceLeavesOneBatonHookPerEventAndKeepsTheOthers() throws Exception {
    Path file = tmp.resolve(".codex/hooks.json");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        "{\"hooks\":{\"PreToolUse\":[{\"matcher\":\"exec_command\",\"hooks\":"
            + "[{\"type\":\"command\",\"command\":\"audit.sh\"}]}]},\"other\":true}");

    CodexHooks.merge(file, PREFIX);
    CodexHooks.merge(file, PREFIX);

    JsonNode root = JSON.readTree(file.toFile());
    assertThat(root.path("other").asBoolean()).isTrue();
    JsonNode pre = root.path("hooks").path("PreToolUse");
    assertThat(pre).hasSize(2);
    assertThat(pre.get(0).path("hooks").get(0).path("command").asString()).isEqualTo("audit.sh");
    assertThat(pre.get(1).path("matcher").asString()).isEqualTo("apply_patch");
    assertThat(pre.get(1).path("hooks").get(0).path("command").asString())
        .isEqualTo(PREFIX + " PreToolUse");
    assertThat(root.path("hooks").path("SessionStart")).hasSize(1);
    assertThat(root.path("hooks").path("SessionStart").get(0).has("matcher")).isFalse();
    assertThat(root.path("hooks").properties())
        .extracting(e -> e.getKey())
        .containsExactlyInAnyOrderElementsOf(CodexHooks.EVENTS.keySet());
  }

  @Test
  void hooksThatAreNotAnObjectAreRefusedAndLeftUntouched() throws Exception {
    Path file = tmp.resolve("hooks.json");
    Files.writeString(file, "{\"hooks\":[]}");

    assertThatThrownBy(() -> CodexHooks.merge(file, PREFIX))
        .isInstanceOf(BatonException.class)
        .hasMessage(file + ": \"hooks\" is not an object; fix it by hand, then run setup again");
    assertThat(Files.readString(file)).isEqualTo("{\"hooks\":[]}");
  }
}
