package dev.baton.store.internal;

import dev.baton.events.NewEvent;
import dev.baton.leases.Lease;
import dev.baton.leases.LeaseEvents;
import dev.baton.leases.LeaseMode;
import dev.baton.leases.LeaseStore;
import dev.baton.leases.LeaseTx;
import dev.baton.leases.PathPattern;
import dev.baton.leases.QueuedRequest;
import dev.baton.registry.InstanceNotFoundException;
import dev.baton.store.StoreKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The leases capability's store on SQLite or PostgreSQL (the SQL is the same). Thread-safe. */
final class SqlLeaseStore implements LeaseStore {
  private static final String COLUMNS =
      "id, workspace, instance_id, role, pattern, glob, mode, reason, fencing_token, ttl_ms, acquired_at, renewed_at, expires_at,"
          + " provisional, follows, orphaned_at";

  private static final JsonMapper JSON = JsonMapper.shared();
  private static final TypeReference<List<Map<String, Object>>> PATTERNS = new TypeReference<>() {};

  private final Database db;

  SqlLeaseStore(Database db) {
    this.db = db;
  }

  @Override
  public <T> T inWorkspace(Path workspace, Function<LeaseTx, T> work) {
    return db.write("leases.change", tx -> inWorkspace(tx, workspace, work));
  }

  /**
   * Runs lease work inside a transaction another store began (a handoff's), serialised with every
   * other change to the workspace's leases as {@link #inWorkspace(Path, Function)} is; it commits
   * or rolls back with that transaction.
   */
  <T> T inWorkspace(Tx tx, Path workspace, Function<LeaseTx, T> work) throws SQLException {
    db.lock(tx.connection(), "leases:" + workspace);
    return work.apply(new SqlLeaseTx(tx, workspace));
  }

  @Override
  public Optional<Lease> find(String id) {
    long key = key(id);
    if (key < 0) {
      return Optional.empty();
    }
    return db.read(
        "leases.find",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM leases WHERE id = ?")) {
            ps.setLong(1, key);
            List<Lease> found = all(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
          }
        });
  }

  @Override
  public List<Lease> list(String workspace, String instance) {
    SqlFilter filter = new SqlFilter().eq("workspace", workspace).eq("instance_id", instance);
    String sql = "SELECT " + COLUMNS + " FROM leases" + filter.sql() + " ORDER BY id";
    return db.read(
        "leases.list",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            filter.bind(ps);
            return all(ps);
          }
        });
  }

  @Override
  public List<Lease> expire(Instant now, Function<Lease, NewEvent> event) {
    return db.write(
        "leases.expire",
        tx -> {
          List<Lease> gone;
          try (PreparedStatement ps =
              tx.connection()
                  .prepareStatement(
                      "DELETE FROM leases WHERE expires_at <= ? RETURNING " + COLUMNS)) {
            ps.setLong(1, now.toEpochMilli());
            gone = all(ps);
          }
          gone.sort(
              java.util.Comparator.comparing(Lease::expiresAt).thenComparingLong(l -> key(l.id())));
          for (Lease l : gone) {
            tx.emit(event.apply(l));
          }
          return gone;
        });
  }

  @Override
  public int renewFollowing(Instant now) {
    return db.write(
        "leases.follow",
        tx -> {
          try (PreparedStatement ps =
              tx.connection()
                  .prepareStatement(
                      "UPDATE leases SET renewed_at = ?, expires_at = ? + ttl_ms"
                          + " WHERE follows = 1 AND provisional = 0 AND orphaned_at IS NULL"
                          + " AND expires_at < ? + ttl_ms / 2 AND instance_id IN (SELECT id FROM instances"
                          + " WHERE agent_pid IS NOT NULL AND orphaned_at IS NULL)")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setLong(2, now.toEpochMilli());
            ps.setLong(3, now.toEpochMilli());
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public int extendLapsed(Instant since, Instant until) {
    return db.write(
        "leases.restart_grace",
        tx -> {
          try (PreparedStatement ps =
              tx.connection()
                  .prepareStatement(
                      "UPDATE leases SET expires_at = ? WHERE expires_at >= ? AND expires_at < ?")) {
            ps.setLong(1, until.toEpochMilli());
            ps.setLong(2, since.toEpochMilli());
            ps.setLong(3, until.toEpochMilli());
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public long enqueue(Path workspace, QueuedRequest request, NewEvent waiting) {
    if (db.kind() != StoreKind.POSTGRESQL) {
      db.write(
          "leases.enqueue",
          tx -> {
            tx.emit(waiting);
            return null;
          });
      return 0;
    }
    List<Map<String, Object>> patterns = new ArrayList<>();
    for (PathPattern p : request.patterns()) {
      patterns.add(Map.of("text", p.text(), "glob", p.isGlob()));
    }
    return db.write(
        "leases.enqueue",
        tx -> {
          Connection c = tx.connection();
          // rows of requests that stopped waiting without being forgotten (their node died)
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM lease_waiters WHERE deadline < ?")) {
            ps.setLong(1, request.since().toEpochMilli());
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO lease_waiters (node, workspace, instance_id, role, patterns, mode,"
                      + " since, deadline) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            ps.setString(1, db.node());
            ps.setString(2, workspace.toString());
            ps.setString(3, request.instance());
            ps.setString(4, request.role());
            ps.setString(5, JSON.writeValueAsString(patterns));
            ps.setString(6, request.mode().wireName());
            ps.setLong(7, request.since().toEpochMilli());
            ps.setLong(8, request.deadline().toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              tx.emit(waiting);
              return rs.getLong(1);
            }
          }
        });
  }

  @Override
  public void dequeue(long id, NewEvent ended) {
    db.write(
        "leases.dequeue",
        tx -> {
          if (id != 0) {
            try (PreparedStatement ps =
                tx.connection().prepareStatement("DELETE FROM lease_waiters WHERE id = ?")) {
              ps.setLong(1, id);
              ps.executeUpdate();
            }
          }
          tx.emit(ended);
          return null;
        });
  }

  @Override
  public List<QueuedRequest> queuedElsewhere(Path workspace, Instant now) {
    if (db.kind() != StoreKind.POSTGRESQL) {
      return List.of();
    }
    return db.read(
        "leases.queued_elsewhere",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, instance_id, role, patterns, mode, since, deadline FROM lease_waiters"
                      + " w WHERE workspace = ? AND node <> ? AND deadline > ? AND EXISTS (SELECT 1"
                      + " FROM pg_stat_activity a WHERE a.application_name = ? || w.node)"
                      + " ORDER BY id")) {
            ps.setString(1, workspace.toString());
            ps.setString(2, db.node());
            ps.setLong(3, now.toEpochMilli());
            ps.setString(4, OtherNodes.APPLICATION_NAME + " ");
            List<QueuedRequest> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                List<PathPattern> patterns = new ArrayList<>();
                for (Map<String, Object> p : JSON.readValue(rs.getString("patterns"), PATTERNS)) {
                  patterns.add(
                      PathPattern.stored(
                          String.valueOf(p.get("text")), Boolean.TRUE.equals(p.get("glob"))));
                }
                out.add(
                    new QueuedRequest(
                        rs.getLong("id"),
                        rs.getString("instance_id"),
                        rs.getString("role"),
                        patterns,
                        LeaseMode.parse(rs.getString("mode")),
                        Instant.ofEpochMilli(rs.getLong("since")),
                        Instant.ofEpochMilli(rs.getLong("deadline"))));
              }
            }
            return out;
          }
        });
  }

  /**
   * Orphans the leases of an instance inside the transaction that orphans it: shared and
   * provisional ones are released (an event each); exclusive ones stay, marked orphaned, until
   * {@code until} at the latest (a lease with a TTL of its own that ends sooner keeps it).
   */
  static void orphanLeasesOf(Tx tx, String instance, Instant now, Instant until)
      throws SQLException {
    List<Lease> gone;
    try (PreparedStatement ps =
        tx.connection()
            .prepareStatement(
                "DELETE FROM leases WHERE instance_id = ? AND (mode = 'shared' OR provisional = 1)"
                    + " RETURNING "
                    + COLUMNS)) {
      ps.setString(1, instance);
      gone = all(ps);
    }
    gone.sort(java.util.Comparator.comparingLong(l -> key(l.id())));
    for (Lease l : gone) {
      tx.emit(
          LeaseEvents.of(
              LeaseEvents.RELEASED, l, Map.of("forced", false, "cause", "instance expired")));
    }
    List<Lease> kept;
    try (PreparedStatement ps =
        tx.connection()
            .prepareStatement(
                "UPDATE leases SET orphaned_at = ?, expires_at = CASE WHEN follows = 1 OR expires_at > ?"
                    + " THEN ? ELSE expires_at END WHERE instance_id = ? RETURNING "
                    + COLUMNS)) {
      ps.setLong(1, now.toEpochMilli());
      ps.setLong(2, until.toEpochMilli());
      ps.setLong(3, until.toEpochMilli());
      ps.setString(4, instance);
      kept = all(ps);
    }
    kept.sort(java.util.Comparator.comparingLong(l -> key(l.id())));
    for (Lease l : kept) {
      tx.emit(LeaseEvents.of(LeaseEvents.ORPHANED, l, Map.of()));
    }
  }

  /** Gives an orphan's leases back to it, come back to life, each renewed for its own TTL. */
  static void reviveLeasesOf(Tx tx, String instance, Instant now) throws SQLException {
    try (PreparedStatement ps =
        tx.connection()
            .prepareStatement(
                "UPDATE leases SET orphaned_at = NULL, renewed_at = ?, expires_at = ? + ttl_ms"
                    + " WHERE instance_id = ?")) {
      ps.setLong(1, now.toEpochMilli());
      ps.setLong(2, now.toEpochMilli());
      ps.setString(3, instance);
      ps.executeUpdate();
    }
  }

  /**
   * Releases every lease of an instance inside the transaction that ends the instance, one {@code
   * lease.released} event each.
   */
  static void releaseAllOf(Tx tx, String instance, String cause) throws SQLException {
    List<Lease> gone;
    try (PreparedStatement ps =
        tx.connection()
            .prepareStatement("DELETE FROM leases WHERE instance_id = ? RETURNING " + COLUMNS)) {
      ps.setString(1, instance);
      gone = all(ps);
    }
    gone.sort(java.util.Comparator.comparingLong(l -> key(l.id())));
    for (Lease l : gone) {
      tx.emit(LeaseEvents.of(LeaseEvents.RELEASED, l, Map.of("forced", false, "cause", cause)));
    }
  }

  private final class SqlLeaseTx implements LeaseTx {
    /** Fails unless the instance is registered; locks its row against deletion meanwhile. */
    private void requireInstance(Connection c, String instance) throws SQLException {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT 1 FROM instances WHERE id = ? AND orphaned_at IS NULL" + db.rowLock(false))) {
        ps.setString(1, instance);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new InstanceNotFoundException(instance);
          }
        }
      }
    }

    private final Tx tx;
    private final Path workspace;

    SqlLeaseTx(Tx tx, Path workspace) {
      this.tx = tx;
      this.workspace = workspace;
    }

    @Override
    public List<Lease> live(Instant now, Function<Lease, NewEvent> expiredEvent) {
      return unchecked(
          () -> {
            Connection c = tx.connection();
            List<Lease> expired;
            try (PreparedStatement ps =
                c.prepareStatement(
                    "DELETE FROM leases WHERE workspace = ? AND expires_at <= ? RETURNING "
                        + COLUMNS)) {
              ps.setString(1, workspace.toString());
              ps.setLong(2, now.toEpochMilli());
              expired = all(ps);
            }
            for (Lease l : expired) {
              tx.emit(expiredEvent.apply(l));
            }
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM leases WHERE workspace = ? ORDER BY id")) {
              ps.setString(1, workspace.toString());
              return all(ps);
            }
          });
    }

    @Override
    public Lease insert(Lease draft) {
      return unchecked(
          () -> {
            Connection c = tx.connection();
            requireInstance(c, draft.instance());
            long token = nextToken(c);
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO leases (workspace, instance_id, role, pattern, glob, mode, reason, fencing_token, ttl_ms,"
                        + " acquired_at, renewed_at, expires_at, provisional, follows)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
              ps.setString(1, workspace.toString());
              ps.setString(2, draft.instance());
              ps.setString(3, draft.role());
              ps.setString(4, draft.pattern().text());
              ps.setInt(5, draft.pattern().isGlob() ? 1 : 0);
              ps.setString(6, draft.mode().wireName());
              EventRows.setNullable(ps, 7, draft.reason());
              ps.setLong(8, token);
              ps.setLong(9, draft.ttl().toMillis());
              ps.setLong(10, draft.acquiredAt().toEpochMilli());
              ps.setLong(11, draft.renewedAt().toEpochMilli());
              ps.setLong(12, draft.expiresAt().toEpochMilli());
              ps.setInt(13, draft.provisional() ? 1 : 0);
              ps.setInt(14, draft.follows() ? 1 : 0);
              try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Lease(
                    "L" + rs.getLong(1),
                    workspace,
                    draft.instance(),
                    draft.role(),
                    draft.pattern(),
                    draft.mode(),
                    draft.reason(),
                    token,
                    draft.ttl(),
                    draft.acquiredAt(),
                    draft.renewedAt(),
                    draft.expiresAt(),
                    draft.provisional(),
                    draft.follows(),
                    null);
              }
            }
          });
    }

    @Override
    public void renew(Lease lease) {
      unchecked(
          () -> {
            try (PreparedStatement ps =
                tx.connection()
                    .prepareStatement(
                        "UPDATE leases SET ttl_ms = ?, renewed_at = ?, expires_at = ?, provisional = ?,"
                            + " follows = ? WHERE id = ?")) {
              ps.setLong(1, lease.ttl().toMillis());
              ps.setLong(2, lease.renewedAt().toEpochMilli());
              ps.setLong(3, lease.expiresAt().toEpochMilli());
              ps.setInt(4, lease.provisional() ? 1 : 0);
              ps.setInt(5, lease.follows() ? 1 : 0);
              ps.setLong(6, key(lease.id()));
              ps.executeUpdate();
            }
            return null;
          });
    }

    @Override
    public Lease upgrade(Lease lease, Instant now) {
      return unchecked(
          () -> {
            long token = nextToken(tx.connection());
            try (PreparedStatement ps =
                tx.connection()
                    .prepareStatement(
                        "UPDATE leases SET mode = 'exclusive', fencing_token = ?, acquired_at = ?, renewed_at = ?,"
                            + " expires_at = ?, ttl_ms = ?, provisional = ?, follows = ? WHERE id = ?")) {
              ps.setLong(1, token);
              ps.setLong(2, now.toEpochMilli());
              ps.setLong(3, lease.renewedAt().toEpochMilli());
              ps.setLong(4, lease.expiresAt().toEpochMilli());
              ps.setLong(5, lease.ttl().toMillis());
              ps.setInt(6, lease.provisional() ? 1 : 0);
              ps.setInt(7, lease.follows() ? 1 : 0);
              ps.setLong(8, key(lease.id()));
              ps.executeUpdate();
            }
            return new Lease(
                lease.id(),
                lease.workspace(),
                lease.instance(),
                lease.role(),
                lease.pattern(),
                LeaseMode.EXCLUSIVE,
                lease.reason(),
                token,
                lease.ttl(),
                now,
                lease.renewedAt(),
                lease.expiresAt(),
                lease.provisional(),
                lease.follows(),
                lease.orphanedAt());
          });
    }

    @Override
    public Lease transfer(Lease lease, String instance, String role, Instant now) {
      return unchecked(
          () -> {
            Connection c = tx.connection();
            requireInstance(c, instance);
            long token = nextToken(c);
            Instant expiry = now.plus(lease.ttl());
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE leases SET instance_id = ?, role = ?, fencing_token = ?, acquired_at = ?,"
                        + " renewed_at = ?, expires_at = ? WHERE id = ?")) {
              ps.setString(1, instance);
              ps.setString(2, role);
              ps.setLong(3, token);
              ps.setLong(4, now.toEpochMilli());
              ps.setLong(5, now.toEpochMilli());
              ps.setLong(6, expiry.toEpochMilli());
              ps.setLong(7, key(lease.id()));
              ps.executeUpdate();
            }
            return new Lease(
                lease.id(),
                lease.workspace(),
                instance,
                role,
                lease.pattern(),
                lease.mode(),
                lease.reason(),
                token,
                lease.ttl(),
                now,
                now,
                expiry,
                lease.provisional(),
                lease.follows(),
                null);
          });
    }

    @Override
    public void delete(Lease lease) {
      unchecked(
          () -> {
            try (PreparedStatement ps =
                tx.connection().prepareStatement("DELETE FROM leases WHERE id = ?")) {
              ps.setLong(1, key(lease.id()));
              ps.executeUpdate();
            }
            return null;
          });
    }

    @Override
    public void emit(NewEvent event) {
      unchecked(() -> tx.emit(event));
    }

    private long nextToken(Connection c) throws SQLException {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO lease_fencing (workspace, last_token) VALUES (?, 1) ON CONFLICT (workspace)"
                  + " DO UPDATE SET last_token = lease_fencing.last_token + 1 RETURNING last_token")) {
        ps.setString(1, workspace.toString());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    }
  }

  /** SQL inside a lease transaction; an SQLException travels out to {@link Database#write}. */
  private interface SqlCall<T> {
    T call() throws SQLException;
  }

  private static <T> T unchecked(SqlCall<T> call) {
    try {
      return call.call();
    } catch (SQLException e) {
      throw new WrappedSqlException(e);
    }
  }

  /** Carries an SQLException through the domain's lambdas; unwrapped by {@link Database}. */
  static final class WrappedSqlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WrappedSqlException(SQLException cause) {
      super(cause);
    }

    @Override
    public synchronized SQLException getCause() {
      return (SQLException) super.getCause();
    }
  }

  static long key(String id) {
    if (id == null || id.length() < 2 || id.charAt(0) != 'L') {
      return -1;
    }
    try {
      return Long.parseLong(id.substring(1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static List<Lease> all(PreparedStatement ps) throws SQLException {
    List<Lease> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(read(rs));
      }
    }
    return out;
  }

  /** A row selected as {@link #COLUMNS}, read by position (by name costs a map per result). */
  private static Lease read(ResultSet rs) throws SQLException {
    return new Lease(
        "L" + rs.getLong(1),
        Path.of(rs.getString(2)),
        rs.getString(3),
        rs.getString(4),
        PathPattern.stored(rs.getString(5), rs.getInt(6) != 0),
        LeaseMode.parse(rs.getString(7)),
        rs.getString(8),
        rs.getLong(9),
        Duration.ofMillis(rs.getLong(10)),
        Instant.ofEpochMilli(rs.getLong(11)),
        Instant.ofEpochMilli(rs.getLong(12)),
        Instant.ofEpochMilli(rs.getLong(13)),
        rs.getInt(14) != 0,
        rs.getInt(15) != 0,
        orphanedAt(rs.getLong(16), rs.wasNull()));
  }

  private static Instant orphanedAt(long millis, boolean isNull) {
    return isNull ? null : Instant.ofEpochMilli(millis);
  }
}
