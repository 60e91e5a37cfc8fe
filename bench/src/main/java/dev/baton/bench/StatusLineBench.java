package dev.baton.bench;

import dev.baton.api.AcquireBody;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * What one refresh of the tmux status line costs, the way tmux runs it: a process per refresh,
 * started and waited for, its output read. Side by side: {@code /bin/sh -c 'cat FILE'} (what {@code
 * baton up} sets), {@code tmux display -p} on a private tmux server (a floor: the cheapest tmux
 * client round trip), {@code curl --unix-socket ... /v1/status/line} (the route), and {@code baton
 * status --tmux} (a JVM start). A real broker on SQLite with four instances and a lease keeps the
 * line.
 */
public final class StatusLineBench {
  private StatusLineBench() {}

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
    int counted = runs;
    int jvmCounted = jvmRuns;
    Cleanup.printAndExit(() -> run(counted, jvmCounted));
  }

  private static String run(int runs, int jvmRuns) throws Exception {
    long start = System.nanoTime();
    Path jar = Path.of(System.getProperty("bench.jar", "target/baton.jar")).toAbsolutePath();
    Path launcher = Path.of(System.getProperty("bench.launcher", "baton")).toAbsolutePath();
    Path root = Cleanup.tempDir(Path.of("/tmp"), "baton-sl-bench-");
    Map<String, String> machine = Machine.describe(root, jar);
    Path repo = Commands.gitRepository(root.resolve("repo"));
    Path config = root.resolve("baton.yaml");
    Files.writeString(config, "registry:\n  instance-ttl: 30m\n");
    BrokerProcess.Home home =
        new BrokerProcess.Home(Cleanup.tempDir(root, "sqlite-"), config, "sqlite");
    BrokerProcess broker = BrokerProcess.start(jar, home).broker();
    String tmuxSocket = "baton-sl-bench-" + UUID.randomUUID().toString().substring(0, 8);
    List<ProcessRuns.Row> rows = new ArrayList<>();
    try {
      fleet(broker, repo);
      Path file = home.dataDir().resolve("tmux-status");
      ProcessRuns.progress("the line: " + Files.readString(file).strip());
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
      rows.add(
          ProcessRuns.measure("cat of the file", List.of("/bin/sh", "-c", cat), Map.of(), runs));
      // the same without the cat process: the shell's builtins read and print the line
      String builtin = "read -r l < '" + file + "' && printf '%s\\n' \"$l\"";
      rows.add(
          ProcessRuns.measure(
              "shell builtins, no cat", List.of("/bin/sh", "-c", builtin), Map.of(), runs));
      rows.add(
          ProcessRuns.measure(
              "tmux client (floor)",
              List.of("tmux", "-L", tmuxSocket, "display", "-p", "#{session_name}"),
              Map.of(),
              runs));
      rows.add(
          ProcessRuns.measure(
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
          ProcessRuns.measure(
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

  private static String report(
      List<ProcessRuns.Row> rows, Map<String, String> machine, double seconds) {
    StringBuilder s = new StringBuilder();
    s.append("### tmux status line: one refresh\n\n");
    s.append(
        String.format(
            Locale.ROOT,
            "Each refresh is a process started, its output read and its exit waited for, one at a"
                + " time, as tmux runs #(...) every status-interval. Whole run: %.0f s.%n%n",
            seconds));
    s.append(ProcessRuns.table("refresh", rows));
    s.append(ProcessRuns.machine(machine));
    return s.toString();
  }
}
