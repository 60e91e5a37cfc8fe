package dev.baton.api;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The focus timer in a few words, the same in the tmux status line and in {@code baton top}'s
 * header: {@code break in 12m} while a block runs, {@code on break until 10:35 (4m)} during a
 * break, and {@code ⚠ 1h 42m without a break} once the person has worked {@code
 * focus.hyperfocus-after} without one. A break and hyperfocus are <em>loud</em>: the status line
 * shows them in reverse video, so that they are seen without relying on colour. Pure.
 *
 * @param text the words, without markup
 * @param loud true when the person should notice it now
 */
public record FocusLine(String text, boolean loud) {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");

  /** The line for the timer at {@code now}, or null when it is idle (nothing to show). */
  public static FocusLine of(FocusJson focus, Instant now, ZoneId zone) {
    if (focus == null) {
      return null;
    }
    switch (focus.mode()) {
      case "working" -> {
        if (focus.hyperfocus() && focus.workedSince() != null) {
          return new FocusLine(
              "⚠ "
                  + hoursAndMinutes(Duration.between(focus.workedSince(), now))
                  + " without a break",
              true);
        }
        if (focus.nextBreakAt() == null) {
          return null;
        }
        return new FocusLine(
            "break in " + minutesLeft(Duration.between(now, focus.nextBreakAt())), false);
      }
      case "break" -> {
        if (focus.until() == null) {
          return new FocusLine("on break", true);
        }
        return new FocusLine(
            "on break until "
                + CLOCK.format(focus.until().atZone(zone))
                + " ("
                + minutesLeft(Duration.between(now, focus.until()))
                + ")",
            true);
      }
      default -> {
        return null;
      }
    }
  }

  /** Whole minutes rounded up, so that {@code 1m} shows until the very end: {@code 12m}. */
  static String minutesLeft(Duration left) {
    long seconds = Math.max(0, left.toSeconds());
    return ((seconds + 59) / 60) + "m";
  }

  /** {@code 42m}, {@code 1h 42m}. */
  static String hoursAndMinutes(Duration d) {
    long minutes = Math.max(0, d.toMinutes());
    return minutes < 60 ? minutes + "m" : (minutes / 60) + "h " + (minutes % 60) + "m";
  }
}
