package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.FocusLine;
import dev.baton.api.InstanceState;
import java.time.Instant;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.junit.jupiter.api.Test;

class TopScreenTest {
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  private static TopModel.Row row(String id, String role, InstanceState state, List<String> files) {
    return new TopModel.Row(id, role, state, files, "instance/" + id, "↑1 ↓0 ±2", NOW, 1);
  }

  private static TopScreen.Frame frame(String down, List<String> help) {
    return frame(down, help, null);
  }

  private static TopScreen.Frame frame(String down, List<String> help, FocusLine focus) {
    return new TopScreen.Frame(
        "repo",
        List.of(
            row("claude-aaaa0001", "developer", InstanceState.WORKING, List.of("src/a.py", "b.py")),
            row("codex-bbbb0001", "reviewer", InstanceState.WAITING, List.of())),
        List.of(new TopModel.Wait("codex-bbbb0001", List.of("src/a.py"), NOW.minusSeconds(3))),
        List.of(new TopModel.LandRow(4, "claude-aaaa0001", "instance/x", "queued", NOW)),
        List.of(new TopModel.LogLine(9, NOW, "handoff #2 DEV:claude-aaaa → REV:codex-bbbb: go on")),
        2,
        down,
        1,
        "keys here",
        help,
        focus,
        NOW);
  }

  @Test
  void theHeaderShowsTheFocusTimerBeforeTheClockAndABreakInReverseVideo() {
    FocusLine onBreak = new FocusLine("on break until 10:05 (5m)", true);
    List<AttributedString> lines = TopScreen.draw(frame(null, null, onBreak), 120, 20);
    String header = lines.get(0).toString();
    assertThat(header).contains("2 unread").contains(" on break until 10:05 (5m)  ");
    int at = header.indexOf("on break");
    assertThat(lines.get(0).styleAt(at)).isEqualTo(AttributedStyle.INVERSE.bold());
    assertThat(lines.get(0).columnLength()).isEqualTo(120);

    String quiet =
        TopScreen.text(
            TopScreen.draw(frame(null, null, new FocusLine("break in 12m", false)), 120, 20));
    assertThat(quiet.lines().findFirst().orElseThrow()).contains("break in 12m");
  }

  @Test
  void aNarrowPaneKeepsTheFleetsFiguresAndDropsTheTimer() {
    FocusLine onBreak = new FocusLine("on break until 10:05 (5m)", true);
    String header =
        TopScreen.text(TopScreen.draw(frame(null, null, onBreak), 50, 20))
            .lines()
            .findFirst()
            .orElseThrow();
    assertThat(header).startsWith("baton top · repo").doesNotContain("on break");
  }

  @Test
  void aFrameShowsTheFleetTheQueuesAndTheLogWithinItsSize() {
    String text = TopScreen.text(TopScreen.draw(frame(null, null), 90, 20));
    assertThat(text)
        .contains("baton top · repo · 2 instances · 2 files leased · 1 landing · 2 unread")
        .contains("● working")
        .contains("src/a.py +1")
        .contains("◔ waiting")
        .contains("lease queue (1)")
        .contains("codex-bbbb waits for src/a.py")
        .contains("#4 claude-aaaa instance/x queued")
        .contains("handoff #2")
        .contains("keys here");
    assertThat(text.lines()).hasSizeLessThanOrEqualTo(20).allMatch(l -> l.length() <= 90);
    assertThat(text.lines().filter(l -> l.startsWith("▶")))
        .singleElement()
        .asString()
        .contains("codex-bbbb0001");
  }

  @Test
  void aBrokerThatIsDownIsSaidFirstAndTheLastStateStays() {
    String text = TopScreen.text(TopScreen.draw(frame("nothing answers at unix:/x", null), 80, 12));
    assertThat(text.lines().findFirst().orElseThrow())
        .startsWith("✗ broker down: nothing answers at unix:/x");
    assertThat(text).contains("claude-aaaa0001");
  }

  @Test
  void helpListsTheKeysAndATinyTerminalStillGetsAFrame() {
    String text = TopScreen.text(TopScreen.draw(frame(null, TopTerminal.HELP), 100, 30));
    assertThat(text).contains("keys (? again to close)").contains("hand the selected instance");
    List<String> tiny = TopScreen.text(TopScreen.draw(frame(null, null), 20, 5)).lines().toList();
    assertThat(tiny).hasSizeLessThanOrEqualTo(5).allMatch(l -> l.length() <= 20);
  }
}
