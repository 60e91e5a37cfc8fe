package dev.baton.store.internal;

import dev.baton.events.NewEvent;
import dev.baton.git.Land;
import dev.baton.git.LandConflict;
import dev.baton.git.LandStatus;
import dev.baton.git.LandStore;
import dev.baton.store.StoreKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Lands; their files and conflicts are stored as JSON text, the same on both backends. */
final class SqlLandStore implements LandStore {
  private static final String COLUMNS =
      "id, workspace, instance_id, branch, base, worktree, status, queued_at, started_at,"
          + " finished_at, branch_head, old_base, new_head, files, conflicts, error, note";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<List<LandConflict>> CONFLICTS = new TypeReference<>() {};

  /** How many landed lands a conflict's "last landed by" looks back over. */
  private static final int LANDERS_LOOK_BACK = 1000;

  private final Database db;

  SqlLandStore(Database db) {
    this.db = db;
  }

  @Override
  public Land insert(Land draft, String host, Function<Land, NewEvent> event) {
    return db.write(
        "lands.insert",
        tx -> {
          Land stored;
          try (PreparedStatement ps =
              tx.connection()
                  .prepareStatement(
                      "INSERT INTO lands (workspace, instance_id, branch, base, worktree, status,"
                          + " queued_at, started_at, finished_at, branch_head, old_base, new_head,"
                          + " files, conflicts, error, note, host, node) VALUES (?, ?, ?, ?, ?, ?, ?,"
                          + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING "
                          + COLUMNS)) {
            ps.setString(1, draft.workspace().toString());
            ps.setString(2, draft.instance());
            ps.setString(3, draft.branch());
            ps.setString(4, draft.base());
            EventRows.setNullable(
                ps, 5, draft.worktree() == null ? null : draft.worktree().toString());
            ps.setString(6, draft.status().wireName());
            ps.setLong(7, draft.queuedAt().toEpochMilli());
            setInstant(ps, 8, draft.startedAt());
            setInstant(ps, 9, draft.finishedAt());
            EventRows.setNullable(ps, 10, draft.branchHead());
            EventRows.setNullable(ps, 11, draft.oldBase());
            EventRows.setNullable(ps, 12, draft.newHead());
            ps.setString(13, JSON.writeValueAsString(draft.files()));
            ps.setString(14, JSON.writeValueAsString(draft.conflicts()));
            EventRows.setNullable(ps, 15, draft.error());
            EventRows.setNullable(ps, 16, draft.note());
            ps.setString(17, host);
            ps.setString(18, db.node());
            stored = one(ps).orElseThrow();
          }
          tx.emit(event.apply(stored));
          return stored;
        });
  }

  @Override
  public Optional<Land> find(long id) {
    return db.read(
        "lands.find",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM lands WHERE id = ?")) {
            ps.setLong(1, id);
            return one(ps);
          }
        });
  }

  @Override
  public Optional<Land> update(Land changed, Set<LandStatus> from, Function<Land, NewEvent> event) {
    return db.write(
        "lands.update",
        tx -> {
          StringBuilder sql =
              new StringBuilder(
                  "UPDATE lands SET status = ?, started_at = ?, finished_at = ?, branch_head = ?,"
                      + " old_base = ?, new_head = ?, files = ?, conflicts = ?, error = ?,"
                      + " note = ? WHERE id = ? AND status IN (");
          List<LandStatus> states = new ArrayList<>(from);
          for (int i = 0; i < states.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
          }
          sql.append(") RETURNING ").append(COLUMNS);
          Optional<Land> stored;
          try (PreparedStatement ps = tx.connection().prepareStatement(sql.toString())) {
            ps.setString(1, changed.status().wireName());
            setInstant(ps, 2, changed.startedAt());
            setInstant(ps, 3, changed.finishedAt());
            EventRows.setNullable(ps, 4, changed.branchHead());
            EventRows.setNullable(ps, 5, changed.oldBase());
            EventRows.setNullable(ps, 6, changed.newHead());
            ps.setString(7, JSON.writeValueAsString(changed.files()));
            ps.setString(8, JSON.writeValueAsString(changed.conflicts()));
            EventRows.setNullable(ps, 9, changed.error());
            EventRows.setNullable(ps, 10, changed.note());
            ps.setLong(11, changed.id());
            for (int i = 0; i < states.size(); i++) {
              ps.setString(12 + i, states.get(i).wireName());
            }
            stored = one(ps);
          }
          if (stored.isPresent() && event != null) {
            tx.emit(event.apply(stored.get()));
          }
          return stored;
        });
  }

  @Override
  public List<Land> list(String workspace, String instance, int limit) {
    return db.read(
        "lands.list",
        c -> {
          StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM lands WHERE 1 = 1");
          List<Object> args = new ArrayList<>();
          if (workspace != null) {
            sql.append(" AND workspace = ?");
            args.add(workspace);
          }
          if (instance != null) {
            sql.append(" AND instance_id = ?");
            args.add(instance);
          }
          sql.append(" ORDER BY id DESC LIMIT ?");
          args.add(limit);
          return lands(c, sql.toString(), args);
        });
  }

  @Override
  public List<Land> claimUnfinished(String host) {
    String sql =
        "UPDATE lands SET host = ?, node = ? WHERE status IN ('queued', 'started')"
            + " AND (host IS NULL OR host = ?)"
            + (db.kind() == StoreKind.POSTGRESQL
                ? " AND (node IS NULL OR node = ? OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a"
                    + " WHERE a.application_name = ? || lands.node))"
                : "")
            + " RETURNING "
            + COLUMNS;
    List<Land> claimed =
        db.write(
            "lands.claim",
            tx -> {
              List<Land> out = new ArrayList<>();
              try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
                ps.setString(1, host);
                ps.setString(2, db.node());
                ps.setString(3, host);
                if (db.kind() == StoreKind.POSTGRESQL) {
                  ps.setString(4, db.node());
                  ps.setString(5, OtherNodes.APPLICATION_NAME + " ");
                }
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    out.add(land(rs));
                  }
                }
              }
              return out;
            });
    return claimed.stream().sorted(Comparator.comparingLong(Land::id)).toList();
  }

  @Override
  public Map<String, String> lastLanders(String workspace, String base, Collection<String> files) {
    Set<String> wanted = new LinkedHashSet<>(files);
    Map<String, String> out = new LinkedHashMap<>();
    if (wanted.isEmpty()) {
      return out;
    }
    List<Land> landed =
        db.read(
            "lands.landers",
            c ->
                lands(
                    c,
                    "SELECT "
                        + COLUMNS
                        + " FROM lands WHERE workspace = ? AND base = ? AND status = 'landed'"
                        + " ORDER BY id DESC LIMIT ?",
                    List.of(workspace, base, LANDERS_LOOK_BACK)));
    for (Land l : landed) {
      for (String f : l.files()) {
        if (wanted.contains(f) && !out.containsKey(f)) {
          out.put(f, l.instance());
        }
      }
      if (out.size() == wanted.size()) {
        break;
      }
    }
    return out;
  }

  private static List<Land> lands(Connection c, String sql, List<Object> args) throws SQLException {
    List<Land> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        if (args.get(i) instanceof String s) {
          ps.setString(i + 1, s);
        } else {
          ps.setLong(i + 1, ((Number) args.get(i)).longValue());
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(land(rs));
        }
      }
    }
    return out;
  }

  private static Optional<Land> one(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(land(rs)) : Optional.empty();
    }
  }

  private static Land land(ResultSet rs) throws SQLException {
    String worktree = rs.getString("worktree");
    return new Land(
        rs.getLong("id"),
        Path.of(rs.getString("workspace")),
        rs.getString("instance_id"),
        rs.getString("branch"),
        rs.getString("base"),
        worktree == null ? null : Path.of(worktree),
        LandStatus.of(rs.getString("status")),
        Instant.ofEpochMilli(rs.getLong("queued_at")),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        rs.getString("branch_head"),
        rs.getString("old_base"),
        rs.getString("new_head"),
        JSON.readValue(rs.getString("files"), STRINGS),
        JSON.readValue(rs.getString("conflicts"), CONFLICTS),
        rs.getString("error"),
        rs.getString("note"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static void setInstant(PreparedStatement ps, int index, Instant value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, value.toEpochMilli());
    }
  }
}
