package dev.baton.integrations;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * A TOML configuration file of another tool (Codex's {@code config.toml}), edited as text so that
 * its comments, order and formatting stay as the person left them: whole tables ({@code [a.b]} or
 * {@code [[a.b]]} up to the next header) are removed or added, single lines inserted. The text is
 * parsed before any edit, and again before it is written: a file that is not valid TOML is refused
 * and left untouched, and an edit that would make it invalid is never written. Not thread-safe.
 */
final class TomlText {
  private static final TomlMapper TOML = TomlMapper.builder().build();

  private final Path file;
  private final List<String> lines;

  private TomlText(Path file, List<String> lines) {
    this.file = file;
    this.lines = lines;
  }

  /**
   * Reads the file (a missing one is empty).
   *
   * @throws BatonException naming the file and the problem when it is not valid TOML
   */
  static TomlText read(Path file) {
    try {
      String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
      TomlText toml = new TomlText(file, new ArrayList<>(text.lines().toList()));
      toml.tree();
      return toml;
    } catch (IOException e) {
      throw new BatonException(
          ErrorCode.INTERNAL, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The parsed text, as a tree of objects. */
  JsonNode tree() {
    try {
      return TOML.readTree(text());
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      throw new BatonException(
          ErrorCode.INVALID_REQUEST,
          file
              + " is not valid TOML ("
              + e.getOriginalMessage()
              + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
              + "); fix it by hand, then run setup again");
    }
  }

  /**
   * Removes every table whose key starts with {@code prefix} ({@code [prefix]}, {@code [prefix.x]},
   * {@code [[prefix.y]]}), from its header to the next header.
   *
   * @return true when a table was removed
   */
  boolean removeTables(List<String> prefix) {
    List<Integer> headers = headers();
    boolean removed = false;
    for (int h = headers.size() - 1; h >= 0; h--) {
      int start = headers.get(h);
      List<String> key = headerKey(lines.get(start));
      if (key.size() >= prefix.size() && key.subList(0, prefix.size()).equals(prefix)) {
        int end = h + 1 < headers.size() ? headers.get(h + 1) : lines.size();
        while (end > start + 1 && isCommentOrBlank(lines.get(end - 1))) {
          end--; // the comments just above the next header are that table's
        }
        lines.subList(start, end).clear();
        if (start > 0 && start < lines.size() && lines.get(start - 1).isBlank()) {
          while (start < lines.size() && lines.get(start).isBlank()) {
            lines.remove(start);
          }
        }
        removed = true;
      }
    }
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
      lines.remove(lines.size() - 1);
    }
    return removed;
  }

  private static boolean isCommentOrBlank(String line) {
    return line.isBlank() || line.strip().startsWith("#");
  }

  /** The line of the header {@code [key]}, or -1. */
  int table(List<String> key) {
    for (int line : headers()) {
      if (lines.get(line).strip().startsWith("[[")) {
        continue;
      }
      if (headerKey(lines.get(line)).equals(key)) {
        return line;
      }
    }
    return -1;
  }

  /** Inserts a line right after line {@code index} (a table's header). */
  void insertAfter(int index, String line) {
    lines.add(index + 1, line);
  }

  /** Appends tables at the end, after one empty line. */
  void append(List<String> block) {
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
      lines.remove(lines.size() - 1);
    }
    if (!lines.isEmpty()) {
      lines.add("");
    }
    lines.addAll(block);
  }

  String text() {
    return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
  }

  /**
   * Replaces the file atomically, keeping its permissions ({@code mode} for a new file), once the
   * new text parses.
   *
   * @throws BatonException naming the file when the edit made it invalid (it is left as it was)
   */
  void write(String mode) {
    try {
      TOML.readTree(text());
    } catch (JacksonException e) {
      throw new BatonException(
          ErrorCode.INVALID_REQUEST,
          "cannot add baton's entries to "
              + file
              + " without breaking it ("
              + e.getOriginalMessage()
              + "), so it was left as it was; move the conflicting entry into a [table] of its own"
              + " by hand, then run setup again");
    }
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Set<PosixFilePermission> permissions =
          Files.exists(file)
              ? Files.getPosixFilePermissions(file)
              : PosixFilePermissions.fromString(mode);
      Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      Files.writeString(tmp, text(), StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(tmp, permissions);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new BatonException(
          ErrorCode.INTERNAL, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** A key as TOML writes it: bare when it can be, else a quoted string. */
  static String key(String key) {
    return key.matches("[A-Za-z0-9_-]+") ? key : string(key);
  }

  /** A TOML basic string. */
  static String string(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** A TOML array of basic strings. */
  static String array(List<String> values) {
    return "[" + String.join(", ", values.stream().map(TomlText::string).toList()) + "]";
  }

  /**
   * The lines that are table headers: those starting with {@code [} outside of values (multi-line
   * strings and arrays). The text is valid TOML, so strings and brackets are balanced.
   */
  private List<Integer> headers() {
    List<Integer> headers = new ArrayList<>();
    Scanner scanner = new Scanner();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (scanner.atTopLevel() && line.strip().startsWith("[")) {
        headers.add(i);
      } else {
        scanner.scan(line);
      }
    }
    return headers;
  }

  /** The dotted key of a header line ({@code [a."b c".d]} is a, b c, d). */
  static List<String> headerKey(String header) {
    String s = header.strip();
    int i = s.startsWith("[[") ? 2 : 1;
    List<String> key = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '"') {
        i = Scanner.basicString(s, i + 1, part);
      } else if (c == '\'') {
        int end = s.indexOf('\'', i + 1);
        part.append(s, i + 1, end);
        i = end + 1;
      } else if (c == '.' || c == ']') {
        key.add(part.toString());
        part.setLength(0);
        i++;
        if (c == ']') {
          break;
        }
      } else {
        if (!Character.isWhitespace(c)) {
          part.append(c);
        }
        i++;
      }
    }
    return key;
  }

  /** Follows strings, comments and brackets across the lines of values. */
  private static final class Scanner {
    private int depth;
    private String multiline; // the closing quotes of the open multi-line string, or null

    boolean atTopLevel() {
      return depth == 0 && multiline == null;
    }

    void scan(String line) {
      int i = 0;
      while (i < line.length()) {
        if (multiline != null) {
          int end = closing(line, i, multiline);
          if (end < 0) {
            return;
          }
          multiline = null;
          i = end;
          continue;
        }
        char c = line.charAt(i);
        if (c == '#') {
          return;
        } else if (line.startsWith("\"\"\"", i) || line.startsWith("'''", i)) {
          multiline = line.substring(i, i + 3);
          i += 3;
        } else if (c == '"') {
          i = basicString(line, i + 1, new StringBuilder());
        } else if (c == '\'') {
          int end = line.indexOf('\'', i + 1);
          i = end < 0 ? line.length() : end + 1;
        } else {
          if (c == '[' || c == '{') {
            depth++;
          } else if (c == ']' || c == '}') {
            depth--;
          }
          i++;
        }
      }
    }

    /** Where the text after the closing quotes starts, or -1 when they are not on this line. */
    private static int closing(String line, int from, String quotes) {
      for (int i = from; i < line.length(); i++) {
        if (quotes.startsWith("\"") && line.charAt(i) == '\\') {
          i++;
        } else if (line.startsWith(quotes, i)) {
          int end = i + 3;
          while (end < line.length() && line.charAt(end) == quotes.charAt(0)) {
            end++; // up to two more quotes belong to the string
          }
          return end;
        }
      }
      return -1;
    }

    /** Reads a basic string from after its opening quote; returns the index after its end. */
    static int basicString(String s, int from, StringBuilder out) {
      int i = from;
      while (i < s.length() && s.charAt(i) != '"') {
        if (s.charAt(i) == '\\' && i + 1 < s.length()) {
          i++;
          char e = s.charAt(i);
          switch (e) {
            case 'n' -> out.append('\n');
            case 't' -> out.append('\t');
            case 'r' -> out.append('\r');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'u', 'U' -> {
              int len = e == 'u' ? 4 : 8;
              out.appendCodePoint(Integer.parseInt(s.substring(i + 1, i + 1 + len), 16));
              i += len;
            }
            default -> out.append(e);
          }
        } else {
          out.append(s.charAt(i));
        }
        i++;
      }
      return i + 1;
    }
  }
}
