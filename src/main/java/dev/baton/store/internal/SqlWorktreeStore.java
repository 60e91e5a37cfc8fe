package dev.baton.store.internal;

import dev.baton.events.NewEvent;
import dev.baton.git.Worktree;
import dev.baton.git.WorktreeStore;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The worktrees' store on SQLite or PostgreSQL (the SQL is the same). Thread-safe. */
final class SqlWorktreeStore implements WorktreeStore {
  private static final String COLUMNS =
      "instance_id, role, workspace, path, branch, base, created_at, ended_at, removed_at,"
          + " saved_ref";

  private final Database db;

  SqlWorktreeStore(Database db) {
    this.db = db;
  }

  @Override
  public Worktree save(Worktree w, NewEvent event) {
    return db.write(
        "worktrees.save",
        tx -> {
          try (PreparedStatement ps =
              tx.connection()
                  .prepareStatement(
                      "INSERT INTO worktrees ("
                          + COLUMNS
                          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (instance_id) DO"
                          + " UPDATE SET role = excluded.role, workspace = excluded.workspace,"
                          + " path = excluded.path, branch = excluded.branch, base = excluded.base,"
                          + " ended_at = excluded.ended_at, removed_at = excluded.removed_at,"
                          + " saved_ref = excluded.saved_ref")) {
            ps.setString(1, w.instance());
            ps.setString(2, w.role());
            ps.setString(3, w.workspace().toString());
            ps.setString(4, w.path().toString());
            ps.setString(5, w.branch());
            ps.setString(6, w.base());
            ps.setLong(7, w.createdAt().toEpochMilli());
            setInstant(ps, 8, w.endedAt());
            setInstant(ps, 9, w.removedAt());
            EventRows.setNullable(ps, 10, w.savedRef());
            ps.executeUpdate();
          }
          if (event != null) {
            tx.emit(event);
          }
          return w;
        });
  }

  @Override
  public Optional<Worktree> find(String instance) {
    return db.read(
        "worktrees.find",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM worktrees WHERE instance_id = ?")) {
            ps.setString(1, instance);
            List<Worktree> found = all(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
          }
        });
  }

  @Override
  public List<Worktree> list(String workspace, boolean withRemoved) {
    SqlFilter filter = new SqlFilter().eq("workspace", workspace);
    String where = filter.sql();
    if (!withRemoved) {
      where += " AND removed_at IS NULL";
    }
    String sql = "SELECT " + COLUMNS + " FROM worktrees" + where + " ORDER BY instance_id";
    return db.read(
        "worktrees.list",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            filter.bind(ps);
            return all(ps);
          }
        });
  }

  private static List<Worktree> all(PreparedStatement ps) throws SQLException {
    List<Worktree> list = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        list.add(
            new Worktree(
                rs.getString("instance_id"),
                rs.getString("role"),
                Path.of(rs.getString("workspace")),
                Path.of(rs.getString("path")),
                rs.getString("branch"),
                rs.getString("base"),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                instant(rs, "ended_at"),
                instant(rs, "removed_at"),
                rs.getString("saved_ref")));
      }
    }
    return list;
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long ms = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(ms);
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
