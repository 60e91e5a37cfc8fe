package dev.baton.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Small text helpers for human output. */
final class Format {
  private Format() {}

  /** {@code 42s}, {@code 5m 3s}, {@code 2h 13m}, {@code 3d 4h}. */
  static String duration(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m " + s % 60 + "s";
    }
    if (s < 86400) {
      return s / 3600 + "h " + (s % 3600) / 60 + "m";
    }
    return s / 86400 + "d " + (s % 86400) / 3600 + "h";
  }

  static String ago(Instant then, Instant now) {
    return duration(Duration.between(then, now)) + " ago";
  }

  static String in(Instant then, Instant now) {
    Duration d = Duration.between(now, then);
    return d.isNegative() ? "overdue " + duration(d.negated()) : "in " + duration(d);
  }

  /**
   * Text from the wire, made safe to print on a terminal: control characters (newlines, escape
   * sequences, bells, C1 controls) are shown escaped ({@code \n}, {@code \x1b}), so that a lease
   * reason or a message cannot forge a line of output or drive the terminal. Null stays null.
   */
  static String safe(String text) {
    return dev.baton.core.Printable.of(text);
  }

  /** {@code DEV} for developer: the role's first three letters. */
  static String roleTag(String role) {
    String tag = role.length() <= 3 ? role : role.substring(0, 3);
    return tag.toUpperCase(Locale.ROOT);
  }

  /** {@code claude-1a2b} for {@code claude-1a2b3c4d}. */
  static String shortId(String id) {
    int dash = id.lastIndexOf('-');
    if (dash > 0 && id.length() - dash - 1 > 4) {
      return id.substring(0, dash + 5);
    }
    return id.length() > 16 ? id.substring(0, 16) : id;
  }

  /** Left-aligned columns separated by two spaces, under a header. */
  static String table(List<String> header, List<List<String>> rows) {
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    return rows(all);
  }

  /** Left-aligned columns separated by two spaces. */
  static String rows(List<List<String>> all) {
    if (all.isEmpty()) {
      return "";
    }
    all = all.stream().map(row -> row.stream().map(Format::safe).toList()).toList();
    int[] widths = new int[all.get(0).size()];
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(
            i == row.size() - 1 ? row.get(i) : String.format("%-" + widths[i] + "s  ", row.get(i)));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
