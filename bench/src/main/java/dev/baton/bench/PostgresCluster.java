package dev.baton.bench;

import dev.baton.config.Os;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The PostgreSQL backend: a throwaway cluster started from the installed binaries (as the {@code
 * postgres} account when the harness runs as root, since PostgreSQL refuses root) with durable
 * settings left at their defaults ({@code fsync=on}, {@code synchronous_commit=on}), or an existing
 * server given by an admin URL. Each {@link #newStore} is a new database.
 */
final class PostgresCluster implements Backend {
  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final Path dataDir;
  private final List<String> createdDatabases = new ArrayList<>();
  private String settings = "";

  private PostgresCluster(String host, int port, String user, String password, Path dataDir) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.dataDir = dataDir;
  }

  /** Uses an existing server; {@code url} is e.g. {@code postgresql://postgres:pw@host:5432/x}. */
  static PostgresCluster external(String url) {
    URI uri = URI.create(url.replaceFirst("^postgres://", "postgresql://"));
    String[] info =
        uri.getUserInfo() == null ? new String[] {"postgres"} : uri.getUserInfo().split(":", 2);
    PostgresCluster pg =
        new PostgresCluster(
            uri.getHost(),
            uri.getPort() < 0 ? 5432 : uri.getPort(),
            info[0],
            info.length > 1 ? info[1] : null,
            null);
    Cleanup.add("benchmark databases on " + uri.getHost(), pg::dropDatabases);
    pg.readSettings();
    return pg;
  }

  /**
   * Starts a throwaway cluster in a new directory under {@code parent}.
   *
   * @throws IllegalStateException when no PostgreSQL binaries are installed or the start fails
   */
  static PostgresCluster startLocal(Path parent) {
    Path bin =
        findBinaries()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no initdb and pg_ctl on PATH or in /usr/lib/postgresql/*/bin; install"
                            + " PostgreSQL (Debian: apt-get install postgresql) or set"
                            + " BATON_BENCH_POSTGRES_URL to an existing server"));
    boolean root = Os.uid() == 0;
    Path dir = Cleanup.tempDir(parent, "pg-");
    Path data = dir.resolve("data");
    int port = freePort();
    if (root) {
      Commands.check(List.of("chown", "postgres", dir.toString()));
    }
    Commands.check(
        asPostgres(
            root,
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8"));
    Cleanup.add("PostgreSQL cluster " + data, () -> stop(root, bin, data));
    Commands.check(
        asPostgres(
            root,
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-l",
            dir.resolve("server.log").toString(),
            "-w",
            "-t",
            "60",
            "-o",
            "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1",
            "start"));
    PostgresCluster pg = new PostgresCluster("127.0.0.1", port, "postgres", null, data);
    pg.readSettings();
    return pg;
  }

  /**
   * Stops the cluster. A start that was cut short (Ctrl-C during {@code pg_ctl start}) may still
   * bring the server up a moment later, so a missing PID file is waited for before giving up.
   */
  private static void stop(boolean root, Path bin, Path data) {
    List<String> stop =
        asPostgres(
            root,
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-m",
            "fast",
            "-w",
            "-t",
            "30",
            "stop");
    if (Commands.run(stop).exitCode() == 0 || !Files.isDirectory(data)) {
      return;
    }
    Path pid = data.resolve("postmaster.pid");
    for (int i = 0; i < 50 && !Files.exists(pid); i++) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    if (Files.exists(pid)) {
      Commands.Result again = Commands.run(stop);
      if (again.exitCode() != 0) {
        System.err.println("bench: cannot stop PostgreSQL in " + data + ": " + again.output());
      }
    }
  }

  @Override
  public String label() {
    return "PostgreSQL";
  }

  @Override
  public String key() {
    return "pg";
  }

  @Override
  public String newStore(String name) {
    String db =
        "baton_bench_" + name.replaceAll("[^a-z0-9_]", "_") + "_" + (createdDatabases.size() + 1);
    admin("CREATE DATABASE " + db);
    createdDatabases.add(db);
    return "postgresql://"
        + user
        + (password == null ? "" : ":" + password)
        + "@"
        + host
        + ":"
        + port
        + "/"
        + db;
  }

  @Override
  public List<ProcessHandle> serverProcesses() {
    if (dataDir == null) {
      return List.of();
    }
    try {
      String first = Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim();
      Optional<ProcessHandle> postmaster = ProcessHandle.of(Long.parseLong(first));
      List<ProcessHandle> all = new ArrayList<>();
      postmaster.ifPresent(
          p -> {
            all.add(p);
            p.descendants().forEach(all::add);
          });
      return all;
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  @Override
  public String describe() {
    return settings + (dataDir == null ? " (existing server)" : " (throwaway local cluster)");
  }

  private void readSettings() {
    try (Connection c = DriverManager.getConnection(jdbc("postgres"), user, password);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT current_setting('server_version'), current_setting('fsync'),"
                    + " current_setting('synchronous_commit'), current_setting('full_page_writes'),"
                    + " current_setting('shared_buffers'), current_setting('wal_sync_method')")) {
      rs.next();
      settings =
          "PostgreSQL "
              + rs.getString(1)
              + " over TCP 127.0.0.1: fsync="
              + rs.getString(2)
              + ", synchronous_commit="
              + rs.getString(3)
              + ", full_page_writes="
              + rs.getString(4)
              + ", shared_buffers="
              + rs.getString(5)
              + ", wal_sync_method="
              + rs.getString(6)
              + "; broker pool of 8 connections (default)";
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot query PostgreSQL at " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  private void admin(String sql) {
    try (Connection c = DriverManager.getConnection(jdbc("postgres"), user, password);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "'" + sql + "' failed on PostgreSQL at " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  private void dropDatabases() {
    for (String db : createdDatabases) {
      try {
        admin("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      } catch (IllegalStateException e) {
        System.err.println("bench: " + e.getMessage());
      }
    }
  }

  private String jdbc(String database) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  private static List<String> asPostgres(boolean root, String... command) {
    List<String> full = new ArrayList<>();
    if (root) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(List.of(command));
    return full;
  }

  private static Optional<Path> findBinaries() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir);
      if (Files.isExecutable(p.resolve("pg_ctl")) && Files.isExecutable(p.resolve("initdb"))) {
        return Optional.of(p);
      }
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(debian)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(debian)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparing(b -> b.getParent().getFileName().toString()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("cannot find a free loopback port: " + e.getMessage(), e);
    }
  }
}
