package dev.baton.cli;

import dev.baton.api.FocusLine;
import dev.baton.api.InstanceState;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * Draws {@code baton top}: a header, one row per instance, then the lease queue, the landing queue
 * and the last messages and handoffs, and a footer with the keys (or the question being asked). A
 * pure function of what it is given, so that a test or {@code --once} can draw without a terminal.
 * Colour is never the only signal: states have symbols and words, the selection an arrow.
 */
final class TopScreen {
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
  private static final AttributedStyle BOLD = AttributedStyle.BOLD;
  private static final AttributedStyle DIM = AttributedStyle.DEFAULT.faint();
  private static final AttributedStyle SELECTED = AttributedStyle.INVERSE;
  private static final AttributedStyle ALERT = AttributedStyle.BOLD.foreground(AttributedStyle.RED);

  /** Everything one frame shows. */
  record Frame(
      String workspace,
      List<TopModel.Row> rows,
      List<TopModel.Wait> waiting,
      List<TopModel.LandRow> lands,
      List<TopModel.LogLine> log,
      int filesLeased,
      String down,
      int selected,
      String footer,
      List<String> help,
      FocusLine focus,
      Instant now) {}

  private TopScreen() {}

  static List<AttributedString> draw(Frame f, int width, int height) {
    List<AttributedString> lines = new ArrayList<>();
    lines.add(header(f, width));
    int fixed = 1 + 1 + 1; // header, column names, footer
    int sections = Math.max(0, height - fixed);
    int rowsShown = Math.min(f.rows().size(), Math.max(1, sections - 6));
    if (f.rows().isEmpty()) {
      rowsShown = 0;
    }
    lines.add(
        new AttributedString(
            columns(width, "", "ROLE", "ID", "STATE", "FILES", "BRANCH", "GIT", "SEEN", "MSG"),
            BOLD));
    int first = Math.max(0, Math.min(f.selected() - rowsShown + 1, f.rows().size() - rowsShown));
    first = Math.max(0, Math.min(first, f.selected()));
    if (f.rows().isEmpty()) {
      lines.add(
          new AttributedString(
              fit(
                  "  no instance in this repository yet: 'baton up --add developer', or 'baton"
                      + " register' in an agent's shell",
                  width),
              DIM));
    }
    for (int i = first; i < first + rowsShown; i++) {
      lines.add(row(f.rows().get(i), i == f.selected(), f.now(), width));
    }
    if (first + rowsShown < f.rows().size()) {
      lines.add(
          new AttributedString(
              fit("  … " + (f.rows().size() - first - rowsShown) + " more (↓)", width), DIM));
    }
    List<AttributedString> lower = new ArrayList<>();
    if (f.help() != null) {
      lower.add(rule("keys (? again to close)", width));
      f.help().forEach(h -> lower.add(plain("  " + h, width)));
    }
    lower.add(rule("lease queue (" + f.waiting().size() + ")", width));
    for (TopModel.Wait w : f.waiting()) {
      lower.add(
          plain(
              "  ◔ "
                  + Format.shortId(w.instance())
                  + " waits for "
                  + String.join(", ", w.paths())
                  + " since "
                  + CLOCK.format(w.since())
                  + " ("
                  + Format.duration(java.time.Duration.between(w.since(), f.now()))
                  + ")",
              width));
    }
    lower.add(rule("landing queue", width));
    for (TopModel.LandRow l : f.lands()) {
      lower.add(
          plain(
              "  #"
                  + l.id()
                  + " "
                  + Format.shortId(l.instance())
                  + " "
                  + (l.branch() == null ? "" : l.branch() + " ")
                  + l.status()
                  + " "
                  + CLOCK.format(l.at()),
              width));
    }
    lower.add(rule("messages and handoffs", width));
    List<AttributedString> logLines = new ArrayList<>();
    for (TopModel.LogLine l : f.log()) {
      logLines.add(plain("  " + CLOCK.format(l.at()) + " " + l.text(), width));
    }
    int room = height - lines.size() - 1;
    // the queues first, then as many of the newest log lines as fit
    List<AttributedString> shown = new ArrayList<>(lower.subList(0, Math.min(lower.size(), room)));
    int logRoom = room - shown.size();
    if (logRoom > 0) {
      shown.addAll(logLines.subList(Math.max(0, logLines.size() - logRoom), logLines.size()));
    }
    lines.addAll(shown);
    while (lines.size() < height - 1) {
      lines.add(AttributedString.EMPTY);
    }
    lines.add(new AttributedString(fit(f.footer(), width), f.down() != null ? ALERT : DIM));
    return lines.subList(0, Math.min(lines.size(), height));
  }

  private static AttributedString header(Frame f, int width) {
    String clock = CLOCK.format(f.now());
    String left;
    AttributedStyle style = BOLD;
    if (f.down() != null) {
      left = "✗ broker down: " + Format.safe(f.down()) + " (trying again every second)";
      style = ALERT;
    } else {
      long live = f.rows().stream().filter(r -> r.state() != InstanceState.GONE).count();
      long queued =
          f.lands().stream()
              .filter(l -> l.status().equals("queued") || l.status().equals("started"))
              .count();
      int unread = f.rows().stream().mapToInt(TopModel.Row::unread).sum();
      left =
          "baton top · "
              + f.workspace()
              + " · "
              + live
              + (live == 1 ? " instance" : " instances")
              + " · "
              + f.filesLeased()
              + (f.filesLeased() == 1 ? " file" : " files")
              + " leased · "
              + queued
              + " landing · "
              + unread
              + " unread";
    }
    String focus = f.down() == null && f.focus() != null ? f.focus().text() : "";
    String right = focus.isEmpty() ? clock : " " + focus + " " + " " + clock;
    if (right.length() > width / 2) {
      right = clock; // a narrow pane keeps the fleet's figures
      focus = "";
    }
    String text = fit(left, Math.max(0, width - right.length() - 1));
    String gap = " ".repeat(Math.max(1, width - text.length() - right.length()));
    AttributedStringBuilder out = new AttributedStringBuilder();
    out.append(text + gap, style);
    if (!focus.isEmpty()) {
      out.append(" " + focus + " ", f.focus().loud() ? SELECTED.bold() : style);
      out.append(" ", style);
    }
    out.append(clock, style);
    AttributedString line = out.toAttributedString();
    return line.columnLength() > width ? line.columnSubSequence(0, width) : line;
  }

  private static AttributedString row(TopModel.Row r, boolean selected, Instant now, int width) {
    String files =
        r.files().isEmpty()
            ? "-"
            : r.files().get(0) + (r.files().size() > 1 ? " +" + (r.files().size() - 1) : "");
    String text =
        columns(
            width,
            selected ? "▶" : " ",
            Format.roleTag(r.role()),
            r.id(),
            r.state().symbol() + " " + r.state().label(),
            files,
            r.branch() == null ? "-" : r.branch(),
            r.git(),
            r.lastSeen() == null
                ? "-"
                : Format.duration(java.time.Duration.between(r.lastSeen(), now)),
            r.unread() == 0 ? "" : String.valueOf(r.unread()));
    AttributedStyle style =
        selected ? SELECTED : r.state() == InstanceState.GONE ? DIM : AttributedStyle.DEFAULT;
    return new AttributedString(text, style);
  }

  /**
   * The columns of an instance row. Files and branch share what the others leave, the branch at
   * most 24 wide; on a narrow screen both shrink, the files never below 8.
   */
  private static String columns(int width, String... c) {
    int[] w = {1, 4, 16, 13, 0, 0, 10, 7, 3};
    int fixed = 0;
    for (int x : w) {
      fixed += x + 1;
    }
    int rest = Math.max(16, width - fixed - 2);
    w[5] = Math.min(24, Math.max(8, rest / 2));
    w[4] = Math.max(8, rest - w[5]);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < c.length; i++) {
      String cell = Format.safe(c[i] == null ? "" : c[i]);
      s.append(pad(cell, w[i])).append(' ');
    }
    return fit(s.toString().stripTrailing(), width);
  }

  private static AttributedString rule(String title, int width) {
    String head = "┈ " + title + " ";
    return new AttributedString(
        fit(head + "┈".repeat(Math.max(0, width - head.length())), width), DIM);
  }

  private static AttributedString plain(String text, int width) {
    return new AttributedString(fit(Format.safe(text), width));
  }

  private static String pad(String s, int width) {
    if (s.length() > width) {
      return width <= 1 ? s.substring(0, width) : s.substring(0, width - 1) + "…";
    }
    return s + " ".repeat(width - s.length());
  }

  static String fit(String s, int width) {
    return s.length() <= width
        ? s
        : width <= 1 ? s.substring(0, Math.max(0, width)) : s.substring(0, width - 1) + "…";
  }

  /** The frame as plain text, one line each, for {@code --once} and tests. */
  static String text(List<AttributedString> lines) {
    StringBuilder out = new StringBuilder();
    for (AttributedString l : lines) {
      out.append(l.toString().stripTrailing()).append('\n');
    }
    return out.toString().replaceAll("\n+$", "\n");
  }
}
