package dev.baton.focus.internal;

import dev.baton.focus.FleetSessions;
import dev.baton.focus.FocusConfig;
import dev.baton.focus.Notifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The channels that reach the person, as {@code focus.notify} names them. */
public final class Channels {
  /** How long tmux or notify-send may run before it is killed. */
  static final Duration TIMEOUT = Duration.ofSeconds(3);

  private Channels() {}

  /**
   * @param sessions the fleet sessions tmux reminds in
   * @param env the broker's environment: {@code PATH} (searched at each call), {@code DISPLAY}
   */
  public static List<Notifier> of(
      FocusConfig config, FleetSessions sessions, Map<String, String> env) {
    Programs programs = new Programs(env, TIMEOUT);
    List<Notifier> out = new ArrayList<>();
    for (var c : config.channels()) {
      out.add(
          switch (c) {
            case TMUX -> new TmuxNotifier(sessions, programs);
            case DESKTOP -> new DesktopNotifier(programs);
          });
    }
    return out;
  }
}
