package dev.baton.it;

import static dev.baton.testing.GitRepos.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.api.LandBody;
import dev.baton.api.LandJson;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.BrokerUnreachableException;
import dev.baton.testing.GitRepos;
import dev.baton.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight instances in worktrees the broker made make random commits (adds, edits, deletes, renames,
 * some on the same files) and land them over HTTP at the same time, while the broker is killed with
 * {@code kill -9} three times at random moments, each time right after a land was queued, and
 * started again on the same data directory. A conflicted land is answered as an agent would: the
 * work is kept under {@code refs/baton/saved/test/<id>/<round>}, then rebased onto the base, or,
 * when that conflicts too, dropped from the branch by a reset to the base.
 *
 * <p>Afterwards: the base's history is linear; every commit of every land the broker answered
 * {@code landed} ({@code from..to}) is on it, with as many commits as the instance asked to land;
 * every commit an instance made is on its branch, under {@code refs/baton/saved/}, or was part of a
 * land answered {@code landed}; no lock file, scratch worktree or half-made worktree is left, every
 * instance worktree is there, clean, on its branch; {@code git fsck} is clean. The seed is printed
 * and named in every failure.
 */
class LandKillIT {
  private static final int INSTANCES = 8;
  private static final int ROUNDS = 4;
  private static final int SHARED_FILES = 3;
  private static final int KILLS = 3;

  /** A land-check that keeps each land started a little while, so that kills meet lands. */
  private static final String CONFIG =
      "registry: {instance-ttl: 30m}\ngit:\n  land-check: \"sleep 0.2\"\n";

  private static final Duration OUTCOME_TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path tmp;

  private BrokerSandbox sandbox;
  private Path config;
  private Path repo;
  private volatile BrokerProcess broker;
  private long seed;

  /** What one instance did. */
  private record Work(
      String id,
      Path worktree,
      List<String> commits,
      List<LandJson> lands,
      Set<String> landedOriginals,
      List<String> countMismatches) {}

  @AfterEach
  void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void randomLandsOfEightWorktreesSurviveKillNineOfTheBroker() throws Exception {
    seed = Long.getLong("landkill.seed", System.nanoTime());
    System.out.println("LandKillIT seed " + seed + " (rerun with -Dlandkill.seed=" + seed + ")");
    Random random = new Random(seed);
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    config = sandbox.writeConfig("baton.yaml", CONFIG);
    repo = GitRepos.create(tmp.resolve("repo"));
    for (int k = 0; k < SHARED_FILES; k++) {
      write(repo, "shared/s" + k + ".txt", "line 1\nline 2\nline 3\n");
    }
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "shared files");
    broker = sandbox.start("--config", config.toString());

    List<String> ids = new ArrayList<>();
    List<Path> worktrees = new ArrayList<>();
    for (int i = 0; i < INSTANCES; i++) {
      String id = "dev-" + i;
      String wt =
          call(
              "register " + id,
              c ->
                  c.register(
                          new RegisterBody("developer", repo.toString(), id, "test", true, "main"))
                      .instance()
                      .worktree());
      assertThat(wt).as("worktree of " + id + seedNote()).isNotNull();
      ids.add(id);
      worktrees.add(Path.of(wt));
    }

    AtomicInteger posted = new AtomicInteger();
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(INSTANCES + 1);
    List<Future<Work>> running = new ArrayList<>();
    for (int i = 0; i < INSTANCES; i++) {
      String id = ids.get(i);
      Path wt = worktrees.get(i);
      Random own = new Random(seed + 1 + i);
      running.add(pool.submit(() -> work(id, wt, own, posted)));
    }
    Future<Integer> killer = pool.submit(() -> kill(random, posted, done));
    List<Work> works = new ArrayList<>();
    long started = System.nanoTime();
    try {
      for (Future<Work> f : running) {
        works.add(f.get(3, TimeUnit.MINUTES));
      }
    } finally {
      done.set(true);
    }
    int kills = killer.get(2, TimeUnit.MINUTES);
    pool.shutdown();
    long landedCount =
        works.stream()
            .flatMap(w -> w.lands().stream())
            .filter(l -> l.status().equals("landed"))
            .count();
    System.out.printf(
        "LandKillIT seed %d: %d lands (%d landed), %d kills, %d s%n",
        seed, posted.get(), landedCount, kills, (System.nanoTime() - started) / 1_000_000_000L);

    assertThat(kills).as("kill -9 of the broker" + seedNote()).isEqualTo(KILLS);
    checkHistory(works);
    checkLeftovers(works);
  }

  /** Kills the broker after a random number of queued lands, three times, and starts it again. */
  private int kill(Random random, AtomicInteger posted, AtomicBoolean done) throws Exception {
    int total = INSTANCES * ROUNDS;
    int kills = 0;
    for (int k = 1; k <= KILLS; k++) {
      int threshold = k * total / (KILLS + 1) - 3 + random.nextInt(5);
      await("land #" + threshold + " queued" + seedNote())
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> posted.get() >= threshold || done.get());
      if (done.get()) {
        break;
      }
      // deliberate jitter, not a wait for anything: the kill meets a land queued, started,
      // rebasing, checking or moving the base
      Thread.sleep(random.nextInt(600));
      long unfinished =
          withClient(c -> c.lands(null, null, 200).lands().stream().filter(l -> !l.finished()))
              .count();
      BrokerProcess killed = broker;
      killed.sigkill();
      killed.waitFor(Duration.ofSeconds(30));
      kills++;
      System.out.println(
          "LandKillIT: kill -9 #"
              + kills
              + " after "
              + posted.get()
              + " lands, "
              + unfinished
              + " unfinished");
      broker = sandbox.start("--config", config.toString());
    }
    return kills;
  }

  /** One instance: rounds of random commits, each round landed and its outcome awaited. */
  private Work work(String id, Path wt, Random random, AtomicInteger posted) throws Exception {
    List<String> commits = new ArrayList<>();
    List<LandJson> outcomes = new ArrayList<>();
    Set<String> landedOriginals = new HashSet<>();
    List<String> mismatches = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    List<String> own = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      int n = 1 + random.nextInt(3);
      for (int c = 0; c < n; c++) {
        change(id, wt, random, own, round * 10 + c);
        git(wt, "add", "-A");
        git(wt, "commit", "-q", "--allow-empty", "-m", id + " round " + round + " commit " + c);
        commits.add(head(wt));
      }
      List<String> pending = revList(wt, "main..HEAD");
      if (pending.isEmpty()) {
        continue;
      }
      long landId = post(id, seen);
      posted.incrementAndGet();
      LandJson l = outcome(landId);
      outcomes.add(l);
      if (l.status().equals("landed")) {
        landedOriginals.addAll(pending);
        int landedCount = revList(repo, l.from() + ".." + l.to()).size();
        if (landedCount != pending.size()) {
          mismatches.add(
              "land #" + landId + " landed " + landedCount + " of " + pending.size() + " commits");
        }
      } else {
        // as an agent would: keep the work on a ref, rebase, or start again from the base
        git(wt, "update-ref", "refs/baton/saved/test/" + id + "/" + round, "HEAD");
        String onto = git(wt, "rev-parse", "main").strip();
        if (Processes.run(wt, Map.of(), gitArgs("rebase", "-q", onto)).exitCode() != 0) {
          git(wt, "rebase", "--abort");
          git(wt, "reset", "-q", "--hard", onto);
        } else {
          commits.addAll(revList(wt, onto + "..HEAD"));
        }
        own.removeIf(f -> !Files.exists(wt.resolve(f)));
      }
    }
    return new Work(id, wt, commits, outcomes, landedOriginals, mismatches);
  }

  /**
   * Queues a land of {@code id}'s branch and returns its number; when the broker died under the
   * request, the land it may have queued before it died is taken instead of queueing another.
   */
  private long post(String id, Set<Long> seen) {
    long landId =
        call(
            "land " + id,
            c -> {
              for (LandJson l : c.lands(null, id, 50).lands()) {
                if (!seen.contains(l.id())) {
                  return l.id();
                }
              }
              return c.land(new LandBody(id, null)).id();
            });
    seen.add(landId);
    return landId;
  }

  private LandJson outcome(long landId) {
    return await("outcome of land #" + landId + seedNote())
        .atMost(OUTCOME_TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .ignoreException(BrokerUnreachableException.class)
        .until(() -> withClient(c -> c.land(landId)), LandJson::finished);
  }

  /** Calls the broker, whichever one runs now, until it answers. */
  private <T> T call(String what, Function<BrokerClient, T> f) {
    return await(what + seedNote())
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(100))
        .ignoreException(BrokerUnreachableException.class)
        .until(() -> withClient(f), r -> true);
  }

  private <T> T withClient(Function<BrokerClient, T> f) {
    try (BrokerClient c =
        BrokerClient.overUnixSocket(sandbox.socket(), false, Duration.ofSeconds(30))) {
      return f.apply(c);
    }
  }

  private void checkHistory(List<Work> works) {
    assertThat(git(repo, "rev-list", "--merges", "main"))
        .as("merges on main" + seedNote())
        .isBlank();
    int landed = 0;
    Set<String> landedOriginals = new HashSet<>();
    for (Work w : works) {
      assertThat(w.countMismatches()).as("lands of " + w.id() + seedNote()).isEmpty();
      landedOriginals.addAll(w.landedOriginals());
      for (LandJson l : w.lands()) {
        assertThat(l.status())
            .as("land #%d of %s: %s%s", l.id(), w.id(), l.error(), seedNote())
            .isIn("landed", "conflicted");
        if (l.status().equals("landed")) {
          landed++;
          for (String c : revList(repo, l.from() + ".." + l.to())) {
            assertThat(isAncestor(c, "main"))
                .as("commit %s of land #%d (%s) on main%s", c, l.id(), w.id(), seedNote())
                .isTrue();
          }
        }
      }
    }
    assertThat(landed).as("lands that landed" + seedNote()).isPositive();
    List<String> saved =
        git(repo, "for-each-ref", "--format=%(refname)", "refs/baton/saved/")
            .strip()
            .lines()
            .filter(r -> !r.isBlank())
            .toList();
    for (Work w : works) {
      List<String> refs = new ArrayList<>(saved);
      refs.add("refs/heads/instance/" + w.id());
      for (String c : w.commits()) {
        boolean kept = landedOriginals.contains(c) || refs.stream().anyMatch(r -> isAncestor(c, r));
        assertThat(kept)
            .as("commit %s of %s: landed, on its branch or saved%s", c, w.id(), seedNote())
            .isTrue();
      }
    }
  }

  private void checkLeftovers(List<Work> works) throws Exception {
    Processes.Result fsck = Processes.run(repo, Map.of(), List.of("git", "fsck", "--no-progress"));
    assertThat(fsck.exitCode())
        .as("git fsck: " + fsck.stdout() + fsck.stderr() + seedNote())
        .isZero();
    try (Stream<Path> files = Files.walk(repo.resolve(".git"))) {
      assertThat(files.map(Path::toString).filter(p -> p.endsWith(".lock")).toList())
          .as("lock files" + seedNote())
          .isEmpty();
    }
    String list = git(repo, "worktree", "list", "--porcelain");
    assertThat(list).as("worktrees" + seedNote()).doesNotContain("land-", "prunable");
    assertThat(git(repo, "worktree", "prune", "--dry-run", "-v"))
        .as("half-made worktrees" + seedNote())
        .isBlank();
    Path scratch = sandbox.dataDir().resolve("lands");
    if (Files.isDirectory(scratch)) {
      try (Stream<Path> left = Files.list(scratch)) {
        assertThat(left.filter(Files::isDirectory).toList())
            .as("scratch worktrees" + seedNote())
            .isEmpty();
      }
    }
    try (Stream<Path> admin = Files.list(repo.resolve(".git/worktrees"))) {
      assertThat(admin.map(p -> p.getFileName().toString()).toList())
          .as("worktrees git knows" + seedNote())
          .hasSize(INSTANCES);
    }
    for (Work w : works) {
      assertThat(list).contains("worktree " + w.worktree() + "\n");
      assertThat(git(w.worktree(), "symbolic-ref", "HEAD").strip())
          .as("branch of " + w.worktree() + seedNote())
          .isEqualTo("refs/heads/instance/" + w.id());
      assertThat(git(w.worktree(), "status", "--porcelain"))
          .as("status of " + w.worktree() + seedNote())
          .isBlank();
    }
    assertThat(git(repo, "status", "--porcelain")).as("status of the main worktree").isBlank();
  }

  private String seedNote() {
    return " (seed " + seed + ")";
  }

  private boolean isAncestor(String commit, String ref) {
    return Processes.run(repo, Map.of(), gitArgs("merge-base", "--is-ancestor", commit, ref))
            .exitCode()
        == 0;
  }

  private static List<String> revList(Path dir, String range) {
    return git(dir, "rev-list", range).strip().lines().filter(s -> !s.isBlank()).toList();
  }

  private static String head(Path wt) {
    return git(wt, "rev-parse", "HEAD").strip();
  }

  private static List<String> gitArgs(String... args) {
    List<String> all =
        new ArrayList<>(
            List.of("git", "-c", "user.name=baton-test", "-c", "user.email=test@baton.invalid"));
    Collections.addAll(all, args);
    return all;
  }

  private static void write(Path dir, String file, String text) throws Exception {
    Path p = dir.resolve(file);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  /** One random change: add, delete, rename or edit a file of its own, or edit a shared one. */
  private static void change(String id, Path wt, Random random, List<String> own, int n)
      throws Exception {
    int op = random.nextInt(5);
    if (op == 0 || own.isEmpty()) {
      String f = id + "/f" + n + ".txt";
      write(wt, f, "new file " + n + " of " + id + "\n");
      own.add(f);
    } else if (op == 1) {
      String f = own.remove(random.nextInt(own.size()));
      git(wt, "rm", "-q", f);
    } else if (op == 2) {
      String from = own.remove(random.nextInt(own.size()));
      String to = id + "/renamed" + n + ".txt";
      git(wt, "mv", from, to);
      own.add(to);
    } else if (op == 3) {
      String f = own.get(random.nextInt(own.size()));
      Files.writeString(wt.resolve(f), "edited " + n + "\n", StandardOpenOption.APPEND);
    } else {
      String f = "shared/s" + random.nextInt(SHARED_FILES) + ".txt";
      List<String> lines = new ArrayList<>(Files.readAllLines(wt.resolve(f)));
      lines.set(random.nextInt(lines.size()), id + " was here " + n);
      Files.write(wt.resolve(f), lines);
    }
  }
}
