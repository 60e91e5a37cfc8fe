package dev.baton.memory.internal;

import static dev.baton.memory.internal.MarkdownFormat.isBullet;
import static dev.baton.memory.internal.MarkdownFormat.unfield;

import dev.baton.core.InvalidInputException;
import dev.baton.memory.ConPortImport;
import dev.baton.memory.ContextKind;
import dev.baton.memory.MemoryKind;
import dev.baton.memory.NewMemoryItem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

/**
 * Reads a folder in the layout of ConPort's markdown export, with or without baton's markers, into
 * items ready for one import. Every item's origin is {@code markdown:<file>:<key>}, the key being
 * the exported item's id and creation time from its marker, or a digest of its text without one, so
 * that reading the same folder again yields the same origins.
 */
final class MarkdownReader {
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  /**
   * An item and where it was written.
   *
   * @param exportedId the item's id where it was exported from (its marker); null without one
   */
  record Entry(String file, int line, Long exportedId, ConPortImport.Item item) {}

  /** What a folder holds. */
  record Folder(List<Entry> entries, List<ConPortImport.Context> contexts, List<String> files) {}

  /** A marker line's fields. */
  private record Marker(String kind, Map<String, Object> fields, int line) {}

  /** A heading, the marker above it, and the lines below it up to the next heading. */
  private record Section(int level, String title, int line, Marker marker, List<String> body) {}

  private final Path dir;
  private final String workspace;
  private final Instant now;
  private String file;
  private final List<Entry> entries = new ArrayList<>();
  private final Map<String, String> originById = new java.util.HashMap<>();

  private MarkdownReader(Path dir, String workspace, Instant now) {
    this.dir = dir;
    this.workspace = workspace;
    this.now = now;
  }

  /**
   * @param confine the real path of a file, refused when it lies outside the workspace
   * @throws InvalidInputException naming the file and line of anything not in the expected shape
   */
  static Folder read(Path dir, String workspace, Instant now, UnaryOperator<Path> confine) {
    return new MarkdownReader(dir, workspace, now).read(confine);
  }

  private Folder read(UnaryOperator<Path> confine) {
    List<String> files = new ArrayList<>();
    for (String f :
        List.of(
            MarkdownFormat.PRODUCT,
            MarkdownFormat.ACTIVE,
            MarkdownFormat.DECISIONS,
            MarkdownFormat.PROGRESS,
            MarkdownFormat.PATTERNS)) {
      if (Files.isRegularFile(dir.resolve(f))) {
        files.add(f);
      }
    }
    Path custom = dir.resolve(MarkdownFormat.CUSTOM);
    if (Files.isDirectory(custom)) {
      try (Stream<Path> s = Files.list(custom)) {
        s.filter(p -> p.getFileName().toString().endsWith(".md"))
            .filter(Files::isRegularFile)
            .map(p -> MarkdownFormat.CUSTOM + "/" + p.getFileName())
            .sorted()
            .forEach(files::add);
      } catch (IOException e) {
        throw new InvalidInputException("cannot list " + custom + ": " + e.getMessage());
      }
    }
    if (files.isEmpty()) {
      throw new InvalidInputException(
          dir
              + " holds none of ConPort's markdown files ("
              + String.join(", ", MarkdownFormat.PRODUCT, MarkdownFormat.ACTIVE)
              + ", "
              + String.join(", ", MarkdownFormat.DECISIONS, MarkdownFormat.PROGRESS)
              + ", "
              + MarkdownFormat.PATTERNS
              + ", custom_data/*.md): export_conport_to_markdown writes them");
    }
    List<ConPortImport.Context> contexts = new ArrayList<>();
    for (String f : files) {
      file = f;
      List<String> lines = lines(confine.apply(dir.resolve(f)));
      switch (f) {
        case MarkdownFormat.PRODUCT -> context(lines, ContextKind.PRODUCT, contexts);
        case MarkdownFormat.ACTIVE -> context(lines, ContextKind.ACTIVE, contexts);
        case MarkdownFormat.DECISIONS -> decisions(sections(lines));
        case MarkdownFormat.PROGRESS -> progress(lines);
        case MarkdownFormat.PATTERNS -> patterns(sections(lines));
        default -> custom(sections(lines), f);
      }
    }
    return new Folder(entries.stream().map(this::withParent).toList(), contexts, files);
  }

  /** A subtask's parent, named by its exported id in the marker, by its origin. */
  private Entry withParent(Entry e) {
    ConPortImport.Item i = e.item();
    if (i.parentOrigin() == null) {
      return e;
    }
    return new Entry(
        e.file(),
        e.line(),
        e.exportedId(),
        new ConPortImport.Item(
            i.origin(),
            i.item(),
            originById.get(e.file() + ":" + i.parentOrigin()),
            i.createdAt(),
            i.updatedAt()));
  }

  private List<String> lines(Path p) {
    try {
      return List.of(Files.readString(p, StandardCharsets.UTF_8).split("\\R", -1));
    } catch (IOException e) {
      throw new InvalidInputException(
          "cannot read " + p + " (UTF-8 markdown expected): " + e, Map.of("file", p.toString()));
    }
  }

  private InvalidInputException bad(int line, String problem) {
    return new InvalidInputException(
        dir.resolve(file) + " line " + line + ": " + problem + "; nothing was imported",
        Map.of("file", dir.resolve(file).toString(), "line", line));
  }

  /** Headings with their markers and bodies; fenced blocks are body, whatever they hold. */
  private List<Section> sections(List<String> lines) {
    List<Section> out = new ArrayList<>();
    Marker pending = null;
    List<String> body = new ArrayList<>();
    boolean fenced = false;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      int n = i + 1;
      if (fenced || l.startsWith("```")) {
        fenced = fenced != l.startsWith("```");
        body.add(l);
      } else if (MarkdownFormat.isMarker(l)) {
        if (pending != null) {
          throw bad(pending.line(), "the marker is not followed by a heading");
        }
        pending = marker(l, n);
      } else if (l.startsWith("#")) {
        int level = l.indexOf(' ') < 0 ? l.length() : l.indexOf(' ');
        body = new ArrayList<>();
        out.add(new Section(level, l.substring(level).strip(), n, pending, body));
        pending = null;
      } else if (l.stripTrailing().equals("---")) {
        if (pending != null) {
          throw bad(pending.line(), "the marker is not followed by a heading");
        }
        body = new ArrayList<>(); // what follows a separator belongs to no heading until the next
      } else {
        body.add(l);
      }
    }
    if (pending != null) {
      throw bad(pending.line(), "the marker is not followed by a heading");
    }
    return out;
  }

  private Marker marker(String line, int n) {
    String[] m = MarkdownFormat.parseMarker(line);
    if (m == null) {
      throw bad(n, "a baton marker must read <!-- baton:KIND {JSON} -->");
    }
    try {
      return new Marker(m[0], MarkdownFormat.JSON.readValue(m[1], OBJECT), n);
    } catch (JacksonException e) {
      throw bad(n, "the marker's JSON is malformed: " + e.getOriginalMessage());
    }
  }

  private void decisions(List<Section> sections) {
    String[] d = null; // summary, rationale, details
    Section head = null;
    for (Section s : sections) {
      if (s.level() == 1) {
        continue;
      }
      switch (s.level() == 2 ? s.title() : "") {
        case "Decision" -> {
          add(head, d);
          head = s;
          d = new String[] {unfield(s.body()), null, null};
        }
        case "Rationale", "Implementation Details" -> {
          if (d == null) {
            throw bad(s.line(), "'## " + s.title() + "' comes before any '## Decision'");
          }
          d[s.title().equals("Rationale") ? 1 : 2] = unfield(s.body());
        }
        default ->
            throw bad(
                s.line(),
                "unexpected heading '"
                    + s.title()
                    + "': a decision has '## Decision', '## Rationale' and"
                    + " '## Implementation Details'");
      }
    }
    add(head, d);
  }

  private void add(Section head, String[] d) {
    if (head == null) {
      return;
    }
    Instant[] shown = {null};
    String summary = d[0] == null ? null : MarkdownFormat.withoutStamp(d[0], shown);
    if (summary == null || summary.isBlank()) {
      throw bad(head.line(), "the decision has no summary ('*   summary' below '## Decision')");
    }
    NewMemoryItem item =
        new NewMemoryItem(
            workspace,
            MemoryKind.DECISION,
            summary,
            null,
            d[1],
            d[2],
            null,
            null,
            null,
            null,
            false);
    entry(head.line(), head.marker(), MemoryKind.DECISION, item, shown[0], d[0]);
  }

  private void progress(List<String> lines) {
    String status = "TODO";
    Marker pending = null;
    int start = 0;
    Marker startMarker = null;
    String startStatus = null;
    List<String> task = null;
    for (int i = 0; i <= lines.size(); i++) {
      String l = i == lines.size() ? "# end" : lines.get(i);
      int n = i + 1;
      boolean ends = isBullet(l) || MarkdownFormat.isStructural(l);
      if (task != null && ends) {
        task(start, startMarker, startStatus, task);
        task = null;
      }
      if (MarkdownFormat.isMarker(l)) {
        if (pending != null) {
          throw bad(pending.line(), "the marker is not followed by a task ('*   description')");
        }
        pending = marker(l, n);
      } else if (l.startsWith("#")) {
        if (pending != null) {
          throw bad(pending.line(), "the marker is not followed by a task ('*   description')");
        }
        if (l.startsWith("## ")) {
          status = status(l.substring(3).strip());
        }
      } else if (isBullet(l)) {
        task = new ArrayList<>(List.of(l));
        start = n;
        startMarker = pending;
        startStatus = status;
        pending = null;
      } else if (task != null && (l.isBlank() || l.startsWith(" ") || l.startsWith("\t"))) {
        task.add(l);
      } else if (!l.isBlank() && !l.stripTrailing().equals("---")) {
        throw bad(n, "expected a task ('*   description') or a status heading ('## TODO Tasks')");
      }
    }
  }

  /** A status from ConPort's section headings; {@code BLOCKED Tasks} is BLOCKED. */
  private static String status(String heading) {
    return switch (heading) {
      case "Completed Tasks" -> "DONE";
      case "In Progress Tasks", "Current Tasks" -> "IN_PROGRESS";
      case "TODO Tasks", "Next Steps" -> "TODO";
      default -> heading.endsWith(" Tasks") ? heading.substring(0, heading.length() - 6) : heading;
    };
  }

  private void task(int line, Marker marker, String status, List<String> lines) {
    String text = unfield(lines);
    Instant[] shown = {null};
    String description = MarkdownFormat.withoutStamp(text, shown);
    if (description.isBlank()) {
      throw bad(line, "the task has no description");
    }
    String exact = marker == null ? null : string(marker, "status");
    NewMemoryItem item =
        new NewMemoryItem(
            workspace,
            MemoryKind.PROGRESS,
            description,
            null,
            null,
            null,
            exact == null ? status : exact,
            null,
            null,
            null,
            false);
    entry(line, marker, MemoryKind.PROGRESS, item, shown[0], status + " " + text);
  }

  private void patterns(List<Section> sections) {
    for (Section s : sections) {
      if (s.level() == 1) {
        continue;
      }
      if (s.level() != 2 || s.title().isBlank()) {
        throw bad(s.line(), "expected a pattern's name as '## name'");
      }
      List<String> body = new ArrayList<>(MarkdownFormat.trim(s.body()));
      Instant[] shown = {null};
      if (!body.isEmpty()
          && isBullet(body.get(0))
          && MarkdownFormat.withoutStamp(unfield(body.subList(0, 1)), shown).isBlank()) {
        body.remove(0);
      }
      NewMemoryItem item =
          new NewMemoryItem(
              workspace,
              MemoryKind.SYSTEM_PATTERN,
              s.title(),
              null,
              unfield(body),
              null,
              null,
              null,
              null,
              null,
              false);
      entry(s.line(), s.marker(), MemoryKind.SYSTEM_PATTERN, item, shown[0], s.title());
    }
  }

  private void custom(List<Section> sections, String f) {
    String stem = f.substring(MarkdownFormat.CUSTOM.length() + 1, f.length() - 3);
    String category = stem;
    for (Section s : sections) {
      if (s.level() == 1) {
        if (s.title().startsWith("Custom Data:")) {
          category = s.title().substring("Custom Data:".length()).strip();
        }
        continue;
      }
      if (s.level() != 3 || s.title().isBlank()) {
        throw bad(s.line(), "expected a custom data key as '### key'");
      }
      String exact = s.marker() == null ? null : string(s.marker(), "category");
      NewMemoryItem item =
          new NewMemoryItem(
              workspace,
              MemoryKind.CUSTOM_DATA,
              s.title(),
              exact == null ? category : exact,
              value(s),
              null,
              null,
              null,
              null,
              null,
              false);
      Instant[] shown = {null};
      for (String l : s.body()) {
        if (isBullet(l)) {
          MarkdownFormat.withoutStamp(unfield(List.of(l)), shown);
          break;
        }
      }
      entry(s.line(), s.marker(), MemoryKind.CUSTOM_DATA, item, shown[0], s.title());
    }
  }

  /** The value in the section's fenced block, as JSON text; ConPort writes strings unquoted. */
  private String value(Section s) {
    List<String> body = s.body();
    int open = -1;
    for (int i = 0; i < body.size() && open < 0; i++) {
      if (body.get(i).startsWith("```")) {
        open = i;
      }
    }
    int close = open + 1;
    while (open >= 0 && close < body.size() && !body.get(close).startsWith("```")) {
      close++;
    }
    if (open < 0 || close >= body.size()) {
      throw bad(s.line(), "custom data '" + s.title() + "' has no value in a ```json block");
    }
    String text = String.join("\n", body.subList(open + 1, close));
    try {
      return MarkdownFormat.JSON.writeValueAsString(MarkdownFormat.JSON.readTree(text));
    } catch (JacksonException e) {
      if (s.marker() != null) {
        throw bad(
            s.line() + open + 2,
            "the value of '" + s.title() + "' is not JSON: " + e.getOriginalMessage());
      }
      return MarkdownFormat.JSON.writeValueAsString(text.strip()); // ConPort's own: a string
    }
  }

  private void context(List<String> lines, ContextKind kind, List<ConPortImport.Context> out) {
    Map<String, Object> content = null;
    for (int i = 0; i < lines.size() && content == null; i++) {
      if (MarkdownFormat.isMarker(lines.get(i))) {
        Marker m = marker(lines.get(i), i + 1);
        if (!"context".equals(m.kind()) || !kind.wireName().equals(m.fields().get("kind"))) {
          throw bad(i + 1, "expected the marker of the " + kind.wireName() + " context");
        }
        if (!(m.fields().get("content") instanceof Map<?, ?> c)) {
          throw bad(i + 1, "the marker has no 'content' object");
        }
        content = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : c.entrySet()) {
          content.put(String.valueOf(e.getKey()), e.getValue());
        }
      }
    }
    if (content == null) {
      content = new LinkedHashMap<>();
      for (Section s : sections(lines)) {
        if (s.level() == 2) {
          content.put(
              s.title().strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", "_"), section(s));
        }
      }
    }
    if (!content.isEmpty()) {
      out.add(new ConPortImport.Context(kind, content, List.of()));
    }
  }

  /** A context section without a marker: a JSON block, a list, or text. */
  private Object section(Section s) {
    List<String> body = MarkdownFormat.trim(s.body());
    if (!body.isEmpty() && body.get(0).startsWith("```")) {
      return MarkdownFormat.JSON.readValue(value(s), Object.class);
    }
    List<String> items = new ArrayList<>();
    for (String l : body) {
      if (isBullet(l)) {
        items.add(unfield(List.of(l)));
      } else if (!l.isBlank() && !l.startsWith(" ")) {
        return String.join("\n", body);
      } else if (!items.isEmpty() && !l.isBlank()) {
        items.set(items.size() - 1, items.get(items.size() - 1) + "\n" + l.strip());
      }
    }
    return items;
  }

  /**
   * Records an item: its marker, when there is one, gives the exact status, parent, tags, author,
   * privacy and times; else the time shown in the text, or now.
   */
  private void entry(
      int line, Marker m, MemoryKind kind, NewMemoryItem n, Instant shown, String text) {
    Map<String, Object> f = Map.of();
    if (m != null) {
      if (!kind.wireName().equals(m.kind())) {
        throw bad(m.line(), "a " + m.kind() + " marker above a " + kind.wireName());
      }
      f = m.fields();
    }
    Instant created = time(f, "created", line, shown == null ? now : shown);
    Instant updated = time(f, "updated", line, created);
    String id = f.get("id") == null ? null : String.valueOf(f.get("id"));
    String key = id == null ? "sha-" + digest(kind.wireName() + "\n" + text) : id + "@" + created;
    String parent = f.get("parent") == null ? null : String.valueOf(f.get("parent"));
    NewMemoryItem item =
        new NewMemoryItem(
            n.workspace(),
            kind,
            n.title(),
            n.category(),
            n.body(),
            n.details(),
            n.status(),
            null,
            tags(f, m),
            string(m, "by"),
            Boolean.TRUE.equals(f.get("private")));
    String origin = "markdown:" + file + ":" + key;
    if (id != null) {
      originById.put(file + ":" + id, origin);
    }
    entries.add(
        new Entry(
            file,
            line,
            id != null && id.matches("[0-9]{1,18}") ? Long.valueOf(id) : null,
            new ConPortImport.Item(origin, item, parent, created, updated)));
  }

  private Instant time(Map<String, Object> f, String key, int line, Instant fallback) {
    Object v = f.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Instant.parse(String.valueOf(v));
    } catch (DateTimeParseException e) {
      throw bad(line, "'" + key + "' in the marker is not an ISO-8601 time: " + v);
    }
  }

  private List<String> tags(Map<String, Object> f, Marker m) {
    Object v = f.get("tags");
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw bad(m.line(), "'tags' in the marker must be a list of strings");
    }
    return list.stream().map(String::valueOf).toList();
  }

  private static String string(Marker m, String key) {
    Object v = m == null ? null : m.fields().get(key);
    return v == null ? null : String.valueOf(v);
  }

  private static String digest(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
