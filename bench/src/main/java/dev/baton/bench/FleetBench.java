package dev.baton.bench;

import dev.baton.api.AcquireBody;
import dev.baton.api.Json;
import dev.baton.api.LeaseJson;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.EventStreamReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * The fleet in tmux, measured on a tmux server of its own: {@code baton up} with 5 and with 10
 * instances (from the command's start until every instance is registered and its worktree exists,
 * against a running broker), and {@code baton top} following 50 instances while leases change at a
 * steady rate: the CPU its process uses, and the time from an event's commit (its {@code at}) to
 * the first frame that shows it (from top's hidden {@code --trace} file).
 */
public final class FleetBench {
  private FleetBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = 3;
    int instances = 50;
    int rate = 20;
    int seconds = 60;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--instances" -> instances = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--help" -> {
          System.out.println(
              "Usage: bench/run-fleet [--rounds 3] [--instances 50] [--rate 20] [--seconds 60]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (rounds < 1
        || rounds > 20
        || instances < 1
        || instances > 500
        || rate < 1
        || rate > 200
        || seconds < 5
        || seconds > 600) {
      throw new IllegalArgumentException(
          "--rounds 1..20, --instances 1..500, --rate 1..200, --seconds 5..600");
    }
    int code = 0;
    try {
      System.out.print(run(rounds, instances, rate, seconds));
    } catch (RuntimeException e) {
      System.err.println("bench: failed: " + e.getMessage());
      e.printStackTrace();
      code = 1;
    } finally {
      Cleanup.runAll();
    }
    System.exit(code);
  }

  private record Env(Path jar, Path launcher, BrokerProcess.Home home, String tmux) {
    Map<String, String> vars() {
      Map<String, String> env = new HashMap<>();
      env.put("BATON_SOCKET", home.socket().toString());
      env.put("BATON_DATA_DIR", home.dataDir().toString());
      env.put("BATON_CONFIG", home.config().toString());
      env.put("BATON_TMUX_SOCKET", tmux);
      env.put("BATON_LAUNCHER", launcher.toString());
      return env;
    }
  }

  private static String run(int rounds, int instances, int rate, int seconds) throws Exception {
    Path jar = Path.of(System.getProperty("bench.jar", "target/baton.jar")).toAbsolutePath();
    Path root = Cleanup.tempDir(Path.of("/tmp"), "baton-fleet-bench-");
    Path config = root.resolve("baton.yaml");
    Files.writeString(config, "registry:\n  instance-ttl: 30m\n");
    Path launcher = root.resolve("baton");
    Files.writeString(
        launcher,
        "#!/bin/sh\nexec "
            + Path.of(System.getProperty("java.home"), "bin", "java")
            + " -jar "
            + jar
            + " \"$@\"\n");
    launcher.toFile().setExecutable(true);
    BrokerProcess.Home home = new BrokerProcess.Home(root.resolve("b"), config, "sqlite");
    Files.createDirectories(home.dir());
    BrokerProcess broker = BrokerProcess.start(jar, home).broker();
    String tmux = "baton-bench-" + ProcessHandle.current().pid();
    Cleanup.add(
        "tmux server " + tmux, () -> Commands.run(List.of("tmux", "-L", tmux, "kill-server")));
    Env env = new Env(jar, launcher, home, tmux);
    StringBuilder report = new StringBuilder();
    try (BrokerClient client = broker.unixClient(true)) {
      Map<Integer, Latencies> up = new TreeMap<>();
      for (int n : List.of(5, 10)) {
        up.put(n, new Latencies(rounds));
        for (int r = 0; r < rounds; r++) {
          progress("baton up with " + n + " instances, round " + (r + 1) + " of " + rounds);
          up.get(n).add(upRound(env, client, root.resolve("up-" + n + "-" + r), n));
        }
      }
      progress(
          "baton top: " + instances + " instances, " + rate + " events/s for " + seconds + " s");
      TopFigures top = topRun(env, client, root.resolve("top"), instances, rate, seconds);
      report.append(report(up, top, instances, rate, seconds, rounds));
    } finally {
      broker.stop();
    }
    Machine.describe(root, jar)
        .forEach((k, v) -> report.append("- ").append(k).append(": ").append(v).append("\n"));
    return report.toString();
  }

  /** One {@code baton up}: nanoseconds until every instance is registered with its worktree. */
  private static long upRound(Env env, BrokerClient client, Path repo, int n) throws Exception {
    repository(repo);
    List<String> command =
        List.of(
            env.launcher().toString(),
            "up",
            "--count",
            String.valueOf(n),
            "--role",
            "developer",
            "--agent",
            "shell",
            "--no-attach");
    ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("BATON_") || k.equals("TMUX"));
    pb.environment().putAll(env.vars());
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    long t0 = System.nanoTime();
    Process p = pb.start();
    long deadline = t0 + 120_000_000_000L;
    long took = -1;
    while (System.nanoTime() < deadline) {
      var live = client.instances(repo.toString(), null).instances();
      if (live.size() == n
          && live.stream()
              .allMatch(i -> i.worktree() != null && Files.isDirectory(Path.of(i.worktree())))) {
        took = System.nanoTime() - t0;
        break;
      }
      Thread.sleep(5);
    }
    p.waitFor();
    if (took < 0) {
      throw new IllegalStateException("baton up with " + n + " instances did not finish in 120 s");
    }
    ProcessBuilder down =
        new ProcessBuilder(env.launcher().toString(), "down").directory(repo.toFile());
    down.environment().keySet().removeIf(k -> k.startsWith("BATON_") || k.equals("TMUX"));
    down.environment().putAll(env.vars());
    down.redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    down.start().waitFor();
    return took;
  }

  private record TopFigures(
      Latencies.Summary toScreen,
      int events,
      int unseen,
      double cpuIdle,
      double cpuBusy,
      double startS) {}

  private static TopFigures topRun(
      Env env, BrokerClient client, Path repo, int instances, int rate, int seconds)
      throws Exception {
    repository(repo);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      ids.add(
          client
              .register(new RegisterBody("developer", repo.toString(), "bench-" + i, "bench"))
              .instance()
              .id());
    }
    Path trace = repo.resolveSibling("top.trace");
    StringBuilder exports = new StringBuilder();
    env.vars().forEach((k, v) -> exports.append(k).append('=').append(shellQuote(v)).append(' '));
    String command =
        "cd "
            + shellQuote(repo.toString())
            + " && exec env "
            + exports
            + shellQuote(env.launcher().toString())
            + " top --trace "
            + shellQuote(trace.toString());
    long t0 = System.nanoTime();
    String pid =
        Commands.check(
                List.of(
                    "tmux",
                    "-L",
                    env.tmux(),
                    "new-session",
                    "-d",
                    "-P",
                    "-F",
                    "#{pane_pid}",
                    "-x",
                    "200",
                    "-y",
                    "60",
                    "-s",
                    "top",
                    command))
            .strip();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!(Files.exists(trace) && Files.readAllLines(trace).size() > 0)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("baton top drew no frame in 60 s");
      }
      Thread.sleep(20);
    }
    double startS = (System.nanoTime() - t0) / 1e9;
    Thread.sleep(3000); // its first refreshes
    long idleTicks0 = ticks(pid);
    long idle0 = System.nanoTime();
    Thread.sleep(10_000);
    double cpuIdle = cpu(ticks(pid) - idleTicks0, System.nanoTime() - idle0);

    long mark = client.health().lastEventId();
    long ticks0 = ticks(pid);
    long busy0 = System.nanoTime();
    long period = 1_000_000_000L / rate;
    int total = rate * seconds;
    Map<String, String> held = new HashMap<>();
    for (int k = 0; k < total; k++) {
      long due = busy0 + k * period;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      String id = ids.get((k / 2) % ids.size());
      if (k % 2 == 0) {
        LeaseJson l =
            client
                .acquire(
                    new AcquireBody(
                        id, "src/f" + k + ".txt", null, null, null, null, "bench", null))
                .leases()
                .get(0);
        held.put(id, l.id());
      } else {
        client.release(held.remove(id), id, false, null);
      }
    }
    double cpuBusy = cpu(ticks(pid) - ticks0, System.nanoTime() - busy0);
    long last = client.health().lastEventId();
    Thread.sleep(2000); // the last frames
    Map<Long, Long> committed = events(client, mark, last);
    List<long[]> frames = new ArrayList<>();
    for (String line : Files.readAllLines(trace)) {
      String[] f = line.split(" ");
      frames.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])});
    }
    Latencies toScreen = new Latencies(committed.size());
    int unseen = 0;
    for (Map.Entry<Long, Long> e : committed.entrySet()) {
      long shownAt = -1;
      for (long[] f : frames) {
        if (f[0] >= e.getKey()) {
          shownAt = f[1];
          break;
        }
      }
      if (shownAt < 0) {
        unseen++;
      } else {
        toScreen.add(Math.max(0, shownAt - e.getValue()) * 1_000_000L);
      }
    }
    Commands.run(List.of("tmux", "-L", env.tmux(), "kill-session", "-t", "top"));
    return new TopFigures(toScreen.summary(), committed.size(), unseen, cpuIdle, cpuBusy, startS);
  }

  /** Event id to commit time (epoch ms), for the events after {@code after} up to {@code last}. */
  private static Map<Long, Long> events(BrokerClient client, long after, long last)
      throws IOException {
    Map<Long, Long> out = new TreeMap<>();
    try (EventStreamReader stream = client.events(after)) {
      EventStreamReader.ServerSentEvent sse;
      while ((sse = stream.next()) != null) {
        if (sse.id() == null || sse.data() == null) {
          continue;
        }
        JsonNode e = Json.MAPPER.readTree(sse.data());
        long id = e.path("id").asLong();
        out.put(id, Instant.parse(e.path("at").asString()).toEpochMilli());
        if (id >= last) {
          break;
        }
      }
    }
    return out;
  }

  /** utime + stime of a process, in clock ticks. */
  private static long ticks(String pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", pid, "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** Percent of one core. */
  private static double cpu(long ticks, long nanos) {
    return 100.0 * ticks / 100.0 / (nanos / 1e9);
  }

  private static void repository(Path repo) throws IOException {
    Files.createDirectories(repo);
    Commands.check(List.of("git", "-C", repo.toString(), "init", "-q", "-b", "main"));
    Files.writeString(repo.resolve("README"), "bench\n");
    Commands.check(List.of("git", "-C", repo.toString(), "add", "-A"));
    Commands.check(
        List.of(
            "git",
            "-C",
            repo.toString(),
            "-c",
            "user.name=bench",
            "-c",
            "user.email=b@localhost",
            "commit",
            "-q",
            "-m",
            "init"));
  }

  private static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static String report(
      Map<Integer, Latencies> up,
      TopFigures top,
      int instances,
      int rate,
      int seconds,
      int rounds) {
    StringBuilder s = new StringBuilder();
    s.append("| `baton up --agent shell` (broker running) | p50 ms | max ms |\n");
    s.append("|---|---:|---:|\n");
    up.forEach(
        (n, l) -> {
          Latencies.Summary x = l.summary();
          s.append(
              String.format(Locale.ROOT, "| %d instances | %.0f | %.0f |%n", n, x.p50(), x.max()));
        });
    s.append(
        String.format(
            Locale.ROOT,
            "%n%d rounds each; from the command's start until every instance is registered and its"
                + " worktree exists (polled every 5 ms).%n%n",
            rounds));
    Latencies.Summary t = top.toScreen();
    s.append("| `baton top`, ").append(instances).append(" instances | figure |\n|---|---:|\n");
    s.append(String.format(Locale.ROOT, "| first frame after start | %.2f s |%n", top.startS()));
    s.append(
        String.format(
            Locale.ROOT, "| CPU, no events (10 s) | %.1f %% of a core |%n", top.cpuIdle()));
    s.append(
        String.format(
            Locale.ROOT,
            "| CPU, %d events/s (%d s) | %.1f %% of a core |%n",
            rate,
            seconds,
            top.cpuBusy()));
    s.append(
        String.format(
            Locale.ROOT,
            "| event committed → on screen, p50 / p90 / p99 / max | %.0f / %.0f / %.0f / %.0f ms |%n",
            t.p50(),
            t.p90(),
            t.p99(),
            t.max()));
    s.append(
        String.format(
            Locale.ROOT, "| events / never shown | %d / %d |%n%n", top.events(), top.unseen()));
    return s.toString();
  }

  private static void progress(String message) {
    System.err.println("bench: " + message);
  }
}
