package dev.baton.focus;

import dev.baton.core.InvalidInputException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** A way to reach the person ({@code focus.notify}). */
public enum NotifyChannel {
  /** {@code tmux display-message} in every live fleet session that {@code baton up} registered. */
  TMUX,
  /** {@code notify-send}, when the broker runs in a graphical session. */
  DESKTOP;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The channels a {@code focus.notify} value names: {@code tmux}, {@code desktop} (a list, or one
   * comma-separated string), or {@code off} (also {@code none}, {@code false}) for none.
   *
   * @throws InvalidInputException naming an unknown channel
   */
  public static Set<NotifyChannel> parse(List<String> values) {
    Set<NotifyChannel> out = EnumSet.noneOf(NotifyChannel.class);
    boolean off = false;
    for (String value : values) {
      for (String part : value.split(",")) {
        String name = part.strip().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
          continue;
        }
        if (name.equals("off") || name.equals("none") || name.equals("false")) {
          off = true;
          continue;
        }
        out.add(of(name, value));
      }
    }
    if (off && !out.isEmpty()) {
      throw new InvalidInputException(
          "focus.notify '"
              + String.join(", ", values)
              + "' names channels and off; give tmux, desktop, or off alone",
          Map.of("field", "focus.notify"));
    }
    return out;
  }

  private static NotifyChannel of(String name, String value) {
    for (NotifyChannel c : values()) {
      if (c.wireName().equals(name)) {
        return c;
      }
    }
    String in = value.strip().equalsIgnoreCase(name) ? "" : " in '" + value + "'";
    throw new InvalidInputException(
        "unknown focus.notify channel '" + name + "'" + in + "; use tmux, desktop, or off",
        Map.of("field", "focus.notify"));
  }
}
