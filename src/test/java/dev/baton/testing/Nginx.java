package dev.baton.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real nginx (Debian's {@code /usr/sbin/nginx}) in the foreground, with everything it writes
 * under one directory, serving the {@code http} blocks a test gives it. Skips the test when nginx
 * is not installed, and fails it instead under {@code CI=true}. As root its workers run as root, as
 * {@code baton nginx} asks (the broker's user); as anyone else nginx runs as that user anyway.
 */
public final class Nginx implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

  private final Process process;
  private final Path dir;

  private Nginx(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
  }

  /** The nginx binary, or a skip (a failure under CI) saying how to install it. */
  public static Path binary() {
    Path nginx =
        List.of("/usr/sbin/nginx", "/usr/bin/nginx").stream()
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    if (nginx == null) {
      String message =
          "nginx is not installed, so baton's nginx block is not tested"
              + " (Debian: apt-get install nginx-light)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("CI=true and " + message);
      }
      Assumptions.abort(message);
    }
    return nginx;
  }

  /** A loopback port that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Checks the configuration ({@code nginx -t}), starts nginx and returns once {@code port} on
   * 127.0.0.1 accepts connections.
   *
   * @param httpBlocks what goes into {@code http {}}
   */
  public static Nginx start(Path dir, String httpBlocks, int port) {
    Path nginx = binary();
    Path conf = writeConfig(dir, httpBlocks);
    List<String> command =
        List.of(nginx.toString(), "-p", dir + "/", "-e", dir.resolve("error.log").toString());
    List<String> test = new java.util.ArrayList<>(command);
    test.addAll(List.of("-c", conf.toString(), "-t"));
    Processes.Result checked = Processes.run(dir, Map.of(), test);
    if (checked.exitCode() != 0) {
      throw new AssertionError(
          "nginx -t refused the configuration:\n" + checked.stderr() + "\n" + readConf(conf));
    }
    List<String> run = new java.util.ArrayList<>(command);
    run.addAll(List.of("-c", conf.toString(), "-g", "daemon off;"));
    Process process;
    try {
      process =
          new ProcessBuilder(run)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("nginx.out").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + run, e);
    }
    Nginx started = new Nginx(process, dir);
    started.awaitPort(port);
    return started;
  }

  private static Path writeConfig(Path dir, String httpBlocks) {
    boolean root = dev.baton.config.Os.uid() == 0;
    String conf =
        String.join(
            "\n",
            root ? "user root;" : "",
            "worker_processes 1;",
            "pid " + dir.resolve("nginx.pid") + ";",
            "error_log " + dir.resolve("error.log") + " info;",
            "events { worker_connections 64; }",
            "http {",
            "  access_log " + dir.resolve("access.log") + ";",
            "  client_body_temp_path " + dir.resolve("tmp/body") + ";",
            "  proxy_temp_path " + dir.resolve("tmp/proxy") + ";",
            "  fastcgi_temp_path " + dir.resolve("tmp/fastcgi") + ";",
            "  uwsgi_temp_path " + dir.resolve("tmp/uwsgi") + ";",
            "  scgi_temp_path " + dir.resolve("tmp/scgi") + ";",
            httpBlocks,
            "}",
            "");
    try {
      Files.createDirectories(dir.resolve("tmp"));
      return Files.writeString(dir.resolve("nginx.conf"), conf, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitPort(int port) {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError("nginx exited " + process.exitValue() + ":\n" + log());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
        return;
      } catch (IOException notYet) {
        try {
          process.waitFor(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while waiting for nginx", e);
        }
      }
    }
    throw new AssertionError(
        "nginx did not listen on 127.0.0.1:"
            + port
            + " within "
            + READY_TIMEOUT.toSeconds()
            + " s:\n"
            + log());
  }

  /** What nginx wrote to its error log and its output. */
  public String log() {
    return readConf(dir.resolve("error.log")) + readConf(dir.resolve("nginx.out"));
  }

  private static String readConf(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  /** Stops nginx (SIGTERM: fast shutdown), forcibly when it is still there 10 s later. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
