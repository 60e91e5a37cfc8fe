package dev.baton.focus;

import dev.baton.core.ConfigSection;
import dev.baton.core.InvalidInputException;
import dev.baton.core.Units;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * The focus timer's settings, the {@code focus:} section of the configuration.
 *
 * @param block a work block's length ({@code focus.block})
 * @param shortBreak a break's length ({@code focus.break})
 * @param longBreak every {@code longEvery}-th break's length ({@code focus.long-break})
 * @param longEvery which breaks are long ({@code focus.long-every}, 4: the fourth, eighth, ...)
 * @param auto whether activity of any instance starts a block when none runs ({@code focus.auto})
 * @param hyperfocusAfter work without a break after which the person is reminded ({@code
 *     focus.hyperfocus-after})
 * @param hyperfocusEvery the least time between two such reminders ({@code focus.hyperfocus-every})
 * @param snooze how long a snooze postpones a break by default ({@code focus.snooze})
 * @param maxSnoozes snoozes allowed in a row ({@code focus.max-snoozes})
 * @param channels the channels that reach the person ({@code focus.notify}; empty: off)
 * @param quiet hours in which only urgent messages reach the person ({@code focus.quiet}), or null
 */
public record FocusConfig(
    Duration block,
    Duration shortBreak,
    Duration longBreak,
    int longEvery,
    boolean auto,
    Duration hyperfocusAfter,
    Duration hyperfocusEvery,
    Duration snooze,
    int maxSnoozes,
    Set<NotifyChannel> channels,
    QuietHours quiet) {
  public static final Duration DEFAULT_BLOCK = Duration.ofMinutes(25);
  public static final Duration DEFAULT_BREAK = Duration.ofMinutes(5);
  public static final Duration DEFAULT_LONG_BREAK = Duration.ofMinutes(15);
  public static final int DEFAULT_LONG_EVERY = 4;
  public static final Duration DEFAULT_HYPERFOCUS_AFTER = Duration.ofMinutes(90);
  public static final Duration DEFAULT_HYPERFOCUS_EVERY = Duration.ofMinutes(15);
  public static final Duration DEFAULT_SNOOZE = Duration.ofMinutes(10);
  public static final int DEFAULT_MAX_SNOOZES = 2;

  public FocusConfig {
    channels = channels == null ? Set.of() : Set.copyOf(channels);
  }

  /** Settings that notify through every channel and have no quiet hours. */
  public FocusConfig(
      Duration block,
      Duration shortBreak,
      Duration longBreak,
      int longEvery,
      boolean auto,
      Duration hyperfocusAfter,
      Duration hyperfocusEvery,
      Duration snooze,
      int maxSnoozes) {
    this(
        block,
        shortBreak,
        longBreak,
        longEvery,
        auto,
        hyperfocusAfter,
        hyperfocusEvery,
        snooze,
        maxSnoozes,
        EnumSet.allOf(NotifyChannel.class),
        null);
  }

  /** A copy with other notification settings. */
  public FocusConfig withNotify(Set<NotifyChannel> newChannels, QuietHours quietHours) {
    return new FocusConfig(
        block,
        shortBreak,
        longBreak,
        longEvery,
        auto,
        hyperfocusAfter,
        hyperfocusEvery,
        snooze,
        maxSnoozes,
        newChannels,
        quietHours);
  }

  public static FocusConfig defaults() {
    return new FocusConfig(
        DEFAULT_BLOCK,
        DEFAULT_BREAK,
        DEFAULT_LONG_BREAK,
        DEFAULT_LONG_EVERY,
        true,
        DEFAULT_HYPERFOCUS_AFTER,
        DEFAULT_HYPERFOCUS_EVERY,
        DEFAULT_SNOOZE,
        DEFAULT_MAX_SNOOZES);
  }

  /** The length of the break that follows block number {@code block} (1 is the first). */
  public Duration breakAfter(int block) {
    return block > 0 && block % longEvery == 0 ? longBreak : shortBreak;
  }

  /** True when the break after block number {@code block} is a long one. */
  public boolean longBreakAfter(int block) {
    return block > 0 && block % longEvery == 0;
  }

  /** Reads the {@code focus:} section of the configuration. */
  public static FocusConfig from(ConfigSection section) {
    section.allowOnly(
        "block",
        "break",
        "long-break",
        "long-every",
        "auto",
        "hyperfocus-after",
        "hyperfocus-every",
        "snooze",
        "max-snoozes",
        "notify",
        "quiet");
    Duration block = section.positive("block", DEFAULT_BLOCK);
    Duration shortBreak = section.positive("break", DEFAULT_BREAK);
    Duration longBreak = section.positive("long-break", DEFAULT_LONG_BREAK);
    if (longBreak.compareTo(shortBreak) < 0) {
      throw section.error(
          section.path("long-break"),
          Units.formatDuration(longBreak)
              + " is shorter than focus.break "
              + Units.formatDuration(shortBreak));
    }
    int longEvery = section.range("long-every", DEFAULT_LONG_EVERY, 1, 100);
    boolean on = section.bool("auto").orElse(true);
    Duration after = section.positive("hyperfocus-after", DEFAULT_HYPERFOCUS_AFTER);
    Duration every = section.positive("hyperfocus-every", DEFAULT_HYPERFOCUS_EVERY);
    Duration snooze = section.positive("snooze", DEFAULT_SNOOZE);
    int maxSnoozes = section.range("max-snoozes", DEFAULT_MAX_SNOOZES, 0, 10);
    Set<NotifyChannel> notify = EnumSet.allOf(NotifyChannel.class);
    QuietHours quiet = null;
    try {
      if (section.has("notify")) {
        notify = NotifyChannel.parse(section.strings("notify"));
      }
      String quietText = section.string("quiet").orElse("").strip();
      if (!quietText.isEmpty() && !quietText.equals("off") && !quietText.equals("false")) {
        quiet = QuietHours.parse(quietText);
      }
    } catch (InvalidInputException e) {
      throw section.error(
          section.path(String.valueOf(e.details().get("field")).substring("focus.".length())),
          e.getMessage());
    }
    return new FocusConfig(
        block,
        shortBreak,
        longBreak,
        longEvery,
        on,
        after,
        every,
        snooze,
        maxSnoozes,
        notify,
        quiet);
  }
}
