package dev.baton.bench;

import dev.baton.api.AcquireBody;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What one refresh of the tmux status line costs, the way tmux runs it: a process per refresh,
 * started and waited for, its output read. Side by side: {@code /bin/sh -c 'cat FILE'} (what {@code
 * baton up} sets), {@code tmux display -p} on a private tmux server (a floor: the cheapest tmux
 * client round trip), {@code curl --unix-socket ... /v1/status/line} (the route), and {@code baton
 * status --tmux} (a JVM start). A real broker on SQLite with four instances and a lease keeps the
 * line.
 */
public final class StatusLineBench {
  private static final long RUN_LIMIT_SECONDS = 30;

  private StatusLineBench() {}

  record Row(String what, String command, Latencies.Summary latency, int failed) {}

  public static void main(String[] args) throws Exception {
    int runs = 1000;
    int jvmRuns = 20;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--jvm-runs" -> jvmRuns = Integer.parseInt(args[++i]);
        case "--help" -> {
          System.out.println("Usage: bench/run-statusline [--runs 1000] [--jvm-runs 20]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (runs < 10 || runs > 100_000 || jvmRuns < 1 || jvmRuns > 200) {
      throw new IllegalArgumentException("--runs 10..100000, --jvm-runs 1..200");
    }
    int code = 0;
    try {
      System.out.print(run(runs, jvmRuns));
    } catch (RuntimeException e) {
      System.err.println("bench: failed: " + e.getMessage());
      e.printStackTrace();
      code = 1;
    } finally {
      Cleanup.runAll();
    }
    System.exit(code);
  }

  private static String run(int runs, int jvmRuns) throws Exception {
    long start = System.nanoTime();
    Path jar = Path.of(System.getProperty("bench.jar", "target/baton.jar")).toAbsolutePath();
    Path launcher = Path.of(System.getProperty("bench.launcher", "baton")).toAbsolutePath();
    Path root = Cleanup.tempDir(Path.of("/tmp"), "baton-sl-bench-");
    Map<String, String> machine = Machine.describe(root, jar);
    Path repo = root.resolve("repo");
    Commands.check(List.of("git", "init", "-q", repo.toString()));
    Files.writeString(repo.resolve("README.md"), "bench\n");
    Commands.check(List.of("git", "-C", repo.toString(), "add", "."));
    Commands.check(
        List.of(
            "git",
            "-C",
            repo.toString(),
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@localhost",
            "commit",
            "-q",
            "-m",
            "init"));
    Path config = root.resolve("baton.yaml");
    Files.writeString(config, "registry:\n  instance-ttl: 30m\n");
    BrokerProcess.Home home =
        new BrokerProcess.Home(Cleanup.tempDir(root, "sqlite-"), config, "sqlite");
    BrokerProcess broker = BrokerProcess.start(jar, home).broker();
    String tmuxSocket = "baton-sl-bench-" + UUID.randomUUID().toString().substring(0, 8);
    List<Row> rows = new ArrayList<>();
    try {
      fleet(broker, repo);
      Path file = home.dataDir().resolve("tmux-status");
      progress("the line: " + Files.readString(file).strip());
      Commands.check(List.of("tmux", "-L", tmuxSocket, "new-session", "-d", "-s", "bench"));
      Cleanup.add(
          "tmux server " + tmuxSocket,
          () -> Commands.run(List.of("tmux", "-L", tmuxSocket, "kill-server")));
      Map<String, String> env = new LinkedHashMap<>();
      env.put("BATON_SOCKET", home.socket().toString());
      env.put("BATON_DATA_DIR", home.dataDir().toString());
      env.put("BATON_CONFIG", config.toString());
      env.put("BATON_JAR", jar.toString());
      String cat = "cat '" + file + "'";
      rows.add(measure("cat of the file", List.of("/bin/sh", "-c", cat), Map.of(), runs));
      // the same without the cat process: the shell's builtins read and print the line
      String builtin = "read -r l < '" + file + "' && printf '%s\\n' \"$l\"";
      rows.add(
          measure("shell builtins, no cat", List.of("/bin/sh", "-c", builtin), Map.of(), runs));
      rows.add(
          measure(
              "tmux client (floor)",
              List.of("tmux", "-L", tmuxSocket, "display", "-p", "#{session_name}"),
              Map.of(),
              runs));
      rows.add(
          measure(
              "curl, the route",
              List.of(
                  "curl",
                  "-s",
                  "--unix-socket",
                  home.socket().toString(),
                  "http://localhost/v1/status/line"),
              Map.of(),
              runs));
      rows.add(
          measure(
              "baton status --tmux",
              List.of(launcher.toString(), "status", "--tmux"),
              env,
              jvmRuns));
    } finally {
      broker.stop();
    }
    return report(rows, machine, (System.nanoTime() - start) / 1e9);
  }

  /** Four instances, one of them holding a lease, so that the line is a typical one. */
  private static void fleet(BrokerProcess broker, Path repo) {
    try (BrokerClient c = broker.unixClient(false)) {
      String first = null;
      for (String role : List.of("developer", "developer", "reviewer", "debugger")) {
        String id =
            c.register(new RegisterBody(role, repo.toString(), null, "claude")).instance().id();
        first = first == null ? id : first;
      }
      c.acquire(
          new AcquireBody(
              first, null, List.of("src/a.py", "src/b.py"), null, null, null, "b", null));
    }
  }

  /** Runs the command {@code runs} times after 10 % (at least 3) runs not counted. */
  private static Row measure(String what, List<String> command, Map<String, String> env, int runs)
      throws IOException, InterruptedException {
    progress(what + ": " + runs + " runs");
    int warm = Math.max(3, runs / 10);
    Latencies latencies = new Latencies(runs);
    int failed = 0;
    for (int i = 0; i < warm + runs; i++) {
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().putAll(env);
      pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      pb.redirectError(ProcessBuilder.Redirect.DISCARD);
      long t0 = System.nanoTime();
      Process p = pb.start();
      p.getInputStream().readAllBytes(); // tmux reads the output too
      boolean ended = p.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS);
      long took = System.nanoTime() - t0;
      if (!ended) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      if (!ended || p.exitValue() != 0) {
        failed++;
        if (failed > 10) {
          throw new IllegalStateException(
              String.join(" ", command)
                  + " failed more than 10 times (exit "
                  + p.exitValue()
                  + ")");
        }
        continue;
      }
      if (i >= warm) {
        latencies.add(took);
      }
    }
    return new Row(what, String.join(" ", command), latencies.summary(), failed);
  }

  private static String report(List<Row> rows, Map<String, String> machine, double seconds) {
    StringBuilder s = new StringBuilder();
    s.append("### tmux status line: one refresh\n\n");
    s.append(
        String.format(
            Locale.ROOT,
            "Each refresh is a process started, its output read and its exit waited for, one at a"
                + " time, as tmux runs #(...) every status-interval. Whole run: %.0f s.%n%n",
            seconds));
    s.append("| refresh | runs | p50 ms | p90 ms | p99 ms | max ms | failed |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.2f | %.2f | %.2f | %.2f | %d |%n",
              r.what(),
              r.latency().count(),
              r.latency().p50(),
              r.latency().p90(),
              r.latency().p99(),
              r.latency().max(),
              r.failed()));
    }
    s.append("\nCommands:\n\n");
    for (Row r : rows) {
      s.append("- ").append(r.what()).append(": `").append(r.command()).append("`\n");
    }
    s.append("\nMachine:\n\n");
    machine.forEach((k, v) -> s.append("- ").append(k).append(": ").append(v).append('\n'));
    s.append(
        String.format(
            Locale.ROOT, "- load average at the end (1, 5, 15 min): %s%n", loadAverage()));
    return s.toString();
  }

  private static String loadAverage() {
    try {
      String[] l = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return l[0] + ", " + l[1] + ", " + l[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void progress(String message) {
    System.err.println("bench: " + message);
  }
}
