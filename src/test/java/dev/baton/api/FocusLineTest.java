package dev.baton.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FocusLineTest {
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
  private static final ZoneId UTC = ZoneOffset.UTC;

  private static FocusJson timer(
      String mode, Instant until, Instant nextBreakAt, boolean hyperfocus, Instant workedSince) {
    return new FocusJson(mode, NOW, until, 1, nextBreakAt, false, 2, hyperfocus, workedSince);
  }

  @Test
  void anIdleTimerShowsNothing() {
    assertThat(FocusLine.of(timer("idle", null, null, false, null), NOW, UTC)).isNull();
    assertThat(FocusLine.of(null, NOW, UTC)).isNull();
  }

  @Test
  void aBlockShowsTheMinutesToTheBreakRoundedUpQuietly() {
    Instant due = NOW.plusSeconds(12 * 60 + 1);
    assertThat(FocusLine.of(timer("working", due, due, false, NOW), NOW, UTC))
        .isEqualTo(new FocusLine("break in 13m", false));
    assertThat(FocusLine.of(timer("working", due, due, false, NOW), due.minusSeconds(20), UTC))
        .isEqualTo(new FocusLine("break in 1m", false));
    assertThat(FocusLine.of(timer("working", due, due, false, NOW), due.plusSeconds(5), UTC))
        .isEqualTo(new FocusLine("break in 0m", false));
  }

  @Test
  void aBreakSaysUntilWhenInTheZoneGivenAndIsLoud() {
    Instant until = NOW.plusSeconds(5 * 60);
    assertThat(FocusLine.of(timer("break", until, null, false, null), NOW, UTC))
        .isEqualTo(new FocusLine("on break until 10:05 (5m)", true));
    assertThat(FocusLine.of(timer("break", until, null, false, null), NOW, ZoneOffset.ofHours(2)))
        .isEqualTo(new FocusLine("on break until 12:05 (5m)", true));
  }

  @Test
  void hyperfocusSaysHowLongWithoutABreakAndIsLoud() {
    Instant due = NOW.plusSeconds(600);
    assertThat(FocusLine.of(timer("working", due, due, true, NOW.minusSeconds(102 * 60)), NOW, UTC))
        .isEqualTo(new FocusLine("⚠ 1h 42m without a break", true));
  }
}
