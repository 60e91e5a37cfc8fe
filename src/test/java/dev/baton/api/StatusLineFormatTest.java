package dev.baton.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.StatusLineFormat.Entry;
import dev.baton.api.StatusLineFormat.Totals;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusLineFormatTest {
  private static final Totals NONE = new Totals(0, 0, 0, 0);

  @Test
  void eachInstanceShowsItsRoleTagShortIdAndStateThenTheTotals() {
    String line =
        StatusLineFormat.format(
            List.of(
                new Entry("claude-1a2b3c4d", "developer", InstanceState.WORKING),
                new Entry("codex-9f3c0000", "reviewer", InstanceState.IDLE)),
            new Totals(3, 0, 1, 2));
    assertThat(line).isEqualTo("[dev:1a2b ●] [rev:9f3c ○] │ 3 files · 1 landing · 2 urgent");
  }

  @Test
  void zeroTotalsBesidesTheFilesAreLeftOutAndNoInstancesIsSaid() {
    assertThat(StatusLineFormat.format(List.of(), new Totals(1, 0, 0, 0)))
        .isEqualTo("no instances │ 1 file");
    assertThat(StatusLineFormat.format(List.of(), new Totals(0, 2, 0, 0)))
        .isEqualTo("no instances │ 0 files · 2 waiting");
  }

  @Test
  void theFocusTimerShowsAtTheEndAndABreakInReverseVideo() {
    assertThat(
            StatusLineFormat.format(
                List.of(), new Totals(0, 0, 0, 0, new FocusLine("break in 13m", false))))
        .endsWith("0 files · break in 13m");
    assertThat(
            StatusLineFormat.format(
                List.of(),
                new Totals(0, 0, 0, 0, new FocusLine("on break until 10:35 (4m) #1", true))))
        .endsWith("0 files · #[reverse] on break until 10:35 (4m) ##1 #[noreverse]");
  }

  @Test
  void moreThanEightInstancesFoldToACountPerStateInTheStatesOrder() {
    List<Entry> many = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      many.add(new Entry("claude-" + i + "0000000", "developer", InstanceState.IDLE));
    }
    for (int i = 0; i < 3; i++) {
      many.add(new Entry("codex-" + i + "1111111", "reviewer", InstanceState.WORKING));
    }
    assertThat(StatusLineFormat.format(many, NONE)).startsWith("[dev:0000 ○]");
    many.add(new Entry("claude-99999999", "debugger", InstanceState.WAITING));
    assertThat(StatusLineFormat.format(many, NONE)).isEqualTo("9 instances: 3● 5○ 1◔ │ 0 files");
  }

  @Test
  void hashesAreDoubledAndControlCharactersEscapedSoTheLineCannotStyleOrRunAnything() {
    String line =
        StatusLineFormat.format(
            List.of(new Entry("x-#(rm", "#[fg=red]\u001b", InstanceState.IDLE)), NONE);
    assertThat(line).isEqualTo("[##[f:##(rm ○] │ 0 files");
    assertThat(StatusLineFormat.escape("a#b\nc\u001b")).isEqualTo("a##b\\nc\\x1b");
  }
}
