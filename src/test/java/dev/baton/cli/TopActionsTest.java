package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopActionsTest {
  private static final List<String> SHOWN =
      List.of("claude-1a2b3c4d", "claude-1a2b9999", "codex-5e6f7a8b");

  @Test
  void aHandoffGoesToTheOneInstanceAShortIdOrPrefixNames() {
    assertThat(TopActions.resolve("codex-5e", SHOWN)).isEqualTo("codex-5e6f7a8b");
    assertThat(TopActions.resolve("claude-1a2b3c4d", SHOWN)).isEqualTo("claude-1a2b3c4d");
    assertThat(TopActions.resolve("role:reviewer", SHOWN)).isEqualTo("role:reviewer");
  }

  @Test
  void anAmbiguousOrUnknownNameIsRefusedSayingWhy() {
    assertThatThrownBy(() -> TopActions.resolve("claude-1a2b", SHOWN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'claude-1a2b' could be claude-1a2b3c4d or claude-1a2b9999; type more of it");
    assertThatThrownBy(() -> TopActions.resolve("gemini", SHOWN))
        .hasMessage("no instance here is called 'gemini'");
  }
}
