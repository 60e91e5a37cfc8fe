package dev.baton.store.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.events.Event;
import dev.baton.store.StoreConfig;
import dev.baton.store.StoreKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL through a HikariCP pool. Writes run concurrently in their own transactions; appending
 * events is ordered by an advisory lock (see {@link EventRows}). Thread-safe.
 */
final class PostgresDatabase extends Database {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresDatabase.class);

  /** The first half of every per-key advisory lock baton takes ("bt"). */
  private static final int LOCK_SPACE = 0x6274;

  private final HikariDataSource pool;
  private final String description;
  private final StoreConfig config;

  /** Names this node in its notifications, so that it skips its own. */
  private final String node =
      java.util.HexFormat.of().toHexDigits(new java.security.SecureRandom().nextInt());

  PostgresDatabase(
      StoreConfig config, EventRows events, Consumer<List<Event>> publisher, StoreMetrics metrics) {
    super(StoreKind.POSTGRESQL, events, publisher, metrics);
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(config.jdbcUrl());
    if (config.user() != null) {
      hikari.setUsername(config.user());
    }
    if (config.password() != null) {
      hikari.setPassword(config.password());
    }
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(1);
    hikari.setPoolName("baton-postgresql");
    hikari.setConnectionTimeout(5000);
    hikari.setInitializationFailTimeout(5000);
    hikari.addDataSourceProperty("ApplicationName", "baton");
    hikari.addDataSourceProperty("connectTimeout", "5");
    this.pool = new HikariDataSource(hikari);
    this.description = config.describe();
    this.config = config;
  }

  /**
   * Delivers the events other nodes commit, on a thread of its own, until closed (see {@link
   * OtherNodes}).
   */
  OtherNodes followOtherNodes(OtherNodes.Reader reader, Consumer<List<Event>> listener) {
    return new OtherNodes(config, node, LOCK_SPACE, reader, listener);
  }

  @Override
  String node() {
    return node;
  }

  @Override
  void beforeCommit(Connection connection, List<Event> emitted) throws SQLException {
    try (java.sql.PreparedStatement ps =
        connection.prepareStatement("SELECT pg_notify('" + OtherNodes.CHANNEL + "', ?)")) {
      ps.setString(
          1, OtherNodes.payload(node, emitted.get(0).id(), emitted.get(emitted.size() - 1).id()));
      ps.execute();
    }
  }

  @Override
  PoolUsage pool() {
    com.zaxxer.hikari.HikariPoolMXBean bean = pool.getHikariPoolMXBean();
    if (bean == null) {
      return new PoolUsage(pool.getMaximumPoolSize(), 0, 0); // closed, or not started yet
    }
    return new PoolUsage(
        pool.getMaximumPoolSize(),
        bean.getActiveConnections(),
        bean.getThreadsAwaitingConnection());
  }

  DataSource dataSource() {
    return pool;
  }

  @Override
  String rowLock(boolean exclusive) {
    return exclusive ? " FOR UPDATE" : " FOR SHARE";
  }

  @Override
  void lock(Connection connection, String key) throws SQLException {
    try (java.sql.PreparedStatement ps =
        connection.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
      ps.setInt(1, LOCK_SPACE);
      ps.setInt(2, key.hashCode());
      ps.execute();
    }
  }

  @Override
  <T> T inWriter(String operation, SqlWork<T> work) throws SQLException {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    }
  }

  @Override
  <T> T inReader(String operation, SqlWork<T> work) throws SQLException {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    }
  }

  @Override
  public void close() {
    pool.close();
    LOG.info("closed PostgreSQL store {}", description);
  }
}
