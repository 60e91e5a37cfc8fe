package dev.baton.it;

import dev.baton.testing.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An isolated place for brokers and CLI runs: its own {@code HOME}, Unix socket, data directory and
 * an ephemeral TCP port, so that a test never meets the user's broker or another test's. Every
 * {@code baton} run goes through the real launcher with {@code BATON_JAR} set, so the launcher
 * never rebuilds the jar during a test. Immutable; the {@code with...} methods return a copy.
 */
public final class BrokerSandbox {
  /** Longer than a healthy CLI run or a refused {@code serve} ever takes. */
  static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);

  /** Variables of the surrounding shell that would lead a broker or the CLI elsewhere. */
  private static final List<String> SCRUBBED =
      List.of(
          "XDG_RUNTIME_DIR",
          "XDG_CONFIG_HOME",
          "XDG_DATA_HOME",
          "BATON_CONFIG",
          "BATON_STORE",
          "BATON_SOCKET",
          "BATON_TCP",
          "BATON_DATA_DIR",
          "BATON_INSTANCE",
          "BATON_LOG_LEVEL",
          "BATON_JAVA_OPTS",
          "STORE_POOL",
          "STDIO_POOL",
          "HTTP_POOL",
          "WS_POOL");

  private static final int MAX_SOCKET_PATH = 100;

  private final Path root;
  private final Path socket;
  private final Path dataDir;
  private final Map<String, String> extraEnv;

  private BrokerSandbox(Path root, Path socket, Path dataDir, Map<String, String> extraEnv) {
    if (socket.toString().getBytes(StandardCharsets.UTF_8).length >= MAX_SOCKET_PATH) {
      throw new IllegalArgumentException(
          "socket path "
              + socket
              + " is too long for a Unix socket; use a shorter temporary directory");
    }
    this.root = root;
    this.socket = socket;
    this.dataDir = dataDir;
    this.extraEnv = Collections.unmodifiableMap(new HashMap<>(extraEnv));
  }

  /** A sandbox under {@code root}: {@code home/}, {@code s/broker.sock}, {@code data/}. */
  public static BrokerSandbox in(Path root) {
    try {
      Files.createDirectories(root.resolve("home"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new BrokerSandbox(root, root.resolve("s/broker.sock"), root.resolve("data"), Map.of());
  }

  /** The packaged jar failsafe hands over as {@code baton.jar}. */
  public static Path jar() {
    Path jar = Path.of(System.getProperty("baton.jar", "target/baton.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no broker jar at " + jar + "; run the integration tests with 'mvn verify'");
    }
    return jar;
  }

  /** The {@code ./baton} launcher at the repository root. */
  public static Path launcher() {
    Path launcher = Path.of(System.getProperty("baton.launcher", "baton")).toAbsolutePath();
    if (!Files.isExecutable(launcher)) {
      throw new IllegalStateException("no executable launcher at " + launcher);
    }
    return launcher;
  }

  public BrokerSandbox withSocket(Path otherSocket) {
    return new BrokerSandbox(root, otherSocket, dataDir, extraEnv);
  }

  public BrokerSandbox withDataDir(Path otherDataDir) {
    return new BrokerSandbox(root, socket, otherDataDir, extraEnv);
  }

  /** Adds (or with a null value, removes) one environment variable of every run. */
  public BrokerSandbox withEnv(String name, String value) {
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put(name, value);
    return new BrokerSandbox(root, socket, dataDir, env);
  }

  public Path root() {
    return root;
  }

  public Path home() {
    return root.resolve("home");
  }

  public Path socket() {
    return socket;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path tokenFile() {
    return dataDir.resolve("token");
  }

  /**
   * Writes a YAML configuration file into the sandbox and returns its path. The focus timer would
   * start by itself on the first registration and append its events among those a test counts:
   * {@code focus.auto} is off unless the configuration has a {@code focus:} section; so are the
   * reminders ({@code focus.notify}), which would reach the developer's desktop and tmux.
   */
  public Path writeConfig(String name, String yaml) {
    Path file = root.resolve(name);
    String text =
        yaml.contains("focus:") || yaml.strip().startsWith("{")
            ? yaml
            // appended, so that line numbers in the test's own text stay what the test says
            : yaml
                + (yaml.isEmpty() || yaml.endsWith("\n") ? "" : "\n")
                + "focus:\n  auto: off\n  notify: off\n";
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Starts {@code baton serve ARGS} and returns once it printed its ready line. */
  public BrokerProcess start(String... serveArgs) {
    return BrokerProcess.start(this, List.of(serveArgs));
  }

  /** Runs {@code baton ARGS} and fails the test unless it exits with {@code exitCode}. */
  public Processes.Result expect(int exitCode, String... args) {
    return assertExit(cli(args), exitCode, "baton " + String.join(" ", args));
  }

  /** Fails the test, showing both outputs, unless {@code r} exited with {@code exitCode}. */
  public static Processes.Result assertExit(Processes.Result r, int exitCode, String what) {
    if (r.exitCode() != exitCode) {
      throw new AssertionError(
          what
              + " exited "
              + r.exitCode()
              + ", expected "
              + exitCode
              + "\nstdout: "
              + r.stdout()
              + "\nstderr: "
              + r.stderr());
    }
    return r;
  }

  /** Runs {@code baton ARGS} in the sandbox root and waits for it. */
  public Processes.Result cli(String... args) {
    return cliIn(root, Map.of(), args);
  }

  /** Runs {@code baton ARGS} with extra environment variables. */
  public Processes.Result cli(Map<String, String> env, String... args) {
    return cliIn(root, env, args);
  }

  /** Runs {@code baton ARGS} in {@code directory}, as a user in that directory would. */
  public Processes.Result cliIn(Path directory, Map<String, String> env, String... args) {
    ProcessBuilder pb = processBuilder(List.of(args)).directory(directory.toFile());
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      if (!p.waitFor(CLI_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            "baton "
                + String.join(" ", args)
                + " did not finish in "
                + CLI_TIMEOUT.toSeconds()
                + " s; stdout: "
                + out.getNow("")
                + " stderr: "
                + err.getNow(""));
      }
      return new Processes.Result(
          p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run baton " + String.join(" ", args), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running baton " + String.join(" ", args), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("cannot read the output of baton " + String.join(" ", args), e);
    }
  }

  /** A process builder for {@code baton ARGS} with this sandbox's environment. */
  ProcessBuilder processBuilder(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(launcher().toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
    Map<String, String> env = pb.environment();
    SCRUBBED.forEach(env::remove);
    env.putAll(environment());
    extraEnv.forEach(
        (k, v) -> {
          if (v == null) {
            env.remove(k);
          } else {
            env.put(k, v);
          }
        });
    return pb;
  }

  /** What the CLI needs to find this sandbox's broker (socket, data directory, jar). */
  Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOME", home().toString());
    env.put("BATON_SOCKET", socket.toString());
    env.put("BATON_DATA_DIR", dataDir.toString());
    env.put("BATON_TCP", "127.0.0.1:0");
    env.put("BATON_JAR", jar().toString());
    return env;
  }

  private static CompletableFuture<String> drain(InputStream in) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (in) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                text.complete("");
              }
            },
            "baton-cli-output");
    reader.setDaemon(true);
    reader.start();
    return text;
  }
}
