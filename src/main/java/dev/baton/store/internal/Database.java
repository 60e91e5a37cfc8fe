package dev.baton.store.internal;

import dev.baton.core.ErrorCode;
import dev.baton.events.Event;
import dev.baton.store.StoreException;
import dev.baton.store.StoreKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs reads and write transactions, measures them, wraps {@link SQLException} once with the
 * operation's name, and publishes a transaction's events after it commits, in id order.
 */
abstract class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final StoreKind kind;
  private final EventRows events;
  private final Consumer<List<Event>> publisher;
  private final StoreMetrics metrics;

  /** When each write not yet answered began (System.nanoTime), by a token of its own. */
  private final java.util.Map<Object, Long> pendingWrites =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Held from a transaction's first event until its events are published. */
  private final ReentrantLock appendOrder = new ReentrantLock(true);

  Database(
      StoreKind kind, EventRows events, Consumer<List<Event>> publisher, StoreMetrics metrics) {
    this.kind = kind;
    this.events = events;
    this.publisher = publisher;
    this.metrics = metrics;
  }

  StoreKind kind() {
    return kind;
  }

  /** Runs the work in one transaction; its events are published once it has committed. */
  final <T> T write(String operation, TxWork<T> work) {
    long start = System.nanoTime();
    Object pending = new Object();
    pendingWrites.put(pending, start);
    try {
      return inWriter(operation, connection -> transaction(connection, work));
    } catch (SqlLeaseStore.WrappedSqlException e) {
      metrics.failed(kind.wireName(), operation);
      throw wrap(operation, e.getCause());
    } catch (SQLException e) {
      metrics.failed(kind.wireName(), operation);
      throw wrap(operation, e);
    } finally {
      pendingWrites.remove(pending);
      metrics.observe(kind.wireName(), operation, System.nanoTime() - start);
    }
  }

  /** Writes begun and not yet answered: waiting for the writer, or being written. */
  final int pendingWrites() {
    return pendingWrites.size();
  }

  /** How long the oldest write not yet answered has been waiting or running; 0 when none. */
  final double oldestPendingWriteSeconds() {
    long now = System.nanoTime();
    long oldest = 0;
    for (long began : pendingWrites.values()) {
      oldest = Math.max(oldest, now - began);
    }
    return oldest / 1e9;
  }

  /** How full the pool of connections is now. */
  abstract PoolUsage pool();

  final <T> T read(String operation, SqlWork<T> work) {
    long start = System.nanoTime();
    try {
      return inReader(operation, work);
    } catch (SQLException e) {
      metrics.failed(kind.wireName(), operation);
      throw wrap(operation, e);
    } finally {
      metrics.observe(kind.wireName(), operation, System.nanoTime() - start);
    }
  }

  /**
   * Serialises this transaction with every other one that takes the same key, across broker nodes
   * (PostgreSQL); a no-op where one writer already serialises everything (SQLite).
   */
  void lock(Connection connection, String key) throws SQLException {}

  /**
   * The clause that locks selected rows until the transaction ends ({@code FOR UPDATE}, or {@code
   * FOR SHARE} when not {@code exclusive}); empty where one writer serialises everything.
   */
  String rowLock(boolean exclusive) {
    return "";
  }

  /**
   * Asked on the writing thread just before a transaction commits: false when the caller has given
   * up on it (its answer said it was not written), and the transaction must roll back instead. Once
   * true, the caller waits for the commit and reports it.
   */
  boolean mayCommit() {
    return true;
  }

  /**
   * True while the write on this thread is still awaited; long work checks it between steps ({@link
   * Tx#checkAwaited()}) so that a write nobody waits for stops holding the writer.
   */
  boolean awaited() {
    return true;
  }

  /** Names this broker node among those that share the store. */
  String node() {
    return "local";
  }

  /**
   * Called in a transaction that appended events, just before it commits; PostgreSQL tells the
   * other broker nodes here.
   */
  void beforeCommit(Connection connection, List<Event> emitted) throws SQLException {}

  /** Runs the work with the connection that writes (SQLite: the one writer thread). */
  abstract <T> T inWriter(String operation, SqlWork<T> work) throws SQLException;

  abstract <T> T inReader(String operation, SqlWork<T> work) throws SQLException;

  @Override
  public abstract void close();

  private <T> T transaction(Connection connection, TxWork<T> work) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    if (autoCommit) {
      connection.setAutoCommit(false);
    }
    Tx tx = new Tx(connection, events, appendOrder, this::awaited);
    try {
      T result = work.run(tx);
      if (!tx.emitted().isEmpty()) {
        beforeCommit(connection, tx.emitted());
      }
      if (!mayCommit()) {
        throw Tx.abandoned();
      }
      connection.commit();
      if (!tx.emitted().isEmpty()) {
        publisher.accept(List.copyOf(tx.emitted()));
      }
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    } finally {
      tx.release();
      if (autoCommit) {
        connection.setAutoCommit(true);
      }
    }
  }

  private StoreException wrap(String operation, SQLException e) {
    boolean transientFailure = isTransient(e);
    String message =
        (transientFailure ? "store is unavailable" : "store operation failed")
            + " during "
            + operation
            + " on "
            + kind.wireName()
            + ": "
            + e.getMessage();
    if (!transientFailure) {
      LOG.error("{}", message, e);
    }
    return new StoreException(
        transientFailure ? ErrorCode.STORE_UNAVAILABLE : ErrorCode.INTERNAL, message, e);
  }

  /** Connection failures, timeouts and busy databases: worth retrying later. */
  static boolean isTransient(SQLException e) {
    if (e instanceof SQLTransientException) {
      return true;
    }
    String state = e.getSQLState();
    if (state != null
        && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P"))) {
      return true;
    }
    int code = e.getErrorCode();
    String message = String.valueOf(e.getMessage());
    return code == 5
        || code == 6
        || message.contains("SQLITE_BUSY")
        || message.contains("database is closed");
  }
}
