package dev.baton.store.internal;

import dev.baton.core.ErrorCode;
import dev.baton.events.Event;
import dev.baton.store.StoreConfig;
import dev.baton.store.StoreException;
import dev.baton.store.StoreKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLite in WAL mode. All writes run on one writer thread with one connection, so they never
 * contend for the database lock; reads use a small pool of read-only connections and run
 * concurrently with the writer. Thread-safe.
 */
final class SqliteDatabase extends Database {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);

  /** The tuning from the original plan, applied to every connection. */
  static final List<String> PRAGMAS =
      List.of(
          "PRAGMA busy_timeout=5000",
          "PRAGMA synchronous=NORMAL",
          "PRAGMA journal_size_limit=67110000",
          "PRAGMA wal_autocheckpoint=1000",
          "PRAGMA cache_size=-2000",
          "PRAGMA foreign_keys=ON");

  static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
  private static final long READ_WAIT_SECONDS = 5;

  private final Path file;
  private final Connection writer;
  private final ExecutorService writerThread;
  private final BlockingQueue<Connection> readers;
  private final int poolSize;
  private final AtomicInteger waitingReaders = new AtomicInteger();
  private final List<Connection> allReaders = new ArrayList<>();
  private volatile Thread writerThreadRef;
  private final Duration writeTimeout;

  /** The write the writer thread runs now, or null; read and written on that thread only. */
  private Ticket current;

  /**
   * One write handed to the writer thread. The caller and the writer race for its state once: a
   * caller that times out takes a queued or running write away ({@code ABANDONED}: it never runs,
   * or rolls back), unless the writer has started to commit it ({@code COMMITTING}), in which case
   * the caller waits for the commit and reports it. A timed-out write is thus either not written
   * and answered so, or written and answered so; never both.
   */
  private static final class Ticket {
    static final int QUEUED = 0;
    static final int RUNNING = 1;
    static final int COMMITTING = 2;
    static final int ABANDONED = 3;
    final AtomicInteger state = new AtomicInteger(QUEUED);
  }

  SqliteDatabase(
      StoreConfig config, EventRows events, Consumer<List<Event>> publisher, StoreMetrics metrics)
      throws SQLException {
    this(config, events, publisher, metrics, WRITE_TIMEOUT);
  }

  /** With another write timeout (tests). */
  SqliteDatabase(
      StoreConfig config,
      EventRows events,
      Consumer<List<Event>> publisher,
      StoreMetrics metrics,
      Duration writeTimeout)
      throws SQLException {
    super(StoreKind.SQLITE, events, publisher, metrics);
    this.writeTimeout = writeTimeout;
    this.file = config.sqliteFile();
    prepareFile(file);
    this.writer = open(config.jdbcUrl(), false);
    try (Statement s = writer.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
    }
    restrictPermissions(file);
    this.writer.setAutoCommit(false);
    this.poolSize = config.poolSize();
    this.readers = new ArrayBlockingQueue<>(config.poolSize());
    for (int i = 0; i < config.poolSize(); i++) {
      Connection reader = open(config.jdbcUrl(), true);
      readers.add(reader);
      allReaders.add(reader);
    }
    this.writerThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "baton-sqlite-writer");
              t.setDaemon(true);
              writerThreadRef = t;
              return t;
            });
  }

  private static Connection open(String url, boolean readOnly) throws SQLException {
    Connection c = DriverManager.getConnection(url);
    try (Statement s = c.createStatement()) {
      for (String pragma : PRAGMAS) {
        s.execute(pragma);
      }
      if (readOnly) {
        s.execute("PRAGMA query_only=ON");
      }
    }
    return c;
  }

  @Override
  <T> T inWriter(String operation, SqlWork<T> work) throws SQLException {
    if (Thread.currentThread() == writerThreadRef) {
      return work.run(writer);
    }
    Ticket ticket = new Ticket();
    Future<T> future;
    try {
      future =
          writerThread.submit(
              () -> {
                if (!ticket.state.compareAndSet(Ticket.QUEUED, Ticket.RUNNING)) {
                  return null; // its caller gave up while it waited: not run at all
                }
                current = ticket;
                try {
                  return work.run(writer);
                } finally {
                  current = null;
                }
              });
    } catch (RejectedExecutionException e) {
      throw new StoreException(
          ErrorCode.STORE_UNAVAILABLE, "store is closed; " + operation + " was not written", e);
    }
    try {
      try {
        return future.get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (ticket.state.compareAndSet(Ticket.QUEUED, Ticket.ABANDONED)
            || ticket.state.compareAndSet(Ticket.RUNNING, Ticket.ABANDONED)) {
          throw new StoreException(
              ErrorCode.STORE_UNAVAILABLE,
              "SQLite writer did not finish "
                  + operation
                  + " within "
                  + writeTimeout.toMillis()
                  + " ms; it was not written (given up before it committed)",
              e);
        }
        return future.get(); // the commit is under way: its outcome is the answer
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SQLException) {
        throw (SQLException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // Taken away if it has not started to commit; otherwise it commits, unreported.
      ticket.state.compareAndSet(Ticket.QUEUED, Ticket.ABANDONED);
      ticket.state.compareAndSet(Ticket.RUNNING, Ticket.ABANDONED);
      throw new StoreException(
          ErrorCode.STORE_UNAVAILABLE, "interrupted while waiting for " + operation, e);
    }
  }

  @Override
  boolean mayCommit() {
    Ticket t = current;
    return t == null
        || t.state.get() == Ticket.COMMITTING // a nested transaction committed already
        || t.state.compareAndSet(Ticket.RUNNING, Ticket.COMMITTING);
  }

  @Override
  boolean awaited() {
    Ticket t = current;
    return t == null || t.state.get() != Ticket.ABANDONED;
  }

  @Override
  <T> T inReader(String operation, SqlWork<T> work) throws SQLException {
    Connection c = readers.poll();
    if (c == null) {
      waitingReaders.incrementAndGet();
      try {
        c = readers.poll(READ_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException(
            ErrorCode.STORE_UNAVAILABLE, "interrupted while waiting for " + operation, e);
      } finally {
        waitingReaders.decrementAndGet();
      }
    }
    if (c == null) {
      throw new StoreException(
          ErrorCode.STORE_UNAVAILABLE,
          "no SQLite read connection free within " + READ_WAIT_SECONDS + " s for " + operation,
          null);
    }
    try {
      return work.run(c);
    } finally {
      readers.add(c);
    }
  }

  /** The read connections (the one writer connection is measured by the pending writes). */
  @Override
  PoolUsage pool() {
    return new PoolUsage(poolSize, poolSize - readers.size(), waitingReaders.get());
  }

  @Override
  public void close() {
    writerThread.shutdown();
    try {
      if (!writerThread.awaitTermination(writeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("SQLite writer still busy after {} ms; closing anyway", writeTimeout.toMillis());
        writerThread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Connection reader : allReaders) {
      closeQuietly(reader);
    }
    try (Statement s = writer.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      s.execute("PRAGMA optimize");
    } catch (SQLException e) {
      LOG.warn("checkpoint of {} at close failed: {}", file, e.getMessage());
    }
    closeQuietly(writer);
    LOG.info("closed SQLite store {}", file);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      LOG.debug("closing a connection failed", e);
    }
  }

  private static void prepareFile(Path file) {
    try {
      Path parent = file.getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new StoreException(
          ErrorCode.STORE_UNAVAILABLE,
          "cannot create the directory of SQLite store " + file + ": " + e.getMessage(),
          e);
    }
  }

  /** The database holds everything the agents share: only its owner may read it. */
  private static void restrictPermissions(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn("cannot restrict permissions of {}: {}", file, e.getMessage());
    }
  }
}
