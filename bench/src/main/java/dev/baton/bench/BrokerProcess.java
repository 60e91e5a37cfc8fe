package dev.baton.bench;

import dev.baton.api.HealthJson;
import dev.baton.api.client.BrokerClient;
import dev.baton.core.BatonException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One real broker: {@code java -jar baton.jar serve} as a child process with its own data
 * directory, socket and loopback port, stopped with SIGTERM. The process is killed by {@link
 * Cleanup} if the harness fails or is interrupted. Not thread-safe.
 */
final class BrokerProcess {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  private static final int MAX_POLLS = (int) (READY_TIMEOUT.toNanos() / POLL_NANOS);

  /** Where one broker keeps its files: data directory, socket, log; and its store. */
  record Home(Path dir, Path config, String storeUrl) {
    Path dataDir() {
      return dir.resolve("data");
    }

    Path socket() {
      return dir.resolve("run").resolve("broker.sock");
    }

    Path log() {
      return dir.resolve("broker.log");
    }

    Path gcLog() {
      return dir.resolve("gc.log");
    }
  }

  /**
   * A broker that answered its first health check.
   *
   * @param toHealthNanos from spawning the JVM to the first successful {@code GET /v1/health}
   * @param toReadyLineNanos from spawning the JVM to the ready line on stdout, or -1
   */
  record Started(BrokerProcess broker, long toHealthNanos, long toReadyLineNanos, long instances) {}

  /** How a broker stopped after SIGTERM. */
  record Stopped(long nanos, int exitCode, boolean socketRemoved) {}

  private final Process process;
  private final Home home;
  private final Cleanup.Step kill;
  private volatile long readyLineAt = -1;
  private InetSocketAddress tcp;
  private String token;

  private BrokerProcess(Process process, Home home) {
    this.process = process;
    this.home = home;
    this.kill = Cleanup.add("broker pid " + process.pid(), this::killNow);
  }

  /** Spawns a broker and returns once it answers {@code GET /v1/health} with status ok. */
  static Started start(Path jar, Home home) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String opts = System.getenv("BATON_JAVA_OPTS");
    if (opts != null && !opts.isBlank()) {
      command.addAll(List.of(opts.trim().split("\\s+")));
    }
    // Only logs GC pauses to a file, so that latency outliers can be matched with them.
    command.add("-Xlog:gc:file=" + home.gcLog());
    command.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "serve",
            "--config",
            home.config().toString(),
            "--store",
            home.storeUrl(),
            "--socket",
            home.socket().toString(),
            "--tcp",
            "127.0.0.1:0",
            "--data-dir",
            home.dataDir().toString()));
    ProcessBuilder pb = new ProcessBuilder(command).directory(home.dir().toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("BATON_"));
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(home.log().toFile()));
    long spawn = System.nanoTime();
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + String.join(" ", command), e);
    }
    BrokerProcess broker = new BrokerProcess(process, home);
    broker.drainStdout();
    try {
      HealthJson health = broker.awaitHealthy(spawn);
      long healthy = System.nanoTime() - spawn;
      broker.connectInfo(health);
      broker.awaitReadyLine(Duration.ofSeconds(5));
      long readyLine = broker.readyLineAt < 0 ? -1 : broker.readyLineAt - spawn;
      return new Started(broker, healthy, readyLine, health.instances());
    } catch (RuntimeException e) {
      broker.kill.run();
      throw e;
    }
  }

  Path socket() {
    return home.socket();
  }

  /** The bound TCP address, {@code host:port}. */
  String tcpAddress() {
    return tcp.getHostString() + ":" + tcp.getPort();
  }

  /** The bearer token for TCP. */
  String token() {
    return token;
  }

  Path gcLog() {
    return home.gcLog();
  }

  /** The broker's standard error (its log). */
  Path log() {
    return home.log();
  }

  long pid() {
    return process.pid();
  }

  BrokerClient unixClient(boolean keepAlive) {
    return BrokerClient.overUnixSocket(home.socket(), keepAlive, CLIENT_TIMEOUT);
  }

  BrokerClient tcpClient(boolean keepAlive) {
    return BrokerClient.overTcp(tcp, token, keepAlive, CLIENT_TIMEOUT);
  }

  /** The Prometheus text of {@code GET /metrics}. */
  String metrics() {
    try (BrokerClient c = unixClient(false)) {
      return c.send("GET", "/metrics", Map.of("Accept", "text/plain"), null).bodyText();
    }
  }

  /** Sends SIGTERM and waits for the process to exit; kills it when it does not. */
  Stopped stop() {
    long start = System.nanoTime();
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        kill.run();
        throw new IllegalStateException(
            "broker pid "
                + process.pid()
                + " did not exit within "
                + STOP_TIMEOUT.toSeconds()
                + " s of SIGTERM; killed it. Log: "
                + home.log());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill.run();
      throw new IllegalStateException("interrupted while stopping broker pid " + process.pid(), e);
    }
    long took = System.nanoTime() - start;
    kill.run();
    return new Stopped(took, process.exitValue(), !Files.exists(home.socket()));
  }

  private HealthJson awaitHealthy(long spawn) {
    long deadline = spawn + READY_TIMEOUT.toNanos();
    RuntimeException last = null;
    for (int poll = 0; poll < MAX_POLLS && System.nanoTime() < deadline; poll++) {
      if (!process.isAlive()) {
        throw failure("exited with code " + process.exitValue() + " before it was ready", null);
      }
      if (Files.exists(home.socket())) {
        try (BrokerClient c =
            BrokerClient.overUnixSocket(home.socket(), false, Duration.ofSeconds(2))) {
          HealthJson health = c.health();
          if ("ok".equals(health.status())) {
            return health;
          }
        } catch (BatonException e) {
          last = e;
        }
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    throw failure("did not answer GET /v1/health within " + READY_TIMEOUT.toSeconds() + " s", last);
  }

  private void connectInfo(HealthJson health) {
    if (health.tcp() == null) {
      throw failure("reports no TCP address in /v1/health", null);
    }
    int colon = health.tcp().lastIndexOf(':');
    tcp =
        new InetSocketAddress(
            health.tcp().substring(0, colon), Integer.parseInt(health.tcp().substring(colon + 1)));
    try {
      token = Files.readString(home.dataDir().resolve("token"), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw failure("has no readable token file: " + e.getMessage(), e);
    }
  }

  private void drainStdout() {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  if (readyLineAt < 0 && line.contains(" ready: ")) {
                    readyLineAt = System.nanoTime();
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "bench-broker-stdout-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  private void awaitReadyLine(Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    for (int i = 0; i < MAX_POLLS && readyLineAt < 0 && System.nanoTime() < deadline; i++) {
      if (!process.isAlive()) {
        return;
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  private IllegalStateException failure(String what, Throwable cause) {
    return new IllegalStateException(
        "broker pid "
            + process.pid()
            + " "
            + what
            + "; last lines of "
            + home.log()
            + ":\n"
            + tail(),
        cause);
  }

  private String tail() {
    return tail(home.log());
  }

  /** The last 20 lines of a broker's log. */
  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** SIGKILL for the broker and anything it started, then wait for the exit. */
  private void killNow() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
