package dev.baton.testing;

import dev.baton.config.Os;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server for tests: {@code BATON_TEST_POSTGRES_URL} when set (an admin URL such
 * as {@code postgresql://postgres:secret@127.0.0.1:5432/postgres}), else a throwaway cluster
 * started from the installed PostgreSQL binaries (Debian's {@code postgresql} package) on a free
 * loopback port, stopped when the JVM exits. When neither is possible the test is skipped, or fails
 * under {@code CI=true}.
 */
public final class PostgresServer {
  private static PostgresServer shared;
  private static String unavailable;

  private final String host;
  private final int port;
  private final String user;
  private final String password;

  private PostgresServer(String host, int port, String user, String password) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
  }

  /** The shared server; skips the test (fails it under CI=true) when there is none. */
  public static synchronized PostgresServer require() {
    if (shared == null && unavailable == null) {
      try {
        shared = fromEnvironment().orElseGet(PostgresServer::startLocal);
      } catch (RuntimeException e) {
        unavailable = e.getMessage();
      }
    }
    if (shared == null) {
      String message =
          "PostgreSQL is not available ("
              + unavailable
              + "). Install it (Debian: apt-get install postgresql) or set BATON_TEST_POSTGRES_URL"
              + " to an admin URL such as postgresql://postgres:secret@127.0.0.1:5432/postgres";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("CI=true and " + message);
      }
      Assumptions.abort(message);
    }
    return shared;
  }

  /** Creates an empty database and returns its store URL ({@code postgresql://...}). */
  public String createDatabase() {
    String name = "baton_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new AssertionError(
          "cannot create test database on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    return "postgresql://"
        + user
        + (password == null ? "" : ":" + password)
        + "@"
        + host
        + ":"
        + port
        + "/"
        + name;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  private static Optional<PostgresServer> fromEnvironment() {
    String url = System.getenv("BATON_TEST_POSTGRES_URL");
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    java.net.URI uri = java.net.URI.create(url);
    String[] info =
        uri.getUserInfo() == null ? new String[] {"postgres"} : uri.getUserInfo().split(":", 2);
    return Optional.of(
        new PostgresServer(
            uri.getHost(),
            uri.getPort() < 0 ? 5432 : uri.getPort(),
            info[0],
            info.length > 1 ? info[1] : null));
  }

  private static PostgresServer startLocal() {
    Path bin =
        findBinaries()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no initdb and pg_ctl found on PATH or in /usr/lib/postgresql/*/bin"));
    boolean root = Os.uid() == 0;
    try {
      Path dir = Files.createTempDirectory(Path.of("/tmp"), "baton-pg-");
      Path data = dir.resolve("data");
      int port = freePort();
      if (root) {
        Processes.check(null, List.of("chown", "postgres", dir.toString()));
      }
      run(
          root,
          bin.resolve("initdb").toString(),
          "-D",
          data.toString(),
          "-U",
          "postgres",
          "--auth=trust",
          "-E",
          "UTF8",
          "--no-sync");
      run(
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
          "-p "
              + port
              + " -k "
              + dir
              + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
              + " -c full_page_writes=off -c max_connections=200",
          "start");
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      run(
                          root,
                          bin.resolve("pg_ctl").toString(),
                          "-D",
                          data.toString(),
                          "-m",
                          "immediate",
                          "stop");
                    } finally {
                      deleteTree(dir);
                    }
                  }));
      return new PostgresServer("127.0.0.1", port, "postgres", null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a PostgreSQL tool; as root through the postgres account, since postgres refuses root. */
  private static void run(boolean root, String... command) {
    List<String> full = new ArrayList<>();
    if (root) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(List.of(command));
    Processes.Result r = Processes.run(null, Map.of(), full);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", full)
              + " exited "
              + r.exitCode()
              + ": "
              + r.stderr().strip()
              + " "
              + r.stdout().strip());
    }
  }

  private static Optional<Path> findBinaries() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir);
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
          .max(Comparator.comparing(b -> versionOf(b.getParent())));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int versionOf(Path dir) {
    try {
      return Integer.parseInt(dir.getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort at exit
    }
  }
}
