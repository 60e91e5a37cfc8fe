package dev.baton.memory.internal;

import dev.baton.core.InvalidInputException;
import dev.baton.memory.ConPortImport;
import dev.baton.memory.ContextKind;
import dev.baton.memory.MemoryKind;
import dev.baton.memory.NewMemoryItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a ConPort database (context.db, its SQLite schema: product_context, active_context,
 * decisions, progress_entries, system_patterns, custom_data, context_links and the two context
 * history tables) read-only, into a {@link ConPortImport}. ConPort's times are UTC without a zone.
 */
final class ConPortReader {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final List<String> REQUIRED =
      List.of(
          "product_context",
          "active_context",
          "decisions",
          "progress_entries",
          "system_patterns",
          "custom_data");

  private ConPortReader() {}

  static ConPortImport read(Path file, String workspace, Instant now) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException(
          "no file " + file + ": give the path of ConPort's context.db");
    }
    String url = "jdbc:sqlite:file:" + file.toAbsolutePath() + "?mode=ro";
    try (Connection c = DriverManager.getConnection(url)) {
      Set<String> tables = tables(c);
      for (String t : REQUIRED) {
        if (!tables.contains(t)) {
          throw new InvalidInputException(
              file + " is not a ConPort database: it has no table '" + t + "'");
        }
      }
      List<ConPortImport.Item> items = new ArrayList<>(decisions(c, workspace, now));
      items.addAll(progress(c, workspace, now));
      items.addAll(patterns(c, workspace, now));
      items.addAll(custom(c, workspace, now));
      List<ConPortImport.Link> links = tables.contains("context_links") ? links(c, now) : List.of();
      List<ConPortImport.Context> contexts = new ArrayList<>();
      for (ContextKind kind : ContextKind.values()) {
        contexts.add(context(c, kind, tables.contains(kind.wireName() + "_context_history")));
      }
      return new ConPortImport(items, links, contexts);
    } catch (SQLException e) {
      throw new InvalidInputException(
          file
              + " is not a ConPort database: "
              + e.getMessage().replaceFirst("^\\[.*?\\]\\s*", ""));
    }
  }

  private static Set<String> tables(Connection c) throws SQLException {
    return new HashSet<>(
        rows(c, "SELECT name FROM sqlite_master WHERE type = 'table'", rs -> rs.getString(1)));
  }

  /** Reads one row into a value. */
  @FunctionalInterface
  private interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private static <T> List<T> rows(Connection c, String sql, Row<T> row) throws SQLException {
    List<T> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(row.read(rs));
      }
    }
    return out;
  }

  /** An item of one kind; the fields are those of {@link NewMemoryItem}. */
  private static ConPortImport.Item item(
      String table,
      ResultSet rs,
      NewMemoryItem item,
      String parentOrigin,
      Instant createdAt,
      Instant updatedAt)
      throws SQLException {
    return new ConPortImport.Item(
        "conport:" + table + ":" + rs.getLong("id"), item, parentOrigin, createdAt, updatedAt);
  }

  private static List<ConPortImport.Item> decisions(Connection c, String workspace, Instant now)
      throws SQLException {
    return rows(
        c,
        "SELECT id, timestamp, summary, rationale, implementation_details, tags"
            + " FROM decisions ORDER BY id",
        rs -> {
          Instant at = time(rs.getString("timestamp"), now);
          return item(
              "decisions",
              rs,
              new NewMemoryItem(
                  workspace,
                  MemoryKind.DECISION,
                  rs.getString("summary"),
                  null,
                  rs.getString("rationale"),
                  rs.getString("implementation_details"),
                  null,
                  null,
                  tags(rs.getString("tags")),
                  null,
                  false),
              null,
              at,
              at);
        });
  }

  private static List<ConPortImport.Item> progress(Connection c, String workspace, Instant now)
      throws SQLException {
    return rows(
        c,
        "SELECT id, timestamp, status, description, parent_id FROM progress_entries ORDER BY id",
        rs -> {
          Instant at = time(rs.getString("timestamp"), now);
          long parent = rs.getLong("parent_id");
          String parentOrigin = rs.wasNull() ? null : "conport:progress_entries:" + parent;
          return item(
              "progress_entries",
              rs,
              new NewMemoryItem(
                  workspace,
                  MemoryKind.PROGRESS,
                  rs.getString("description"),
                  null,
                  null,
                  null,
                  rs.getString("status"),
                  null,
                  List.of(),
                  null,
                  false),
              parentOrigin,
              at,
              at);
        });
  }

  private static List<ConPortImport.Item> patterns(Connection c, String workspace, Instant now)
      throws SQLException {
    return rows(
        c,
        "SELECT * FROM system_patterns ORDER BY id",
        rs -> {
          Instant created = time(column(rs, "timestamp_created"), now);
          return item(
              "system_patterns",
              rs,
              new NewMemoryItem(
                  workspace,
                  MemoryKind.SYSTEM_PATTERN,
                  rs.getString("name"),
                  null,
                  rs.getString("description"),
                  null,
                  null,
                  null,
                  tags(column(rs, "tags")),
                  null,
                  false),
              null,
              created,
              time(column(rs, "timestamp_updated"), created));
        });
  }

  private static List<ConPortImport.Item> custom(Connection c, String workspace, Instant now)
      throws SQLException {
    return rows(
        c,
        "SELECT * FROM custom_data ORDER BY id",
        rs -> {
          Instant created = time(column(rs, "timestamp_created"), now);
          return item(
              "custom_data",
              rs,
              new NewMemoryItem(
                  workspace,
                  MemoryKind.CUSTOM_DATA,
                  rs.getString("key"),
                  rs.getString("category"),
                  rs.getString("value"),
                  null,
                  null,
                  null,
                  List.of(),
                  null,
                  false),
              null,
              created,
              time(column(rs, "timestamp_updated"), created));
        });
  }

  private static List<ConPortImport.Link> links(Connection c, Instant now) throws SQLException {
    return rows(
        c,
        "SELECT * FROM context_links ORDER BY id",
        rs ->
            new ConPortImport.Link(
                "conport:context_links:" + rs.getLong("id"),
                origin(rs.getString("source_item_type"), rs.getString("source_item_id")),
                origin(rs.getString("target_item_type"), rs.getString("target_item_id")),
                rs.getString("relationship_type"),
                rs.getString("description"),
                time(rs.getString("timestamp"), now)));
  }

  /** The origin of a linked item as ConPort names its type, or a description when unknown. */
  private static String origin(String type, String id) {
    String table =
        switch (type == null ? "" : type.toLowerCase(Locale.ROOT)) {
          case "decision", "decisions" -> "decisions";
          case "progress", "progress_entry", "progress_entries" -> "progress_entries";
          case "system_pattern", "system_patterns" -> "system_patterns";
          case "custom_data" -> "custom_data";
          default -> null;
        };
    if (table == null || id == null || !id.strip().matches("[0-9]{1,18}")) {
      return "unlinkable:" + type + " " + id;
    }
    return "conport:" + table + ":" + id.strip();
  }

  private static ConPortImport.Context context(Connection c, ContextKind kind, boolean withHistory)
      throws SQLException {
    String table = kind.wireName() + "_context";
    List<Map<String, Object>> current =
        rows(
            c,
            "SELECT content FROM " + table + " WHERE id = 1",
            rs -> object(rs.getString(1), table));
    List<Map<String, Object>> history =
        withHistory
            ? rows(
                c,
                "SELECT content FROM " + table + "_history ORDER BY version, id",
                rs -> object(rs.getString(1), table + "_history"))
            : List.of();
    return new ConPortImport.Context(kind, current.isEmpty() ? Map.of() : current.get(0), history);
  }

  private static Map<String, Object> object(String json, String table) {
    try {
      Map<String, Object> m = JSON.readValue(json == null ? "{}" : json, OBJECT);
      return m == null ? Map.of() : m;
    } catch (JacksonException e) {
      throw new InvalidInputException(
          "the content in ConPort's " + table + " is not a JSON object: " + e.getOriginalMessage());
    }
  }

  private static List<String> tags(String json) {
    if (json == null || json.isBlank()) {
      return List.of();
    }
    try {
      List<String> tags = JSON.readValue(json, STRINGS);
      return tags == null
          ? List.of()
          : tags.stream().filter(t -> t != null && !t.isBlank()).toList();
    } catch (JacksonException e) {
      return List.of(json.strip());
    }
  }

  private static String column(ResultSet rs, String name) {
    try {
      return rs.getString(name);
    } catch (SQLException e) {
      return null; // an older ConPort without this column
    }
  }

  /** ConPort writes {@code 2025-06-01 12:34:56[.ffffff]} (UTC), or ISO-8601. */
  static Instant time(String text, Instant fallback) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    String t = text.strip();
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        return fallback;
      }
    }
  }
}
