package dev.baton.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.ErrorCode;
import dev.baton.store.StoreConfig;
import dev.baton.store.StoreException;
import dev.baton.store.StoreKind;
import dev.baton.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDatabaseTest {
  private static final int READERS = 3;
  private static final Map<String, String> TUNING = new LinkedHashMap<>();

  static {
    TUNING.put("journal_mode", "wal");
    TUNING.put("busy_timeout", "5000");
    TUNING.put("synchronous", "1");
    TUNING.put("journal_size_limit", "67110000");
    TUNING.put("wal_autocheckpoint", "1000");
    TUNING.put("cache_size", "-2000");
    TUNING.put("foreign_keys", "1");
  }

  @TempDir Path dir;
  private SqliteDatabase db;

  @BeforeEach
  void open() throws SQLException {
    db =
        new SqliteDatabase(
            StoreConfig.sqlite(dir.resolve("baton.db"), READERS),
            new EventRows(MutableClock.at("2026-11-21T10:00:00Z"), StoreKind.SQLITE),
            events -> {},
            new StoreMetrics(new PrometheusRegistry()));
    db.write(
        "create", tx -> tx.connection().createStatement().execute("CREATE TABLE t (n INTEGER)"));
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static Map<String, String> pragmas(Connection c) throws SQLException {
    Map<String, String> values = new LinkedHashMap<>();
    try (Statement s = c.createStatement()) {
      for (String name : TUNING.keySet()) {
        try (ResultSet rs = s.executeQuery("PRAGMA " + name)) {
          rs.next();
          values.put(name, rs.getString(1));
        }
      }
    }
    return values;
  }

  private static int intQuery(Connection c, String sql) throws SQLException {
    try (ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void theWriterHasThePlansTuning() {
    Map<String, String> writer = db.write("pragmas", tx -> pragmas(tx.connection()));

    assertThat(writer).isEqualTo(TUNING);
  }

  @Test
  void everyReaderHasThePlansTuningAndIsReadOnly() {
    for (int i = 0; i < READERS; i++) {
      Map<String, String> reader = db.read("pragmas", SqliteDatabaseTest::pragmas);
      int queryOnly = db.read("query_only", c -> intQuery(c, "PRAGMA query_only"));

      assertThat(reader).isEqualTo(TUNING);
      assertThat(queryOnly).isEqualTo(1);
    }
  }

  @Test
  void aWriteThroughAReaderIsRefused() {
    assertThatThrownBy(
            () -> db.read("sneaky", c -> c.createStatement().execute("INSERT INTO t VALUES (1)")))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("store operation failed during sneaky on sqlite:");
  }

  @Test
  void everyWriteRunsOnTheOneWriterThread() throws Exception {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    ExecutorService callers = Executors.newFixedThreadPool(6);
    for (int i = 0; i < 60; i++) {
      int n = i;
      callers.execute(
          () ->
              db.write(
                  "insert",
                  tx -> {
                    threads.add(Thread.currentThread().getName());
                    return tx.connection()
                        .createStatement()
                        .executeUpdate("INSERT INTO t VALUES (" + n + ")");
                  }));
    }
    callers.shutdown();
    assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    assertThat(threads).containsExactly("baton-sqlite-writer");
    int rows = db.read("count", c -> intQuery(c, "SELECT COUNT(*) FROM t"));
    assertThat(rows).isEqualTo(60);
  }

  @Test
  void aFailedWriteRollsBackEverythingItDid() {
    assertThatThrownBy(
            () ->
                db.write(
                    "half",
                    tx -> {
                      tx.connection().createStatement().executeUpdate("INSERT INTO t VALUES (1)");
                      return tx.connection()
                          .createStatement()
                          .executeUpdate("INSERT INTO missing VALUES (1)");
                    }))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("during half");

    int rows = db.read("count", c -> intQuery(c, "SELECT COUNT(*) FROM t"));
    assertThat(rows).isZero();
  }

  @Test
  void aWriteAfterCloseSaysTheStoreIsClosed() {
    db.close();

    assertThatThrownBy(() -> db.write("late", tx -> List.of()))
        .isInstanceOf(StoreException.class)
        .hasMessage("store is closed; late was not written")
        .satisfies(
            e -> assertThat(((StoreException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
  }

  /** A database whose writes time out after {@code ms}, with table t. */
  private SqliteDatabase impatient(long ms) throws SQLException {
    SqliteDatabase quick =
        new SqliteDatabase(
            StoreConfig.sqlite(dir.resolve("impatient.db"), READERS),
            new EventRows(MutableClock.at("2026-11-21T10:00:00Z"), StoreKind.SQLITE),
            events -> {},
            new StoreMetrics(new PrometheusRegistry()),
            java.time.Duration.ofMillis(ms));
    quick.write(
        "create", tx -> tx.connection().createStatement().execute("CREATE TABLE t (n INTEGER)"));
    return quick;
  }

  private static void await(java.util.concurrent.CountDownLatch latch) {
    await(latch, 10_000);
  }

  private static void await(java.util.concurrent.CountDownLatch latch, long ms) {
    try {
      latch.await(ms, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int insert(Tx tx, int n) throws SQLException {
    return tx.connection().createStatement().executeUpdate("INSERT INTO t VALUES (" + n + ")");
  }

  /**
   * A write still running when its caller's wait ends is answered "not written" and must not commit
   * afterwards (it once did: a lease answered store_unavailable was granted later).
   */
  @Test
  void aWriteThatOutlivesItsTimeoutIsAnsweredNotWrittenAndRollsBack() throws Exception {
    try (SqliteDatabase quick = impatient(200)) {
      java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);
      ExecutorService caller = Executors.newSingleThreadExecutor();
      java.util.concurrent.Future<Integer> slow =
          caller.submit(
              () ->
                  quick.write(
                      "slow",
                      tx -> {
                        insert(tx, 1);
                        await(answered); // past the caller's timeout
                        return insert(tx, 2);
                      }));

      assertThatThrownBy(slow::get)
          .hasCauseInstanceOf(StoreException.class)
          .cause()
          .hasMessage(
              "SQLite writer did not finish slow within 200 ms; it was not written (given up"
                  + " before it committed)");
      answered.countDown();
      caller.shutdown();

      quick.write("next", tx -> insert(tx, 3)); // runs once the slow one has ended
      int rows = quick.read("rows", c -> intQuery(c, "SELECT group_concat(n) FROM t"));
      assertThat(rows).as("only the next write's row").isEqualTo(3);
    }
  }

  @Test
  void aWriteQueuedBehindASlowOneIsNeverRunOnceItsCallerGaveUp() throws Exception {
    try (SqliteDatabase quick = impatient(200)) {
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
      ExecutorService callers = Executors.newFixedThreadPool(2);
      callers.submit(
          () ->
              quick.write(
                  "slow",
                  tx -> {
                    running.countDown();
                    await(release);
                    return 0;
                  }));
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      java.util.concurrent.Future<Integer> queued =
          callers.submit(() -> quick.write("queued", tx -> insert(tx, 7)));

      assertThatThrownBy(queued::get)
          .cause()
          .hasMessageStartingWith("SQLite writer did not finish queued within 200 ms");
      release.countDown();
      callers.shutdown();
      assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

      quick.write("after", tx -> 0);
      int rows = quick.read("count", c -> intQuery(c, "SELECT COUNT(*) FROM t"));
      assertThat(rows).isZero();
    }
  }

  /** Long work (an import) checks between steps and stops once nobody waits for it. */
  @Test
  void longWorkWhoseCallerGaveUpStopsAtItsNextStepAndRollsBack() throws Exception {
    try (SqliteDatabase quick = impatient(200)) {
      java.util.concurrent.atomic.AtomicInteger steps =
          new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.CompletableFuture<Throwable> ended =
          new java.util.concurrent.CompletableFuture<>();
      ExecutorService caller = Executors.newSingleThreadExecutor();
      java.util.concurrent.Future<Integer> slow =
          caller.submit(
              () ->
                  quick.write(
                      "import",
                      tx -> {
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                        try {
                          while (System.nanoTime() < deadline) {
                            tx.checkAwaited();
                            insert(tx, steps.incrementAndGet());
                            await(new java.util.concurrent.CountDownLatch(1), 5);
                          }
                          ended.complete(null);
                        } catch (RuntimeException e) {
                          ended.complete(e);
                          throw e;
                        }
                        return steps.get();
                      }));

      assertThatThrownBy(slow::get).cause().hasMessageContaining("it was not written");
      Throwable stop = ended.get(10, TimeUnit.SECONDS);
      caller.shutdown();

      assertThat(stop)
          .as("stopped at a step, not run to its end")
          .isInstanceOf(StoreException.class)
          .hasMessage("the write was given up by its caller (it timed out) and rolled back");
      int rows = quick.read("count", c -> intQuery(c, "SELECT COUNT(*) FROM t"));
      assertThat(rows).isZero();
    }
  }
}
