package dev.baton.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InstanceIdsTest {

  @Test
  void aRandomSessionIdGivesItsFirstEightHexDigits() {
    assertThat(InstanceIds.forSession("claude", "1A2B3C4D-5e6f-4a7b-8c9d-0e1f2a3b4c5d"))
        .isEqualTo("claude-1a2b3c4d");
  }

  @Test
  void twoCodexThreadsStartedInTheSameMinuteGetTwoInstances() {
    // Codex's thread ids are UUIDv7: the first 48 bits are the time in milliseconds.
    String first = InstanceIds.forSession("codex", "01a24cfc-3aae-7682-b76f-89462345ea8b");
    String second = InstanceIds.forSession("codex", "01a24cfc-9543-72c0-9520-295b24ca231a");

    assertThat(first).isEqualTo("codex-2345ea8b");
    assertThat(second).isEqualTo("codex-24ca231a");
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void aSessionIdWithFewerThanEightHexDigitsGivesNone() {
    assertThat(InstanceIds.forSession("codex", "abc-12")).isNull();
    assertThat(InstanceIds.forSession("codex", null)).isNull();
  }
}
