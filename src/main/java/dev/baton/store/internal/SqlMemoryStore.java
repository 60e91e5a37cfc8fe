package dev.baton.store.internal;

import dev.baton.events.NewEvent;
import dev.baton.memory.ConPortImport;
import dev.baton.memory.ContextKind;
import dev.baton.memory.HistoryFilter;
import dev.baton.memory.ImportSummary;
import dev.baton.memory.MemoryContext;
import dev.baton.memory.MemoryHit;
import dev.baton.memory.MemoryItem;
import dev.baton.memory.MemoryKind;
import dev.baton.memory.MemoryLink;
import dev.baton.memory.MemoryQuery;
import dev.baton.memory.MemoryStore;
import dev.baton.memory.NewMemoryItem;
import dev.baton.store.StoreKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The memory's store. The tables are the same on both backends; full-text search is SQLite's FTS5
 * (bm25) or PostgreSQL's text search (ts_rank), both with English stemming, every word required,
 * and ranks the newest {@link MemoryQuery#RANKED} matches that pass the filters. Thread-safe.
 */
final class SqlMemoryStore implements MemoryStore {
  private static final String COLUMNS =
      "m.id, m.workspace, m.kind, m.title, m.category, m.body, m.details, m.status, m.parent_id,"
          + " m.tags, m.instance_id, m.private, m.created_at, m.updated_at";
  private static final String LINK_COLUMNS =
      "id, workspace, source_id, target_id, relationship, description, instance_id, created_at";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}_]+");

  private final Database db;

  SqlMemoryStore(Database db) {
    this.db = db;
  }

  @Override
  public MemoryItem log(NewMemoryItem item, Instant at, Function<MemoryItem, NewEvent> event) {
    return db.write(
        "memory.log",
        tx -> {
          MemoryItem stored = put(tx.connection(), item, at);
          tx.emit(event.apply(stored));
          return stored;
        });
  }

  @Override
  public List<MemoryItem> logAll(
      List<NewMemoryItem> items, Instant at, Function<MemoryItem, NewEvent> event) {
    return db.write(
        "memory.log_all",
        tx -> {
          List<MemoryItem> out = new ArrayList<>();
          for (NewMemoryItem item : items) {
            MemoryItem stored = put(tx.connection(), item, at);
            tx.emit(event.apply(stored));
            out.add(stored);
          }
          return out;
        });
  }

  /** Inserts the item, or replaces the custom item or pattern with the same key. */
  private static MemoryItem put(Connection c, NewMemoryItem item, Instant at) throws SQLException {
    Long existing = keyed(c, item);
    long id;
    if (existing != null) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE memory_items SET body = ?, details = ?, tags = ?, instance_id = ?,"
                  + " private = ?, updated_at = ? WHERE id = ?")) {
        ps.setString(1, item.body());
        ps.setString(2, item.details());
        ps.setString(3, JSON.writeValueAsString(item.tags()));
        ps.setString(4, item.instance());
        ps.setInt(5, item.isPrivate() ? 1 : 0);
        ps.setLong(6, at.toEpochMilli());
        ps.setLong(7, existing);
        ps.executeUpdate();
      }
      id = existing;
    } else {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO memory_items (workspace, kind, title, category, body, details,"
                  + " status, parent_id, tags, instance_id, private, created_at, updated_at)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
        ps.setString(1, item.workspace());
        ps.setString(2, item.kind().wireName());
        ps.setString(3, item.title());
        ps.setString(4, item.category());
        ps.setString(5, item.body());
        ps.setString(6, item.details());
        ps.setString(7, item.status());
        if (item.parentId() == null) {
          ps.setNull(8, Types.BIGINT);
        } else {
          ps.setLong(8, item.parentId());
        }
        ps.setString(9, JSON.writeValueAsString(item.tags()));
        ps.setString(10, item.instance());
        ps.setInt(11, item.isPrivate() ? 1 : 0);
        ps.setLong(12, at.toEpochMilli());
        ps.setLong(13, at.toEpochMilli());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          id = rs.getLong(1);
        }
      }
    }
    return find(c, id).orElseThrow();
  }

  @Override
  public Optional<MemoryItem> update(
      long id, NewMemoryItem item, Instant at, Function<MemoryItem, NewEvent> event) {
    return db.write(
        "memory.update",
        tx -> {
          Connection c = tx.connection();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE memory_items SET title = ?, body = ?, details = ?, status = ?,"
                      + " parent_id = ?, tags = ?, updated_at = ? WHERE id = ?")) {
            ps.setString(1, item.title());
            ps.setString(2, item.body());
            ps.setString(3, item.details());
            ps.setString(4, item.status());
            if (item.parentId() == null) {
              ps.setNull(5, Types.BIGINT);
            } else {
              ps.setLong(5, item.parentId());
            }
            ps.setString(6, JSON.writeValueAsString(item.tags()));
            ps.setLong(7, at.toEpochMilli());
            ps.setLong(8, id);
            if (ps.executeUpdate() == 0) {
              return Optional.<MemoryItem>empty();
            }
          }
          MemoryItem stored = find(c, id).orElseThrow();
          tx.emit(event.apply(stored));
          return Optional.of(stored);
        });
  }

  @Override
  public Optional<MemoryItem> findByKey(
      String workspace, MemoryKind kind, String category, String title) {
    return db.read(
        "memory.find_by_key",
        c -> {
          Long id =
              keyed(
                  c,
                  new NewMemoryItem(
                      workspace, kind, title, category, null, null, null, null, null, null, false));
          return id == null ? Optional.<MemoryItem>empty() : find(c, id);
        });
  }

  @Override
  public Optional<MemoryItem> delete(long id, Function<MemoryItem, NewEvent> event) {
    return db.write(
        "memory.delete",
        tx -> {
          Connection c = tx.connection();
          Optional<MemoryItem> item = find(c, id);
          if (item.isEmpty()) {
            return item;
          }
          execute(c, "DELETE FROM memory_links WHERE source_id = ? OR target_id = ?", id, id);
          execute(c, "UPDATE memory_items SET parent_id = NULL WHERE parent_id = ?", id);
          execute(c, "DELETE FROM memory_items WHERE id = ?", id);
          tx.emit(event.apply(item.get()));
          return item;
        });
  }

  private static void execute(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
  }

  /** The id of the pattern or custom item with the same key, which a new one replaces. */
  private static Long keyed(Connection c, NewMemoryItem item) throws SQLException {
    String sql =
        switch (item.kind()) {
          case SYSTEM_PATTERN ->
              "SELECT id FROM memory_items WHERE workspace = ? AND kind = 'system_pattern'"
                  + " AND title = ?";
          case CUSTOM_DATA ->
              "SELECT id FROM memory_items WHERE workspace = ? AND kind = 'custom_data'"
                  + " AND title = ? AND category = ?";
          default -> null;
        };
    if (sql == null) {
      return null;
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, item.workspace());
      ps.setString(2, item.title());
      if (item.kind() == MemoryKind.CUSTOM_DATA) {
        ps.setString(3, item.category());
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  @Override
  public Optional<MemoryItem> find(long id) {
    return db.read("memory.find", c -> find(c, id));
  }

  private static Optional<MemoryItem> find(Connection c, long id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM memory_items m WHERE m.id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(item(rs)) : Optional.empty();
      }
    }
  }

  @Override
  public List<MemoryHit> search(MemoryQuery q) {
    List<String> words = words(q.text());
    if (q.text() != null && !q.text().isBlank() && words.isEmpty()) {
      return List.of(); // only punctuation: nothing can match
    }
    List<Object> filterParams = new ArrayList<>();
    String filters = filters(q, filterParams);
    List<Object> params = new ArrayList<>();
    String sql;
    if (words.isEmpty()) {
      sql =
          "SELECT "
              + COLUMNS
              + ", 0 AS score FROM memory_items m WHERE 1 = 1"
              + filters
              + " ORDER BY m.id DESC LIMIT ?";
      params.addAll(filterParams);
    } else if (db.kind() == StoreKind.SQLITE) {
      // FTS5 walks a word's matches newest first and stops at the cap, so bm25 (lower is better;
      // weights: title, body, details, tags, category) runs on the candidates only.
      sql =
          "WITH candidates AS (SELECT memory_fts.rowid AS id,"
              + " bm25(memory_fts, 8.0, 4.0, 2.0, 4.0, 1.0) AS bm25"
              + " FROM memory_fts JOIN memory_items m ON m.id = memory_fts.rowid"
              + " WHERE memory_fts MATCH ?"
              + filters
              + " ORDER BY memory_fts.rowid DESC LIMIT ?)"
              + " SELECT "
              + COLUMNS
              + ", -c.bm25 AS score FROM candidates c JOIN memory_items m ON m.id = c.id"
              + " ORDER BY score DESC, m.id DESC LIMIT ?";
      params.add(String.join(" ", words.stream().map(w -> "\"" + w + "\"").toList()));
      params.addAll(filterParams);
      params.add(candidates(q));
    } else {
      // The newest matches come from the primary key read backwards (common words) or the GIN
      // index (rare ones); ts_rank reads the tsvector of the candidates only.
      sql =
          "WITH candidates AS (SELECT m.id FROM memory_items m"
              + " WHERE m.search @@ plainto_tsquery('english', ?)"
              + filters
              + " ORDER BY m.id DESC LIMIT ?)"
              + " SELECT "
              + COLUMNS
              + ", ts_rank(m.search, plainto_tsquery('english', ?)) AS score"
              + " FROM candidates c JOIN memory_items m ON m.id = c.id"
              + " ORDER BY score DESC, m.id DESC LIMIT ?";
      params.add(String.join(" ", words));
      params.addAll(filterParams);
      params.add(candidates(q));
      params.add(String.join(" ", words));
    }
    params.add(q.limit());
    return db.read("memory.search", c -> hits(c, sql, params));
  }

  /**
   * How many matches a search ranks: the newest {@link MemoryQuery#RANKED} that pass the filters
   * (or the limit, if it is larger).
   */
  private static int candidates(MemoryQuery q) {
    return Math.max(MemoryQuery.RANKED, q.limit());
  }

  /** The query's filters as {@code AND ...} conditions on {@code m}, their values into params. */
  private static String filters(MemoryQuery q, List<Object> params) {
    StringBuilder sql = new StringBuilder();
    sql.append(" AND m.workspace = ? AND (m.private = 0 OR m.instance_id = ?)");
    params.add(q.workspace());
    params.add(q.viewer());
    if (!q.kinds().isEmpty()) {
      sql.append(" AND m.kind IN (")
          .append(String.join(", ", q.kinds().stream().map(k -> "?").toList()))
          .append(")");
      q.kinds().stream().map(MemoryKind::wireName).sorted().forEach(params::add);
    }
    for (String tag : q.tags()) {
      sql.append(" AND m.tags LIKE ? ESCAPE '\\'");
      params.add("%" + JSON.writeValueAsString(tag).replace("%", "\\%").replace("_", "\\_") + "%");
    }
    if (q.instance() != null) {
      sql.append(" AND m.instance_id = ?");
      params.add(q.instance());
    }
    if (q.status() != null) {
      sql.append(" AND m.status = ?");
      params.add(q.status());
    }
    if (q.since() != null) {
      sql.append(" AND m.updated_at >= ?");
      params.add(q.since().toEpochMilli());
    }
    return sql.toString();
  }

  private static List<MemoryHit> hits(Connection c, String sql, List<Object> params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      List<MemoryHit> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new MemoryHit(item(rs), rs.getDouble("score")));
        }
      }
      return out;
    }
  }

  @Override
  public MemoryLink link(
      String workspace,
      long sourceId,
      long targetId,
      String relationship,
      String description,
      String instance,
      Instant at,
      Function<MemoryLink, NewEvent> event) {
    return db.write(
        "memory.link",
        tx -> {
          Connection c = tx.connection();
          Optional<MemoryLink> existing = existingLink(c, sourceId, targetId, relationship);
          if (existing.isPresent()) {
            return existing.get();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO memory_links (workspace, source_id, target_id, relationship,"
                      + " description, instance_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, workspace);
            ps.setLong(2, sourceId);
            ps.setLong(3, targetId);
            ps.setString(4, relationship);
            ps.setString(5, description);
            ps.setString(6, instance);
            ps.setLong(7, at.toEpochMilli());
            ps.executeUpdate();
          }
          MemoryLink made = existingLink(c, sourceId, targetId, relationship).orElseThrow();
          tx.emit(event.apply(made));
          return made;
        });
  }

  private static Optional<MemoryLink> existingLink(
      Connection c, long sourceId, long targetId, String relationship) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + LINK_COLUMNS
                + " FROM memory_links"
                + " WHERE source_id = ? AND target_id = ? AND relationship = ?")) {
      ps.setLong(1, sourceId);
      ps.setLong(2, targetId);
      ps.setString(3, relationship);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(link(rs)) : Optional.empty();
      }
    }
  }

  @Override
  public List<MemoryLink> links(long itemId, int limit) {
    return db.read(
        "memory.links",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + LINK_COLUMNS
                      + " FROM memory_links"
                      + " WHERE source_id = ? OR target_id = ? ORDER BY id DESC LIMIT ?")) {
            ps.setLong(1, itemId);
            ps.setLong(2, itemId);
            ps.setInt(3, limit);
            List<MemoryLink> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(link(rs));
              }
            }
            return out;
          }
        });
  }

  private static MemoryLink link(ResultSet rs) throws SQLException {
    return new MemoryLink(
        rs.getLong("id"),
        rs.getString("workspace"),
        rs.getLong("source_id"),
        rs.getLong("target_id"),
        rs.getString("relationship"),
        rs.getString("description"),
        rs.getString("instance_id"),
        Instant.ofEpochMilli(rs.getLong("created_at")));
  }

  @Override
  public ImportSummary importAll(
      String workspace, ConPortImport batch, Instant at, Function<ImportSummary, NewEvent> event) {
    return db.write(
        "memory.import",
        tx -> {
          db.lock(tx.connection(), "memory-import " + workspace);
          ImportSummary summary = new SqlMemoryImport(this, tx, workspace).run(batch, at);
          tx.emit(event.apply(summary));
          return summary;
        });
  }

  @Override
  public Optional<MemoryContext> context(String workspace, ContextKind kind, String owner) {
    return db.read("memory.context", c -> currentContext(c, workspace, kind, owner, false));
  }

  /** The context's current version, its row locked until the transaction ends when asked. */
  Optional<MemoryContext> currentContext(
      Connection c, String workspace, ContextKind kind, String owner, boolean forUpdate)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT version, content, instance_id, updated_at FROM memory_contexts"
                + " WHERE workspace = ? AND kind = ? AND owner = ?"
                + (forUpdate ? db.rowLock(true) : ""))) {
      ps.setString(1, workspace);
      ps.setString(2, kind.wireName());
      ps.setString(3, owner == null ? "" : owner);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(context(rs, workspace, kind, owner)) : Optional.empty();
      }
    }
  }

  @Override
  public MemoryContext updateContext(
      String workspace,
      ContextKind kind,
      String owner,
      UnaryOperator<Map<String, Object>> change,
      String instance,
      Instant at,
      Function<MemoryContext, NewEvent> event) {
    return db.write(
        "memory.update_context",
        tx -> {
          Connection c = tx.connection();
          Optional<MemoryContext> current = lockContext(c, workspace, kind, owner);
          Map<String, Object> next =
              change.apply(current.map(MemoryContext::content).orElse(Map.of()));
          int version = current.map(MemoryContext::version).orElse(0) + 1;
          MemoryContext written =
              putContext(c, workspace, kind, owner, current, version, next, instance, at);
          tx.emit(event.apply(written));
          return written;
        });
  }

  /**
   * Takes the lock on one context for the rest of the transaction (across broker nodes on
   * PostgreSQL) and reads its current version.
   */
  Optional<MemoryContext> lockContext(
      Connection c, String workspace, ContextKind kind, String owner) throws SQLException {
    String key = owner == null ? "" : owner;
    db.lock(c, "memory-context " + workspace + " " + kind.wireName() + " " + key);
    return currentContext(c, workspace, kind, owner, true);
  }

  /**
   * Writes {@code next} as the context's version {@code version}; the current version, if any, goes
   * to the history first.
   */
  static MemoryContext putContext(
      Connection c,
      String workspace,
      ContextKind kind,
      String owner,
      Optional<MemoryContext> current,
      int version,
      Map<String, Object> next,
      String instance,
      Instant at)
      throws SQLException {
    if (current.isPresent()) {
      MemoryContext old = current.get();
      contextHistory(
          c, workspace, kind, owner, old.version(), old.content(), old.instance(), old.updatedAt());
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            current.isPresent()
                ? "UPDATE memory_contexts SET version = ?, content = ?, instance_id = ?,"
                    + " updated_at = ? WHERE workspace = ? AND kind = ? AND owner = ?"
                : "INSERT INTO memory_contexts (version, content, instance_id, updated_at,"
                    + " workspace, kind, owner) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ps.setInt(1, version);
      ps.setString(2, JSON.writeValueAsString(next));
      ps.setString(3, instance);
      ps.setLong(4, at.toEpochMilli());
      ps.setString(5, workspace);
      ps.setString(6, kind.wireName());
      ps.setString(7, owner == null ? "" : owner);
      ps.executeUpdate();
    }
    return new MemoryContext(workspace, kind, owner, version, next, instance, at);
  }

  /** Keeps one earlier version of a context. */
  static void contextHistory(
      Connection c,
      String workspace,
      ContextKind kind,
      String owner,
      int version,
      Map<String, Object> content,
      String instance,
      Instant at)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO memory_context_history (workspace, kind, owner, version, content,"
                + " instance_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, workspace);
      ps.setString(2, kind.wireName());
      ps.setString(3, owner == null ? "" : owner);
      ps.setInt(4, version);
      ps.setString(5, JSON.writeValueAsString(content));
      ps.setString(6, instance);
      ps.setLong(7, at.toEpochMilli());
      ps.executeUpdate();
    }
  }

  @Override
  public List<MemoryContext> contextHistory(
      String workspace, ContextKind kind, String owner, HistoryFilter filter) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT version, content, instance_id, updated_at FROM memory_context_history"
                + " WHERE workspace = ? AND kind = ? AND owner = ?");
    List<Object> params =
        new ArrayList<>(List.of(workspace, kind.wireName(), owner == null ? "" : owner));
    if (filter.version() != null) {
      sql.append(" AND version = ?");
      params.add(filter.version());
    }
    if (filter.before() != null) {
      sql.append(" AND updated_at < ?");
      params.add(filter.before().toEpochMilli());
    }
    if (filter.after() != null) {
      sql.append(" AND updated_at > ?");
      params.add(filter.after().toEpochMilli());
    }
    sql.append(" ORDER BY version DESC LIMIT ?");
    params.add(filter.limit());
    return db.read(
        "memory.context_history",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
              ps.setObject(i + 1, params.get(i));
            }
            List<MemoryContext> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(context(rs, workspace, kind, owner));
              }
            }
            return out;
          }
        });
  }

  private static MemoryContext context(
      ResultSet rs, String workspace, ContextKind kind, String owner) throws SQLException {
    return new MemoryContext(
        workspace,
        kind,
        owner,
        rs.getInt("version"),
        JSON.readValue(rs.getString("content"), OBJECT),
        rs.getString("instance_id"),
        Instant.ofEpochMilli(rs.getLong("updated_at")));
  }

  /** The query's words, lower-cased; operators and punctuation are not syntax here. */
  static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    if (text == null) {
      return out;
    }
    Matcher m = WORD.matcher(text.toLowerCase(java.util.Locale.ROOT));
    while (m.find() && out.size() < 32) {
      out.add(m.group());
    }
    return out;
  }

  private static MemoryItem item(ResultSet rs) throws SQLException {
    long parent = rs.getLong("parent_id");
    Long parentId = rs.wasNull() ? null : parent;
    return new MemoryItem(
        rs.getLong("id"),
        rs.getString("workspace"),
        MemoryKind.of(rs.getString("kind")),
        rs.getString("title"),
        rs.getString("category"),
        rs.getString("body"),
        rs.getString("details"),
        rs.getString("status"),
        parentId,
        JSON.readValue(rs.getString("tags"), STRINGS),
        rs.getString("instance_id"),
        rs.getInt("private") != 0,
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")));
  }
}
