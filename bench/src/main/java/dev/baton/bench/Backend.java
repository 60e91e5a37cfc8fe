package dev.baton.bench;

import java.util.List;

/** A store the broker can run on, as the benchmark sees it. */
interface Backend {
  /**
   * The stores to measure side by side, and why PostgreSQL is missing when it is.
   *
   * @param skipped null when every store is there
   */
  record Lineup(List<Backend> backends, String skipped) {}

  /** SQLite, and PostgreSQL from a throwaway cluster under /tmp when it can be started. */
  static Lineup sqliteAndLocalPostgres() {
    List<Backend> backends = new java.util.ArrayList<>();
    backends.add(new Sqlite(Machine.sqliteVersion()));
    try {
      System.err.println("bench: starting PostgreSQL");
      backends.add(PostgresCluster.startLocal(java.nio.file.Path.of("/tmp")));
      return new Lineup(backends, null);
    } catch (RuntimeException e) {
      return new Lineup(backends, "PostgreSQL was not measured: " + Cells.oneLine(e.getMessage()));
    }
  }

  /** The name in report columns, e.g. {@code SQLite}. */
  String label();

  /** A short name for directories and database names, e.g. {@code sqlite}. */
  String key();

  /** A store URL for {@code baton serve --store} that points at a new, empty store. */
  String newStore(String name);

  /** Processes other than the broker that serve the store (for CPU accounting). */
  List<ProcessHandle> serverProcesses();

  /** Version and the settings that matter for write latency. */
  String describe();

  /** SQLite inside the broker: a fresh data directory is a fresh store. */
  record Sqlite(String version) implements Backend {
    @Override
    public String label() {
      return "SQLite";
    }

    @Override
    public String key() {
      return "sqlite";
    }

    @Override
    public String newStore(String name) {
      return "sqlite";
    }

    @Override
    public List<ProcessHandle> serverProcesses() {
      return List.of();
    }

    @Override
    public String describe() {
      return "SQLite "
          + version
          + " (sqlite-jdbc, inside the broker): WAL, synchronous=NORMAL, one writer thread,"
          + " the broker's default PRAGMAs";
    }
  }
}
