package dev.baton.memory.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shape shared by the markdown export and import, ConPort's layout plus one marker line before
 * each entry: {@code <!-- baton:decision {"id": 12, "tags": [...], ...} -->}. A text field is
 * written as a list item whose further lines are indented by four spaces, so that no line of a text
 * can be taken for a heading, a separator or a marker.
 */
final class MarkdownFormat {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final String DEFAULT_FOLDER = "conport_export";
  static final String PRODUCT = "product_context.md";
  static final String ACTIVE = "active_context.md";
  static final String DECISIONS = "decision_log.md";
  static final String PROGRESS = "progress_log.md";
  static final String PATTERNS = "system_patterns.md";
  static final String CUSTOM = "custom_data";

  private static final Pattern MARKER = Pattern.compile("^<!-- baton:([a-z_]+) (\\{.*\\}) -->$");
  private static final Pattern BULLET = Pattern.compile("^[*-](?: {3}| ?)");
  private static final Pattern STAMP =
      Pattern.compile("^\\[\\d{4}-\\d\\d-\\d\\d[ T]\\d\\d:\\d\\d(?::\\d\\d(?:\\.\\d+)?)?Z?\\]\\s?");
  private static final DateTimeFormatter SHOWN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private MarkdownFormat() {}

  /** The marker line of one entry; {@code >} is escaped so the comment cannot end early. */
  static String marker(String kind, Map<String, Object> fields) {
    return "<!-- baton:"
        + kind
        + " "
        + JSON.writeValueAsString(fields).replace(">", "\\u003e")
        + " -->";
  }

  /** A marker line's kind and JSON text, or null when the line is no marker. */
  static String[] parseMarker(String line) {
    Matcher m = MARKER.matcher(line);
    return m.matches() ? new String[] {m.group(1), m.group(2)} : null;
  }

  static boolean isMarker(String line) {
    return line.startsWith("<!-- baton:");
  }

  /** A line that ends a section: a heading, a separator or a marker. */
  static boolean isStructural(String line) {
    return line.startsWith("#") || line.stripTrailing().equals("---") || isMarker(line);
  }

  static boolean isBullet(String line) {
    return line.startsWith("* ") || line.startsWith("- ") || line.equals("*");
  }

  /** {@code [2026-11-21 10:00:00]}, as ConPort shows a time. */
  static String stamp(Instant at) {
    return "[" + SHOWN.format(at) + "]";
  }

  /** The text without a leading time as {@link #stamp} writes it; the time is in {@code at[0]}. */
  static String withoutStamp(String text, Instant[] at) {
    Matcher m = STAMP.matcher(text);
    if (!m.find()) {
      return text;
    }
    String shown = m.group().strip();
    at[0] = ConPortReader.time(shown.substring(1, shown.length() - 1).replace("Z", ""), null);
    return text.substring(m.end());
  }

  /** A text field: the first line as a list item, the others indented by four spaces. */
  static void field(StringBuilder out, String text) {
    String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
    out.append("*   ").append(lines[0]).append('\n');
    for (int i = 1; i < lines.length; i++) {
      out.append(lines[i].isEmpty() ? "" : "    " + lines[i]).append('\n');
    }
  }

  /**
   * The text of a field written by {@link #field}, or of ConPort's own lines: the list marker of
   * the first line and up to four spaces of indentation of the others are removed.
   */
  static String unfield(List<String> lines) {
    List<String> out = new ArrayList<>(trim(lines));
    if (out.isEmpty()) {
      return null;
    }
    Matcher first = BULLET.matcher(out.get(0));
    if (first.find()) {
      out.set(0, out.get(0).substring(first.end()));
    }
    for (int i = 1; i < out.size(); i++) {
      String l = out.get(i);
      out.set(i, l.startsWith("    ") ? l.substring(4) : l);
    }
    return String.join("\n", out);
  }

  /** The lines without blank lines at either end. */
  static List<String> trim(List<String> lines) {
    int from = 0;
    int to = lines.size();
    while (from < to && lines.get(from).isBlank()) {
      from++;
    }
    while (to > from && lines.get(to - 1).isBlank()) {
      to--;
    }
    return lines.subList(from, to);
  }

  /** A title on one heading line. */
  static String oneLine(String title) {
    return title.replace("\r\n", " ").replace('\r', ' ').replace('\n', ' ');
  }

  /** A custom data category as a file name: letters, digits, {@code -} and {@code _}. */
  static String fileName(String category) {
    StringBuilder s = new StringBuilder();
    category
        .codePoints()
        .forEach(
            c ->
                s.append(
                    c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_')
                        ? (char) c
                        : '_'));
    return s.length() == 0 ? "_" : s.toString();
  }
}
