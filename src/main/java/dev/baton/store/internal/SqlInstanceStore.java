package dev.baton.store.internal;

import dev.baton.events.NewEvent;
import dev.baton.registry.AgentProcess;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceStore;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The registry's store on SQLite or PostgreSQL (the SQL is the same). Orphans keep their row, with
 * {@code orphaned_at} set, until their grace ends; every read but {@link #findAny} skips them.
 * Thread-safe.
 */
final class SqlInstanceStore implements InstanceStore {
  private static final String COLUMNS =
      "id, role, client, workspace, worktree, branch, created_at, last_heartbeat, expires_at,"
          + " session, agent_host, agent_pid, agent_started, orphaned_at";
  private static final String LIVE = " AND orphaned_at IS NULL";

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
                          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
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
            EventRows.setNullable(ps, 10, instance.session());
            setAgent(ps, 11, instance.agent());
            ps.setNull(14, Types.BIGINT);
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
    return findWhere("instances.find", "id = ?" + LIVE, id);
  }

  @Override
  public Optional<Instance> findAny(String id) {
    return findWhere("instances.find", "id = ?", id);
  }

  private Optional<Instance> findWhere(String operation, String where, String id) {
    return db.read(
        operation,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM instances WHERE " + where)) {
            ps.setString(1, id);
            return first(ps);
          }
        });
  }

  @Override
  public Optional<Instance> findByAgent(String host, long pid) {
    return db.read(
        "instances.agent",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM instances WHERE agent_host = ? AND agent_pid = ?"
                      + LIVE
                      + " ORDER BY created_at DESC, id DESC")) {
            ps.setString(1, host);
            ps.setLong(2, pid);
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
                      "UPDATE instances SET last_heartbeat = ?, expires_at = ? WHERE id = ?"
                          + LIVE
                          + " RETURNING "
                          + COLUMNS)) {
            ps.setLong(1, heardAt.toEpochMilli());
            ps.setLong(2, expiresAt.toEpochMilli());
            ps.setString(3, id);
            return first(ps);
          }
        });
  }

  @Override
  public void extend(Collection<String> ids, Instant expiresAt) {
    if (ids.isEmpty()) {
      return;
    }
    db.write(
        "instances.extend",
        tx -> {
          try (PreparedStatement ps =
              tx.connection()
                  .prepareStatement(
                      "UPDATE instances SET expires_at = ? WHERE id = ? AND expires_at < ?"
                          + LIVE)) {
            for (String id : ids) {
              ps.setLong(1, expiresAt.toEpochMilli());
              ps.setString(2, id);
              ps.setLong(3, expiresAt.toEpochMilli());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
  }

  @Override
  public Optional<Instance> attach(String id, String session, AgentProcess agent) {
    return db.write(
        "instances.attach",
        tx -> {
          try (PreparedStatement ps =
              tx.connection()
                  .prepareStatement(
                      "UPDATE instances SET session = COALESCE(?, session),"
                          + " agent_host = COALESCE(?, agent_host), agent_pid = COALESCE(?, agent_pid),"
                          + " agent_started = COALESCE(?, agent_started) WHERE id = ?"
                          + LIVE
                          + " RETURNING "
                          + COLUMNS)) {
            EventRows.setNullable(ps, 1, session);
            setAgent(ps, 2, agent);
            ps.setString(5, id);
            return first(ps);
          }
        });
  }

  @Override
  public Optional<Instance> placeIn(String id, Path worktree, String branch) {
    return db.write(
        "instances.place",
        tx -> {
          try (PreparedStatement ps =
              tx.connection()
                  .prepareStatement(
                      "UPDATE instances SET worktree = ?, branch = ? WHERE id = ?"
                          + " RETURNING "
                          + COLUMNS)) {
            EventRows.setNullable(ps, 1, worktree == null ? null : worktree.toString());
            EventRows.setNullable(ps, 2, branch);
            ps.setString(3, id);
            return first(ps);
          }
        });
  }

  @Override
  public List<Instance> list(String workspace, String role) {
    SqlFilter filter = new SqlFilter().eq("workspace", workspace).eq("role", role);
    String where = filter.sql().isEmpty() ? " WHERE orphaned_at IS NULL" : filter.sql() + LIVE;
    String sql = "SELECT " + COLUMNS + " FROM instances" + where + " ORDER BY id";
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
  public List<Instance> withAgentsOn(String host) {
    return db.read(
        "instances.agents",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT " + COLUMNS + " FROM instances WHERE agent_host = ?" + LIVE)) {
            ps.setString(1, host);
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
                      "UPDATE instances SET role = ? WHERE id = ?"
                          + LIVE
                          + " RETURNING "
                          + COLUMNS)) {
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
  public List<Instance> orphan(
      Collection<String> ids,
      Instant now,
      Instant leasesUntil,
      Function<Instance, NewEvent> event) {
    if (ids != null && ids.isEmpty()) {
      return List.of();
    }
    return db.write(
        "instances.orphan",
        tx -> {
          List<String> chosen = new ArrayList<>();
          if (ids == null) {
            try (PreparedStatement ps =
                tx.connection()
                    .prepareStatement(
                        "SELECT id FROM instances WHERE expires_at < ?"
                            + LIVE
                            + db.rowLock(true))) {
              ps.setLong(1, now.toEpochMilli());
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  chosen.add(rs.getString(1));
                }
              }
            }
          } else {
            chosen.addAll(ids);
          }
          List<Instance> gone = new ArrayList<>();
          for (String id : chosen) {
            Optional<Instance> orphaned;
            try (PreparedStatement ps =
                tx.connection()
                    .prepareStatement(
                        "UPDATE instances SET orphaned_at = ? WHERE id = ?"
                            + LIVE
                            + " RETURNING "
                            + COLUMNS)) {
              ps.setLong(1, now.toEpochMilli());
              ps.setString(2, id);
              orphaned = first(ps);
            }
            if (orphaned.isPresent()) {
              SqlLeaseStore.orphanLeasesOf(tx, id, now, leasesUntil);
              gone.add(orphaned.get());
            }
          }
          gone.sort(Comparator.comparing(Instance::expiresAt).thenComparing(Instance::id));
          for (Instance instance : gone) {
            tx.emit(event.apply(instance));
          }
          return gone;
        });
  }

  @Override
  public Optional<Instance> revive(
      String id,
      Instant now,
      Instant expiresAt,
      String session,
      AgentProcess agent,
      Function<Instance, NewEvent> event) {
    return db.write(
        "instances.revive",
        tx -> {
          Optional<Instance> back;
          try (PreparedStatement ps =
              tx.connection()
                  .prepareStatement(
                      "UPDATE instances SET orphaned_at = NULL, last_heartbeat = ?, expires_at = ?,"
                          + " session = COALESCE(?, session), agent_host = ?, agent_pid = ?,"
                          + " agent_started = ? WHERE id = ? AND orphaned_at IS NOT NULL RETURNING "
                          + COLUMNS)) {
            ps.setLong(1, now.toEpochMilli());
            ps.setLong(2, expiresAt.toEpochMilli());
            EventRows.setNullable(ps, 3, session);
            setAgent(ps, 4, agent);
            ps.setString(7, id);
            back = first(ps);
          }
          if (back.isPresent()) {
            SqlLeaseStore.reviveLeasesOf(tx, id, now);
            tx.emit(event.apply(back.get()));
          }
          return back;
        });
  }

  @Override
  public List<Instance> endOrphans(Instant orphanedBefore) {
    return db.write(
        "instances.end_orphans",
        tx -> {
          List<Instance> ended;
          try (PreparedStatement ps =
              tx.connection()
                  .prepareStatement(
                      "SELECT "
                          + COLUMNS
                          + " FROM instances WHERE orphaned_at <= ?"
                          + db.rowLock(true))) {
            ps.setLong(1, orphanedBefore.toEpochMilli());
            ended = all(ps);
          }
          for (Instance i : ended) {
            SqlLeaseStore.releaseAllOf(tx, i.id(), "orphan grace ended");
            try (PreparedStatement ps =
                tx.connection().prepareStatement("DELETE FROM instances WHERE id = ?")) {
              ps.setString(1, i.id());
              ps.executeUpdate();
            }
          }
          return ended;
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
                      "SELECT role, COUNT(*) FROM instances WHERE orphaned_at IS NULL"
                          + " GROUP BY role ORDER BY role");
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

  /** Sets the three agent columns from {@code index} on (nulls when there is no agent). */
  private static void setAgent(PreparedStatement ps, int index, AgentProcess agent)
      throws SQLException {
    if (agent == null) {
      ps.setNull(index, Types.VARCHAR);
      ps.setNull(index + 1, Types.BIGINT);
      ps.setNull(index + 2, Types.BIGINT);
    } else {
      ps.setString(index, agent.host());
      ps.setLong(index + 1, agent.pid());
      ps.setLong(index + 2, agent.startedAt().toEpochMilli());
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

  /** A row selected as {@link #COLUMNS}, read by position. */
  private static Instance read(ResultSet rs) throws SQLException {
    String worktree = rs.getString(5);
    String host = rs.getString(11);
    long pid = rs.getLong(12);
    AgentProcess agent =
        host == null || rs.wasNull()
            ? null
            : new AgentProcess(host, pid, Instant.ofEpochMilli(rs.getLong(13)));
    long orphaned = rs.getLong(14);
    Instant orphanedAt = rs.wasNull() ? null : Instant.ofEpochMilli(orphaned);
    return new Instance(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        Path.of(rs.getString(4)),
        worktree == null ? null : Path.of(worktree),
        rs.getString(6),
        Instant.ofEpochMilli(rs.getLong(7)),
        Instant.ofEpochMilli(rs.getLong(8)),
        Instant.ofEpochMilli(rs.getLong(9)),
        rs.getString(10),
        agent,
        orphanedAt);
  }
}
