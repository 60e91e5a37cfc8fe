package dev.baton.core;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the durations ({@code 30s}) and sizes ({@code 1MiB}) used in the config. */
public final class Units {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib)?");

  private Units() {}

  /**
   * Parses {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h} or {@code 7d}.
   *
   * @throws IllegalArgumentException naming the text when it is not such a duration
   */
  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration; write a number and a unit: 500ms, 30s, 10m, 2h or 7d");
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms":
        return Duration.ofMillis(n);
      case "s":
        return Duration.ofSeconds(n);
      case "m":
        return Duration.ofMinutes(n);
      case "h":
        return Duration.ofHours(n);
      default:
        return Duration.ofDays(n);
    }
  }

  /** Prints a duration in the largest unit that keeps it exact, e.g. {@code 30s}. */
  public static String formatDuration(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000 == 0 && ms > 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  /**
   * Parses a byte size: {@code 1048576}, {@code 512KiB}, {@code 1MiB}, {@code 1MB}.
   *
   * @throws IllegalArgumentException naming the text when it is not a size
   */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size; write bytes or a unit: 65536, 512KiB, 1MiB");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    switch (unit) {
      case "kb":
        return n * 1000;
      case "kib":
        return n * 1024;
      case "mb":
        return n * 1000 * 1000;
      case "mib":
        return n * 1024 * 1024;
      case "gb":
        return n * 1000 * 1000 * 1000;
      case "gib":
        return n * 1024 * 1024 * 1024;
      default:
        return n;
    }
  }

  /** Prints a size in KiB or MiB when exact, else in bytes. */
  public static String formatSize(long bytes) {
    if (bytes > 0 && bytes % (1024 * 1024) == 0) {
      return bytes / (1024 * 1024) + "MiB";
    }
    if (bytes > 0 && bytes % 1024 == 0) {
      return bytes / 1024 + "KiB";
    }
    return Long.toString(bytes);
  }
}
