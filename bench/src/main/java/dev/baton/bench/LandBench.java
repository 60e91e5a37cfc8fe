package dev.baton.bench;

import dev.baton.api.LandBody;
import dev.baton.api.LandJson;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Instances landing at once (issue 13's benchmark): N instances, each in a worktree of its own made
 * by the broker, commit one new file each and ask to land at the same moment; the broker lands them
 * one after another. Reported: lands per minute, and each land's time from request to landed, as
 * the broker stamped it ({@code finishedAt - queuedAt}). Beside it, git's own work for one land
 * done by hand, in the same repository, one land at a time: {@code git worktree add --detach} of a
 * scratch tree, {@code rebase} there, {@code merge --ff-only} of the base where it is checked out,
 * {@code worktree remove}, and {@code reset --keep} in the agent's worktree, so that baton's
 * overhead per land is what a round takes per land beyond that.
 */
public final class LandBench {
  private static final Set<String> DONE = Set.of("landed", "conflicted", "failed");
  private static final Duration LAND_TIMEOUT = Duration.ofMinutes(5);

  private LandBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = 10;
    int instances = 10;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--instances" -> instances = Integer.parseInt(args[++i]);
        case "--help" -> {
          System.out.println("Usage: bench/run-lands [--rounds 10] [--instances 10]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (rounds < 2 || rounds > 200 || instances < 1 || instances > 50) {
      throw new IllegalArgumentException("--rounds 2..200, --instances 1..50");
    }
    int code = 0;
    try {
      System.out.print(run(rounds, instances));
    } catch (RuntimeException e) {
      System.err.println("bench: failed: " + e.getMessage());
      e.printStackTrace();
      code = 1;
    } finally {
      Cleanup.runAll();
    }
    System.exit(code);
  }

  private static String run(int rounds, int n) throws Exception {
    Path jar = Path.of(System.getProperty("bench.jar", "target/baton.jar")).toAbsolutePath();
    Path root = Cleanup.tempDir(Path.of("/tmp"), "baton-land-bench-");
    Path repo = root.resolve("repo");
    repository(repo, 200);
    Path config = root.resolve("baton.yaml");
    Files.writeString(config, "registry:\n  instance-ttl: 30m\n");
    progress("git's own work for one land, by hand (" + rounds + " lands, not concurrent)");
    Latencies bare = new Latencies(rounds);
    bareLand(repo, root, "warm");
    for (int r = 0; r < rounds; r++) {
      bare.add(bareLand(repo, root, "r" + r));
    }
    BrokerProcess broker =
        BrokerProcess.start(
                jar, new BrokerProcess.Home(Cleanup.tempDir(root, "sqlite-"), config, "sqlite"))
            .broker();
    Latencies perLand = new Latencies(rounds * n);
    long wallNanos = 0;
    int landed = 0;
    try (BrokerClient c = broker.unixClient(true)) {
      List<Path> worktrees = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        var registered =
            c.register(
                new RegisterBody("developer", repo.toString(), "land-" + i, "bench", true, "main"));
        ids.add(registered.instance().id());
        worktrees.add(Path.of(c.worktree(registered.instance().id()).path()));
      }
      ExecutorService pool = Executors.newFixedThreadPool(n);
      try {
        round(broker, pool, ids, worktrees, "warm", null);
        for (int r = 0; r < rounds; r++) {
          progress("round " + (r + 1) + " of " + rounds + ": " + n + " instances land at once");
          long t0 = System.nanoTime();
          landed += round(broker, pool, ids, worktrees, "r" + r, perLand);
          wallNanos += System.nanoTime() - t0;
        }
      } finally {
        pool.shutdownNow();
      }
    } finally {
      broker.stop();
    }
    return report(rounds, n, landed, wallNanos, perLand.summary(), bare.summary(), root, jar);
  }

  /** Each instance commits a file, then all ask to land at once; returns how many landed. */
  private static int round(
      BrokerProcess broker,
      ExecutorService pool,
      List<String> ids,
      List<Path> worktrees,
      String tag,
      Latencies perLand)
      throws Exception {
    for (int i = 0; i < ids.size(); i++) {
      Path file = worktrees.get(i).resolve("work/" + ids.get(i) + "/" + tag + ".txt");
      Files.createDirectories(file.getParent());
      Files.writeString(file, tag + " by " + ids.get(i) + "\n");
      git(worktrees.get(i), "add", "-A");
      commit(worktrees.get(i), tag + " of " + ids.get(i));
    }
    CyclicBarrier start = new CyclicBarrier(ids.size());
    List<Future<LandJson>> outcomes = new ArrayList<>();
    for (String id : ids) {
      outcomes.add(
          pool.submit(
              () -> {
                try (BrokerClient c = broker.unixClient(true)) {
                  start.await(60, TimeUnit.SECONDS);
                  LandJson land = c.land(new LandBody(id, null));
                  long deadline = System.nanoTime() + LAND_TIMEOUT.toNanos();
                  while (!DONE.contains(land.status())) {
                    if (System.nanoTime() > deadline) {
                      throw new IllegalStateException(
                          "land #" + land.id() + " still " + land.status());
                    }
                    Thread.sleep(20);
                    land = c.land(land.id());
                  }
                  return land;
                }
              }));
    }
    int landed = 0;
    for (Future<LandJson> f : outcomes) {
      LandJson land = f.get(LAND_TIMEOUT.toSeconds() + 60, TimeUnit.SECONDS);
      if (!land.status().equals("landed")) {
        throw new IllegalStateException(
            "land #"
                + land.id()
                + " of "
                + land.instance()
                + " "
                + land.status()
                + ": "
                + land.error());
      }
      landed++;
      if (perLand != null) {
        perLand.add(Duration.between(land.queuedAt(), land.finishedAt()).toNanos());
      }
    }
    return landed;
  }

  /**
   * One land by hand, as baton would do it, of a branch with one new commit: returns the
   * nanoseconds of git's work (making the branch and its commit is not counted).
   */
  private static long bareLand(Path repo, Path root, String tag) throws Exception {
    Path agent = root.resolve("bare-agent-" + tag);
    git(repo, "worktree", "add", "-q", "-b", "bare/" + tag, agent.toString(), "main");
    Path file = agent.resolve("bare/" + tag + ".txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, tag + "\n");
    git(agent, "add", "-A");
    commit(agent, "bare " + tag);
    String head = git(agent, "rev-parse", "HEAD").strip();
    Path scratch = root.resolve("bare-scratch-" + tag);
    long t0 = System.nanoTime();
    git(repo, "worktree", "add", "-q", "--detach", scratch.toString(), head);
    gitAs(scratch, "rebase", "-q", "main");
    String landedHead = git(scratch, "rev-parse", "HEAD").strip();
    git(repo, "merge", "--ff-only", "-q", landedHead);
    git(repo, "worktree", "remove", "--force", scratch.toString());
    git(agent, "reset", "-q", "--keep", landedHead);
    long took = System.nanoTime() - t0;
    git(repo, "worktree", "remove", "--force", agent.toString());
    git(repo, "branch", "-D", "-q", "bare/" + tag);
    return took;
  }

  private static void repository(Path repo, int files) throws Exception {
    Files.createDirectories(repo);
    git(repo, "init", "-q", "-b", "main");
    for (int i = 0; i < files; i++) {
      Path file = repo.resolve("src/d" + (i % 20) + "/f" + i + ".txt");
      Files.createDirectories(file.getParent());
      Files.writeString(file, "line " + i + "\n");
    }
    git(repo, "add", "-A");
    commit(repo, "init");
  }

  private static void commit(Path dir, String message) {
    gitAs(dir, "commit", "-q", "-m", message);
  }

  private static String gitAs(Path dir, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "git",
                "-C",
                dir.toString(),
                "-c",
                "user.name=bench",
                "-c",
                "user.email=bench@localhost"));
    command.addAll(List.of(args));
    return Commands.check(command);
  }

  private static String git(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    return Commands.check(command);
  }

  private static String report(
      int rounds,
      int n,
      int landed,
      long wallNanos,
      Latencies.Summary perLand,
      Latencies.Summary bare,
      Path root,
      Path jar) {
    double wallMs = wallNanos / 1e6;
    double perLandMs = wallMs / landed;
    StringBuilder s = new StringBuilder();
    s.append("| measure | value |\n|---|---:|\n");
    s.append(
        String.format(
            Locale.ROOT, "| lands | %d (%d rounds × %d instances) |%n", landed, rounds, n));
    s.append(
        String.format(Locale.ROOT, "| lands per minute | %.0f |%n", landed / (wallMs / 60_000)));
    s.append(String.format(Locale.ROOT, "| request to landed, p50 ms | %.1f |%n", perLand.p50()));
    s.append(String.format(Locale.ROOT, "| request to landed, p99 ms | %.1f |%n", perLand.p99()));
    s.append(String.format(Locale.ROOT, "| round time per land, ms | %.1f |%n", perLandMs));
    s.append(
        String.format(
            Locale.ROOT, "| git's own work per land by hand, p50 ms | %.1f |%n", bare.p50()));
    s.append(
        String.format(
            Locale.ROOT,
            "| baton's overhead per land (round time per land − git by hand), ms | %.1f |%n",
            perLandMs - bare.p50()));
    s.append(
        String.format(
            Locale.ROOT,
            "%nEach round: every instance commits one new file in its worktree (untimed), then all"
                + " ask to land at once; a round ends when all have landed. Request to landed is"
                + " the broker's finishedAt − queuedAt. One round before, not counted.%n%n"));
    Machine.describe(root, jar)
        .forEach((k, v) -> s.append("- ").append(k).append(": ").append(v).append("\n"));
    return s.toString();
  }

  private static void progress(String message) {
    System.err.println("bench: " + message);
  }
}
