package dev.baton.store.internal;

import com.zaxxer.hikari.pool.HikariPool;
import dev.baton.core.ErrorCode;
import dev.baton.events.Event;
import dev.baton.events.EventService;
import dev.baton.events.EventStore;
import dev.baton.focus.FocusStore;
import dev.baton.git.LandStore;
import dev.baton.git.WorktreeStore;
import dev.baton.handoff.HandoffStore;
import dev.baton.leases.LeaseStore;
import dev.baton.memory.MemoryStore;
import dev.baton.registry.InstanceStore;
import dev.baton.store.Store;
import dev.baton.store.StoreConfig;
import dev.baton.store.StoreException;
import dev.baton.store.StoreKind;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteDataSource;

/** Opens a database, migrates it, and offers every capability's store on it. Thread-safe. */
public final class SqlStore implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(SqlStore.class);

  private final Database db;
  private final String description;
  private final SqlInstanceStore instances;
  private final SqlEventStore events;
  private final SqlLeaseStore leases;
  private final SqlMemoryStore memory;
  private final SqlHandoffStore handoffs;
  private final SqlWorktreeStore worktrees;
  private final SqlLandStore lands;
  private final SqlFocusStore focus;

  private SqlStore(Database db, String description) {
    this.db = db;
    this.description = description;
    this.instances = new SqlInstanceStore(db);
    this.events = new SqlEventStore(db);
    this.leases = new SqlLeaseStore(db);
    this.memory = new SqlMemoryStore(db);
    this.handoffs = new SqlHandoffStore(db, leases);
    this.worktrees = new SqlWorktreeStore(db);
    this.lands = new SqlLandStore(db);
    this.focus = new SqlFocusStore(db);
  }

  private final List<OtherNodes> followers = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * How long opening the other nodes' notifications waits for its session: until it is there, the
   * other nodes take this node for stopped (see {@link #followOtherNodes}).
   */
  private static final Duration LISTEN_WAIT = Duration.ofSeconds(5);

  /**
   * Opens and migrates the store.
   *
   * @param publisher receives each transaction's events after it commits, in id order
   * @throws StoreException when the database cannot be opened or migrated
   */
  public static SqlStore open(
      StoreConfig config,
      Clock clock,
      Consumer<List<Event>> publisher,
      PrometheusRegistry metrics) {
    StoreMetrics storeMetrics = new StoreMetrics(metrics);
    EventRows eventRows = new EventRows(clock, config.kind());
    String description = config.describe();
    if (config.kind() == StoreKind.SQLITE) {
      SQLiteDataSource migrationSource = new SQLiteDataSource();
      migrationSource.setUrl(config.jdbcUrl());
      SqliteDatabase db;
      try {
        db = new SqliteDatabase(config, eventRows, publisher, storeMetrics);
      } catch (SQLException e) {
        throw new StoreException(
            ErrorCode.STORE_UNAVAILABLE,
            "cannot open SQLite store " + description + ": " + e.getMessage(),
            e);
      }
      storeMetrics.watch(db);
      try {
        Migrations.migrate(migrationSource, config.kind(), description);
      } catch (RuntimeException e) {
        db.close();
        throw e;
      }
      return new SqlStore(db, description);
    }
    PostgresDatabase db;
    try {
      db = new PostgresDatabase(config, eventRows, publisher, storeMetrics);
    } catch (HikariPool.PoolInitializationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new StoreException(
          ErrorCode.STORE_UNAVAILABLE,
          "cannot connect to PostgreSQL store " + description + ": " + cause.getMessage(),
          e);
    }
    storeMetrics.watch(db);
    try {
      Migrations.migrate(db.dataSource(), config.kind(), description);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return new SqlStore(db, description);
  }

  @Override
  public StoreKind kind() {
    return db.kind();
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public InstanceStore instances() {
    return instances;
  }

  @Override
  public EventStore events() {
    return events;
  }

  @Override
  public LeaseStore leases() {
    return leases;
  }

  @Override
  public HandoffStore handoffs() {
    return handoffs;
  }

  @Override
  public WorktreeStore worktrees() {
    return worktrees;
  }

  @Override
  public LandStore lands() {
    return lands;
  }

  @Override
  public FocusStore focus() {
    return focus;
  }

  @Override
  public MemoryStore memory() {
    return memory;
  }

  @Override
  public boolean isReachable() {
    try {
      return db.read(
          "ping",
          c -> {
            try (var s = c.createStatement();
                var rs = s.executeQuery("SELECT 1")) {
              return rs.next();
            }
          });
    } catch (StoreException e) {
      return false;
    }
  }

  @Override
  public EventService.Subscription followOtherNodes(Consumer<List<Event>> listener) {
    if (!(db instanceof PostgresDatabase postgres)) {
      return () -> {};
    }
    OtherNodes follower =
        postgres.followOtherNodes(
            (first, last) -> events.after(first - 1, (int) Math.min(10_000, last - first + 1)),
            listener);
    followers.add(follower);
    if (!follower.awaitListening(LISTEN_WAIT)) {
      LOG.warn(
          "not yet listening to the other broker nodes on {} after {} s; going on, and listening"
              + " as soon as it can",
          description,
          LISTEN_WAIT.toSeconds());
    }
    return () -> {
      followers.remove(follower);
      follower.close();
    };
  }

  @Override
  public boolean keepsHouse() {
    return !(db instanceof PostgresDatabase) || followers.stream().anyMatch(OtherNodes::keepsHouse);
  }

  @Override
  public void close() {
    followers.forEach(OtherNodes::close);
    db.close();
  }
}
