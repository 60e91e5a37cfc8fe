package dev.baton.api;

import dev.baton.core.Printable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tmux status line: per instance its role tag, short id and {@link InstanceState} symbol, then
 * the fleet's totals, e.g. {@code [dev:1a2b ●] [rev:9f3c ○] │ 3 files · 1 landing · 2 urgent}.
 * Above {@link #FOLD_ABOVE} instances it folds them to a count per state. The text is safe to put
 * in a tmux format: control characters are escaped and {@code #} is doubled. Pure; the broker
 * writes it to a file for tmux and serves it on {@code GET /v1/status/line}.
 */
public final class StatusLineFormat {
  /** More instances than this are shown as counts per state. */
  public static final int FOLD_ABOVE = 8;

  /** What the line says when no broker answers (or the broker stopped). */
  public static final String DOWN = "○ baton down";

  private StatusLineFormat() {}

  /** One instance as the line shows it. */
  public record Entry(String id, String role, InstanceState state) {}

  /**
   * The fleet's totals.
   *
   * @param files files and patterns leased
   * @param waiting lease requests waiting for another instance's lease
   * @param lands lands queued or running
   * @param urgent urgent messages not yet read by their (live) recipients
   * @param focus the focus timer's words, or null while it is idle
   */
  public record Totals(int files, int waiting, int lands, int urgent, FocusLine focus) {
    public Totals(int files, int waiting, int lands, int urgent) {
      this(files, waiting, lands, urgent, null);
    }
  }

  /** The whole line, without a line break. */
  public static String format(List<Entry> instances, Totals totals) {
    String left = instances.size() > FOLD_ABOVE ? folded(instances) : tags(instances);
    return left + " │ " + totals(totals);
  }

  private static String tags(List<Entry> instances) {
    if (instances.isEmpty()) {
      return "no instances";
    }
    List<String> tags = new ArrayList<>();
    for (Entry e : instances) {
      tags.add(
          "["
              + escape(roleTag(e.role()))
              + ":"
              + escape(shortId(e.id()))
              + " "
              + e.state().symbol()
              + "]");
    }
    return String.join(" ", tags);
  }

  /** {@code 12 instances: 7● 4○ 1◔}, states in their order. */
  private static String folded(List<Entry> instances) {
    Map<InstanceState, Integer> counts = new EnumMap<>(InstanceState.class);
    instances.forEach(e -> counts.merge(e.state(), 1, Integer::sum));
    StringBuilder out = new StringBuilder().append(instances.size()).append(" instances:");
    counts.forEach((state, n) -> out.append(' ').append(n).append(state.symbol()));
    return out.toString();
  }

  private static String totals(Totals t) {
    List<String> parts = new ArrayList<>();
    parts.add(t.files() + (t.files() == 1 ? " file" : " files"));
    if (t.waiting() > 0) {
      parts.add(t.waiting() + " waiting");
    }
    if (t.lands() > 0) {
      parts.add(t.lands() + " landing");
    }
    if (t.urgent() > 0) {
      parts.add(t.urgent() + " urgent");
    }
    if (t.focus() != null) {
      String text = escape(t.focus().text());
      parts.add(t.focus().loud() ? "#[reverse] " + text + " #[noreverse]" : text);
    }
    return String.join(" · ", parts);
  }

  /** {@code dev} for developer: the role's first three letters, lower case. */
  static String roleTag(String role) {
    String tag = role.length() <= 3 ? role : role.substring(0, 3);
    return tag.toLowerCase(Locale.ROOT);
  }

  /** {@code 1a2b} for {@code claude-1a2b3c4d}: four characters after the last dash. */
  static String shortId(String id) {
    int dash = id.lastIndexOf('-');
    String tail = dash >= 0 && dash < id.length() - 1 ? id.substring(dash + 1) : id;
    return tail.length() > 4 ? tail.substring(0, 4) : tail;
  }

  /** Text made safe for a tmux format: control characters escaped, {@code #} doubled. */
  public static String escape(String text) {
    return Printable.of(text).replace("#", "##");
  }
}
