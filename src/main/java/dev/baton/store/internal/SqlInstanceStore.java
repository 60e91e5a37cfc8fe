package dev.baton.store.internal;

import dev.baton.events.NewEvent;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceStore;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The registry's store on SQLite or PostgreSQL (the SQL is the same). Thread-safe. */
final class SqlInstanceStore implements InstanceStore {
  private static final String COLUMNS =
      "id, role, client, workspace, worktree, branch, created_at, last_heartbeat, expires_at";

  private final Database db;

  SqlInstanceStore(Database db) {
    this.db = db;
  }

  @Override
  public boolean insert(Instance instance, NewEvent event) {
    return db.write(
        "instances.insert",
        tx -> {
          try (PreparedStatement ps =
              tx.connection()
                  .prepareStatement(
                      "INSERT INTO instances ("
                          + COLUMNS
                          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                          + " ON CONFLICT (id) DO NOTHING")) {
            ps.setString(1, instance.id());
            ps.setString(2, instance.role());
            ps.setString(3, instance.client());
            ps.setString(4, instance.workspace().toString());
            EventRows.setNullable(ps, 5, instance.worktreeIfAny().map(Path::toString).orElse(null));
            EventRows.setNullable(ps, 6, instance.branch());
            ps.setLong(7, instance.createdAt().toEpochMilli());
            ps.setLong(8, instance.lastHeartbeat().toEpochMilli());
            ps.setLong(9, instance.expiresAt().toEpochMilli());
            if (ps.executeUpdate() == 0) {
              return false;
            }
          }
          tx.emit(event);
          return true;
        });
  }

  @Override
  public Optional<Instance> find(String id) {
    return db.read(
        "instances.find",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM instances WHERE id = ?")) {
            ps.setString(1, id);
            return first(ps);
          }
        });
  }

  @Override
  public Optional<Instance> touch(String id, Instant heardAt, Instant expiresAt) {
    return db.write(
        "instances.touch",
        tx -> {
          try (PreparedStatement ps =
              tx.connection()
                  .prepareStatement(
                      "UPDATE instances SET last_heartbeat = ?, expires_at = ? WHERE id = ? RETURNING "
                          + COLUMNS)) {
            ps.setLong(1, heardAt.toEpochMilli());
            ps.setLong(2, expiresAt.toEpochMilli());
            ps.setString(3, id);
            return first(ps);
          }
        });
  }

  @Override
  public List<Instance> list(String workspace, String role) {
    SqlFilter filter = new SqlFilter().eq("workspace", workspace).eq("role", role);
    String sql = "SELECT " + COLUMNS + " FROM instances" + filter.sql() + " ORDER BY id";
    return db.read(
        "instances.list",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            filter.bind(ps);
            return all(ps);
          }
        });
  }

  @Override
  public Optional<Instance> changeRole(String id, String role, Function<Instance, NewEvent> event) {
    return db.write(
        "instances.role",
        tx -> {
          Optional<Instance> changed;
          try (PreparedStatement ps =
              tx.connection()
                  .prepareStatement(
                      "UPDATE instances SET role = ? WHERE id = ? RETURNING " + COLUMNS)) {
            ps.setString(1, role);
            ps.setString(2, id);
            changed = first(ps);
          }
          if (changed.isPresent()) {
            tx.emit(event.apply(changed.get()));
          }
          return changed;
        });
  }

  @Override
  public Optional<Instance> delete(String id, Function<Instance, NewEvent> event) {
    return db.write(
        "instances.delete",
        tx -> {
          Optional<Instance> gone;
          lockRow(tx, id);
          SqlLeaseStore.releaseAllOf(tx, id, "instance deregistered");
          try (PreparedStatement ps =
              tx.connection()
                  .prepareStatement("DELETE FROM instances WHERE id = ? RETURNING " + COLUMNS)) {
            ps.setString(1, id);
            gone = first(ps);
          }
          if (gone.isPresent()) {
            tx.emit(event.apply(gone.get()));
          }
          return gone;
        });
  }

  @Override
  public List<Instance> expire(Instant now, Function<Instance, NewEvent> event) {
    return db.write(
        "instances.expire",
        tx -> {
          List<Instance> gone;
          List<String> overdue = new ArrayList<>();
          try (PreparedStatement ps =
              tx.connection()
                  .prepareStatement(
                      "SELECT id FROM instances WHERE expires_at < ?" + db.rowLock(true))) {
            ps.setLong(1, now.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                overdue.add(rs.getString(1));
              }
            }
          }
          for (String id : overdue) {
            SqlLeaseStore.releaseAllOf(tx, id, "instance expired");
          }
          try (PreparedStatement ps =
              tx.connection()
                  .prepareStatement(
                      "DELETE FROM instances WHERE expires_at < ? RETURNING " + COLUMNS)) {
            ps.setLong(1, now.toEpochMilli());
            gone = all(ps);
          }
          gone.sort(
              java.util.Comparator.comparing(Instance::expiresAt).thenComparing(Instance::id));
          for (Instance instance : gone) {
            tx.emit(event.apply(instance));
          }
          return gone;
        });
  }

  @Override
  public Map<String, Long> countByRole() {
    return db.read(
        "instances.count",
        c -> {
          Map<String, Long> counts = new LinkedHashMap<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT role, COUNT(*) FROM instances GROUP BY role ORDER BY role");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              counts.put(rs.getString(1), rs.getLong(2));
            }
          }
          return counts;
        });
  }

  /**
   * Locks the instance's row until the transaction ends, so that no lease is granted to it while it
   * is being deleted (PostgreSQL; SQLite's one writer serialises this already).
   */
  private void lockRow(Tx tx, String id) throws SQLException {
    String lock = db.rowLock(true);
    if (lock.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        tx.connection().prepareStatement("SELECT id FROM instances WHERE id = ?" + lock)) {
      ps.setString(1, id);
      ps.executeQuery().close();
    }
  }

  private static Optional<Instance> first(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(read(rs)) : Optional.empty();
    }
  }

  private static List<Instance> all(PreparedStatement ps) throws SQLException {
    List<Instance> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(read(rs));
      }
    }
    return out;
  }

  private static Instance read(ResultSet rs) throws SQLException {
    String worktree = rs.getString("worktree");
    return new Instance(
        rs.getString("id"),
        rs.getString("role"),
        rs.getString("client"),
        Path.of(rs.getString("workspace")),
        worktree == null ? null : Path.of(worktree),
        rs.getString("branch"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("last_heartbeat")),
        Instant.ofEpochMilli(rs.getLong("expires_at")));
  }
}
