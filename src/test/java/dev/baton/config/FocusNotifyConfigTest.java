package dev.baton.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.InvalidInputException;
import dev.baton.focus.FocusConfig;
import dev.baton.focus.NotifyChannel;
import dev.baton.focus.QuietHours;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code focus.notify} and {@code focus.quiet}: what they accept, and errors naming the value. */
class FocusNotifyConfigTest {
  @TempDir Path dir;
  private final Map<String, String> env = new HashMap<>();

  private FocusConfig focus(String yaml) throws IOException {
    Path f = dir.resolve("baton.yaml");
    Files.writeString(f, yaml);
    env.put("BATON_CONFIG", f.toString());
    return new ConfigLoader(env, dir.resolve("home"), 1234)
        .load(ConfigLoader.Overrides.none())
        .config()
        .focus();
  }

  @Test
  void withoutSettingsEveryChannelNotifiesAndNoHoursAreQuiet() throws IOException {
    FocusConfig c = focus("focus:\n  block: 25m\n");
    assertThat(c.channels()).containsExactlyInAnyOrder(NotifyChannel.values());
    assertThat(c.quiet()).isNull();
  }

  @Test
  void channelsAreAListOrACommaSeparatedStringAndOffIsNone() throws IOException {
    assertThat(focus("focus:\n  notify: [tmux]\n").channels()).containsExactly(NotifyChannel.TMUX);
    assertThat(focus("focus:\n  notify: tmux, desktop\n").channels())
        .containsExactlyInAnyOrder(NotifyChannel.TMUX, NotifyChannel.DESKTOP);
    assertThat(focus("focus:\n  notify: off\n").channels()).isEmpty();
    assertThat(focus("focus:\n  notify: \"off\"\n").channels()).isEmpty();
  }

  @Test
  void anUnknownChannelStopsTheBrokerNamingIt() {
    assertThatThrownBy(() -> focus("focus:\n  notify: [tmux, pager]\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith(
            "focus.notify: unknown focus.notify channel 'pager'; use tmux, desktop, or off");
    assertThatThrownBy(() -> focus("focus:\n  notify: [tmux, off]\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("names channels and off");
  }

  @Test
  void quietHoursParseAndCrossMidnight() throws IOException {
    QuietHours q = focus("focus:\n  quiet: 22:00-08:00\n").quiet();
    assertThat(q).isEqualTo(new QuietHours(LocalTime.of(22, 0), LocalTime.of(8, 0)));
    assertThat(q.contains(LocalTime.of(22, 0))).isTrue();
    assertThat(q.contains(LocalTime.of(3, 15))).isTrue();
    assertThat(q.contains(LocalTime.of(7, 59))).isTrue();
    assertThat(q.contains(LocalTime.of(8, 0))).isFalse();
    assertThat(q.contains(LocalTime.of(12, 0))).isFalse();
    assertThat(q.contains(LocalTime.of(21, 59))).isFalse();

    QuietHours lunch = QuietHours.parse("12:30-13:30");
    assertThat(lunch.contains(LocalTime.of(13, 0))).isTrue();
    assertThat(lunch.contains(LocalTime.of(14, 0))).isFalse();
    assertThat(lunch.contains(LocalTime.of(12, 0))).isFalse();
    assertThat(focus("focus:\n  quiet: \"off\"\n").quiet()).isNull();
  }

  @Test
  void quietHoursThatDoNotParseStopTheBrokerNamingTheValue() {
    assertThatThrownBy(() -> focus("focus:\n  quiet: 25:00-08:00\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "focus.quiet: focus.quiet '25:00-08:00' does not parse: '25:00' is not a time");
    assertThatThrownBy(() -> QuietHours.parse("evenings"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("focus.quiet 'evenings' does not parse: use HH:MM-HH:MM, e.g. 22:00-08:00");
    assertThatThrownBy(() -> QuietHours.parse("08:00-08:00"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("starts and ends at the same time");
  }

  @Test
  void channelNamesParseAloneToo() {
    assertThat(NotifyChannel.parse(List.of("Desktop"))).isEqualTo(Set.of(NotifyChannel.DESKTOP));
    assertThatThrownBy(() -> NotifyChannel.parse(List.of("email")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("unknown focus.notify channel 'email'; use tmux, desktop, or off");
    assertThatThrownBy(() -> NotifyChannel.parse(List.of("tmux,mail")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "unknown focus.notify channel 'mail' in 'tmux,mail'; use tmux, desktop, or off");
  }
}
