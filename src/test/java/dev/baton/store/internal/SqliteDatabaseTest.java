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
}
