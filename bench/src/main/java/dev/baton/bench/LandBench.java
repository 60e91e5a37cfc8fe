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
 * one after another. Reported: lands per minute and the time per land, from the broker's own
 * stamps, and each land's time from request to landed ({@code finishedAt - queuedAt}). Beside it,
 * in the same repository, one land at a time: the git processes baton runs for a land, run by hand,
 * so that baton's overhead per land is what a round takes per land beyond them; and a land as a
 * person would type it (a scratch worktree added and removed, rebase, {@code merge --ff-only},
 * {@code reset --keep}).
 */
public final class LandBench {
  private static final Set<String> DONE = Set.of("landed", "conflicted", "failed");
  private static final Duration LAND_TIMEOUT = Duration.ofMinutes(5);

  /** The fewest lands by hand behind the p50 that overhead is measured against. */
  private static final int BY_HAND = 40;

  /** How often a client asks for its land's outcome (the broker's stamps time the round). */
  private static final Duration POLL = Duration.ofMillis(100);

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
    progress(
        "the git processes baton runs for one land, by hand ("
            + Math.max(BY_HAND, rounds)
            + " lands)");
    int byHand = Math.max(BY_HAND, rounds);
    Latencies asBaton = new Latencies(byHand);
    Path scratch = root.resolve("as-baton-scratch");
    git(repo, "worktree", "add", "-q", "--detach", scratch.toString(), "main");
    asBatonLand(repo, root, scratch, "warm");
    for (int r = 0; r < byHand; r++) {
      asBaton.add(asBatonLand(repo, root, scratch, "r" + r));
    }
    git(repo, "worktree", "remove", "--force", scratch.toString());
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
        commitAll(ids, worktrees, "warm");
        round(broker, pool, ids, "warm", null);
        for (int r = 0; r < rounds; r++) {
          progress("round " + (r + 1) + " of " + rounds + ": " + n + " instances land at once");
          commitAll(ids, worktrees, "r" + r);
          Round done = round(broker, pool, ids, "r" + r, perLand);
          landed += done.landed();
          wallNanos += done.nanos();
        }
      } finally {
        pool.shutdownNow();
      }
    } finally {
      broker.stop();
    }
    return report(
        new Figures(rounds, n, landed, wallNanos, perLand.summary(), bare.summary()),
        asBaton.summary(),
        root,
        jar);
  }

  /** What the rounds came to. */
  private record Figures(
      int rounds,
      int n,
      int landed,
      long wallNanos,
      Latencies.Summary perLand,
      Latencies.Summary bare) {}

  /**
   * One round: how many landed, and the round's time as the broker stamped it, from the first
   * request queued to the last land finished (the clients' polling adds nothing to it).
   */
  private record Round(int landed, long nanos) {}

  /** Each instance commits one new file in its worktree (not timed). */
  private static void commitAll(List<String> ids, List<Path> worktrees, String tag)
      throws Exception {
    for (int i = 0; i < ids.size(); i++) {
      Path file = worktrees.get(i).resolve("work/" + ids.get(i) + "/" + tag + ".txt");
      Files.createDirectories(file.getParent());
      Files.writeString(file, tag + " by " + ids.get(i) + "\n");
      git(worktrees.get(i), "add", "-A");
      commit(worktrees.get(i), tag + " of " + ids.get(i));
    }
  }

  /** All ask to land at once and wait for their outcomes. */
  private static Round round(
      BrokerProcess broker, ExecutorService pool, List<String> ids, String tag, Latencies perLand)
      throws Exception {
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
                    Thread.sleep(POLL.toMillis());
                    land = c.land(land.id());
                  }
                  return land;
                }
              }));
    }
    int landed = 0;
    java.time.Instant first = null;
    java.time.Instant last = null;
    for (Future<LandJson> f : outcomes) {
      LandJson land = f.get(LAND_TIMEOUT.toSeconds() + 60, TimeUnit.SECONDS);
      if (!land.status().equals("landed")) {
        throw new IllegalStateException(
            "land #"
                + land.id()
                + " of "
                + land.instance()
                + " in round "
                + tag
                + " "
                + land.status()
                + ": "
                + land.error());
      }
      landed++;
      first = first == null || land.queuedAt().isBefore(first) ? land.queuedAt() : first;
      last = last == null || land.finishedAt().isAfter(last) ? land.finishedAt() : last;
      if (perLand != null) {
        perLand.add(Duration.between(land.queuedAt(), land.finishedAt()).toNanos());
      }
    }
    return new Round(landed, Duration.between(first, last).toNanos());
  }

  /**
   * One land by hand with the git processes baton itself runs for one (its request's count of new
   * commits, both tips in one read, the rebase in a scratch worktree made once, the base's status
   * and fast-forward where it is checked out, the landed files, the agent worktree's status and its
   * reset; baton reads the rebased commit and the reflog after the reset from files): the
   * nanoseconds of git's work, so that what baton adds around its own git is what a round takes per
   * land beyond this.
   */
  private static long asBatonLand(Path repo, Path root, Path scratch, String tag) throws Exception {
    String branch = "as-baton/" + tag;
    Path agent = root.resolve("as-baton-agent-" + tag);
    git(repo, "worktree", "add", "-q", "-b", branch, agent.toString(), "main");
    Path file = agent.resolve("as-baton/" + tag + ".txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, tag + "\n");
    git(agent, "add", "-A");
    commit(agent, "as baton " + tag);
    long t0 = System.nanoTime();
    git(repo, "rev-list", "--count", "refs/heads/main..refs/heads/" + branch);
    String[] tips =
        git(
                repo,
                "for-each-ref",
                "--format=%(objectname)",
                "refs/heads/main",
                "refs/heads/" + branch)
            .strip()
            .split("\n");
    String oldBase = tips[0];
    gitAs(scratch, "rebase", "-q", "main", tips[1]);
    String landedHead = Files.readString(headFile(scratch)).strip();
    git(repo, "status", "--porcelain=v2", "--branch");
    git(repo, "merge", "--ff-only", "-q", landedHead);
    git(repo, "diff", "--name-only", oldBase, landedHead);
    git(agent, "status", "--porcelain");
    git(agent, "reset", "-q", "--keep", landedHead);
    long took = System.nanoTime() - t0;
    git(repo, "worktree", "remove", "--force", agent.toString());
    git(repo, "branch", "-D", "-q", branch);
    return took;
  }

  /** The HEAD file of a linked worktree, which baton reads instead of asking git. */
  private static Path headFile(Path worktree) throws Exception {
    String link = Files.readString(worktree.resolve(".git")).strip();
    return worktree.resolve(link.substring("gitdir: ".length())).resolve("HEAD");
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

  private static String report(Figures f, Latencies.Summary asBaton, Path root, Path jar) {
    double wallMs = f.wallNanos() / 1e6;
    double perLandMs = wallMs / f.landed();
    StringBuilder s = new StringBuilder();
    s.append("| measure | value |\n|---|---:|\n");
    row(s, "lands", f.landed() + " (" + f.rounds() + " rounds × " + f.n() + " instances)");
    row(s, "lands per minute", String.format(Locale.ROOT, "%.0f", f.landed() / (wallMs / 60_000)));
    row(s, "request to landed, p50 ms", ms(f.perLand().p50()));
    row(s, "request to landed, p99 ms", ms(f.perLand().p99()));
    row(
        s,
        "round time per land, ms (the broker's first queuedAt to last finishedAt)",
        ms(perLandMs));
    row(s, "the git processes baton runs for a land, run by hand, p50 ms", ms(asBaton.p50()));
    row(
        s,
        "**baton's overhead per land** (round time per land − its git by hand), ms",
        "**" + ms(perLandMs - asBaton.p50()) + "**");
    row(s, "a land as a person types it, by hand, p50 ms", ms(f.bare().p50()));
    row(s, "round time per land − a land typed by hand, ms", ms(perLandMs - f.bare().p50()));
    s.append(
        String.format(
            Locale.ROOT,
            "%nEach round: every instance commits one new file in its worktree (not timed), then"
                + " all ask to land at once; a round is timed by the broker's stamps, from the"
                + " first land queued to the last landed. Request to landed is each land's"
                + " finishedAt − queuedAt. One round before, not counted. The clients poll each"
                + " land every %d ms.%n%n",
            POLL.toMillis()));
    Machine.describe(root, jar)
        .forEach((k, v) -> s.append("- ").append(k).append(": ").append(v).append("\n"));
    return s.toString();
  }

  private static void row(StringBuilder s, String measure, String value) {
    s.append("| ").append(measure).append(" | ").append(value).append(" |\n");
  }

  private static String ms(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  private static void progress(String message) {
    System.err.println("bench: " + message);
  }
}
