package dev.baton.it;

import dev.baton.api.Json;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.EventStreamReader;
import dev.baton.api.client.EventStreamReader.ServerSentEvent;
import dev.baton.testing.Processes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A real {@code baton serve} process started through the launcher in a {@link BrokerSandbox}.
 * {@link #close()} always ends it, forcibly when it does not stop, so that a failing test leaves no
 * broker behind. Thread-safe.
 */
public final class BrokerProcess implements AutoCloseable {
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern READY =
      Pattern.compile("baton (\\S+) ready: unix:(\\S+)(?: http://(\\S+):(\\d+))? store (\\S+)");

  private final BrokerSandbox sandbox;
  private final Process process;
  private final StringBuffer stdout = new StringBuffer();
  private final StringBuffer stderr = new StringBuffer();
  private final Thread stderrReader;
  private final CompletableFuture<Matcher> ready = new CompletableFuture<>();
  private Matcher readyLine;

  private BrokerProcess(BrokerSandbox sandbox, Process process) {
    this.sandbox = sandbox;
    this.process = process;
    daemon("baton-serve-stdout", this::readStdout).start();
    this.stderrReader = daemon("baton-serve-stderr", this::readStderr);
    stderrReader.start();
  }

  static BrokerProcess start(BrokerSandbox sandbox, List<String> serveArgs) {
    List<String> args = new ArrayList<>();
    args.add("serve");
    args.addAll(serveArgs);
    Process process;
    try {
      process = sandbox.processBuilder(args).start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start baton " + String.join(" ", args), e);
    }
    BrokerProcess broker = new BrokerProcess(sandbox, process);
    broker.awaitReady(args);
    return broker;
  }

  private void awaitReady(List<String> args) {
    try {
      readyLine = ready.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      close();
      joinStderr();
      throw new AssertionError(
          "baton "
              + String.join(" ", args)
              + (e instanceof TimeoutException
                  ? " printed no ready line in " + READY_TIMEOUT.toSeconds() + " s"
                  : " exited before it was ready (exit " + exitCodeOrRunning() + ")")
              + "; stdout:\n"
              + stdout
              + "stderr:\n"
              + stderr);
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the broker", e);
    }
  }

  public BrokerSandbox sandbox() {
    return sandbox;
  }

  /** The JVM's pid: the launcher execs java, so it is the broker itself. */
  public long pid() {
    return process.pid();
  }

  public String readyLine() {
    return readyLine.group();
  }

  /** The socket from the ready line. */
  public Path socket() {
    return Path.of(readyLine.group(2));
  }

  /** The TCP port actually bound, from the ready line. */
  public int tcpPort() {
    if (readyLine.group(4) == null) {
      throw new IllegalStateException("the broker listens on no TCP port: " + readyLine());
    }
    return Integer.parseInt(readyLine.group(4));
  }

  public InetSocketAddress tcpAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpPort());
  }

  /** The store as the ready line describes it, e.g. {@code sqlite:/tmp/x/data/baton.db}. */
  public String store() {
    return readyLine.group(5);
  }

  public Path dataDir() {
    return sandbox.dataDir();
  }

  /** The bearer token from the data directory. */
  public String token() {
    try {
      return Files.readString(sandbox.tokenFile(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything the broker logged so far. */
  public String stderr() {
    return stderr.toString();
  }

  /** Everything the broker printed on stdout so far. */
  public String stdout() {
    return stdout.toString();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Sends SIGTERM. Through the process handle: {@link Process#destroy()} would also close the
   * pipes, and the broker's shutdown log would be lost.
   */
  public void sigterm() {
    process.toHandle().destroy();
  }

  /** Sends SIGKILL, as {@code kill -9} would. */
  public void sigkill() {
    process.toHandle().destroyForcibly();
  }

  /**
   * Waits for the broker to exit and returns its exit code.
   *
   * @throws AssertionError when it still runs after {@code timeout}
   */
  public int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            "broker (pid " + pid() + ") still runs " + timeout.toSeconds() + " s later: " + this);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the broker to exit", e);
    }
    joinStderr();
    return process.exitValue();
  }

  /** Runs {@code baton ARGS} against this broker. */
  public Processes.Result cli(String... args) {
    return sandbox.cli(args);
  }

  /** A client over the broker's Unix socket. */
  public BrokerClient unixClient() {
    return BrokerClient.overUnixSocket(socket(), true, BrokerClient.DEFAULT_TIMEOUT);
  }

  /** A client over TCP with the broker's token. */
  public BrokerClient tcpClient() {
    return BrokerClient.overTcp(tcpAddress(), token(), true, BrokerClient.DEFAULT_TIMEOUT);
  }

  /**
   * Every event in the broker's history, oldest first, read from {@code GET /v1/events} up to the
   * last id that {@code GET /v1/health} reports; each event is awaited at most 30 s.
   */
  public List<JsonNode> allEvents() throws Exception {
    List<JsonNode> events = new ArrayList<>();
    try (BrokerClient client = unixClient()) {
      long last = client.health().lastEventId();
      try (EventStreamReader stream = client.events(0L)) {
        if (stream.status() != 200) {
          throw new AssertionError("GET /v1/events answered " + stream.status());
        }
        long seen = 0;
        while (seen < last) {
          ServerSentEvent sse =
              CompletableFuture.supplyAsync(
                      () -> {
                        try {
                          return stream.next();
                        } catch (IOException ex) {
                          throw new UncheckedIOException(ex);
                        }
                      })
                  .get(30, TimeUnit.SECONDS);
          if (sse == null) {
            throw new AssertionError("event stream ended after event " + seen + " of " + last);
          }
          JsonNode e = Json.MAPPER.readTree(sse.data());
          if (e.path("id").asLong() <= seen) {
            throw new AssertionError("event " + e.path("id").asLong() + " came after " + seen);
          }
          seen = e.path("id").asLong();
          events.add(e);
        }
      }
    }
    return events;
  }

  /** Stops the broker: SIGTERM, then SIGKILL when it is still running 20 s later. */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "broker pid "
        + pid()
        + (process.isAlive() ? " (running)" : " (exit " + process.exitValue() + ")")
        + "\nstderr:\n"
        + stderr;
  }

  private String exitCodeOrRunning() {
    return process.isAlive() ? "still running" : Integer.toString(process.exitValue());
  }

  private void readStdout() {
    try (BufferedReader in = reader(process.getInputStream())) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        stdout.append(line).append('\n');
        Matcher m = READY.matcher(line);
        if (!ready.isDone() && m.find()) {
          ready.complete(m);
        }
      }
    } catch (IOException e) {
      // the process ended; what was read is kept
    }
    ready.completeExceptionally(new IllegalStateException("stdout closed before the ready line"));
  }

  private void readStderr() {
    try (BufferedReader in = reader(process.getErrorStream())) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        stderr.append(line).append('\n');
      }
    } catch (IOException e) {
      // the process ended; what was read is kept
    }
  }

  private void joinStderr() {
    try {
      stderrReader.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static BufferedReader reader(InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  private static Thread daemon(String name, Runnable task) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    return t;
  }
}
