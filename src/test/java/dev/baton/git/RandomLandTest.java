package dev.baton.git;

import static dev.baton.testing.GitRepos.git;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.store.StoreConfig;
import dev.baton.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Several instances in their own worktrees make random commits (adds, edits, deletes, renames, some
 * on the same files) and land at the same time. Afterwards the base's history is linear, every
 * acknowledged land is on it, every commit an instance made is on its branch, on a ref it saved
 * after a conflict, or part of a land acknowledged as landed; no lock file or scratch worktree is
 * left and {@code git fsck} is clean. Bounded: a few instances, a few rounds each.
 */
class RandomLandTest extends LandFixture {
  private static final int INSTANCES = 4;
  private static final int ROUNDS = 3;
  private static final int SHARED_FILES = 3;

  @Override
  protected StoreConfig storeConfig() {
    return StoreConfig.sqlite(dir.resolve("data/baton.db"), 4);
  }

  /** What one instance did: every commit it made and what its lands came to. */
  private record Work(String id, List<String> commits, List<Land> lands) {}

  @Test
  void concurrentRandomLandsKeepTheBaseLinearAndLoseNoCommit() throws Exception {
    long seed = System.nanoTime();
    System.out.println("RandomLandTest seed " + seed);
    for (int k = 0; k < SHARED_FILES; k++) {
      write(repo, "shared/s" + k + ".txt", "line 1\nline 2\nline 3\n");
    }
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "shared files");
    List<Path> worktrees = new ArrayList<>();
    for (int i = 0; i < INSTANCES; i++) {
      worktrees.add(agent("dev-" + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(INSTANCES);
    List<Future<Work>> running = new ArrayList<>();
    for (int i = 0; i < INSTANCES; i++) {
      Path wt = worktrees.get(i);
      String id = "dev-" + i;
      Random random = new Random(seed + i);
      running.add(pool.submit(() -> work(id, wt, random)));
    }
    List<Work> done = new ArrayList<>();
    for (Future<Work> f : running) {
      done.add(f.get(5, TimeUnit.MINUTES));
    }
    pool.shutdown();

    assertThat(git(repo, "rev-list", "--merges", "main")).as("merge commits on main").isBlank();
    List<String> landedHeads = new ArrayList<>();
    int landed = 0;
    for (Work w : done) {
      for (Land l : w.lands()) {
        assertThat(l.status()).isIn(LandStatus.LANDED, LandStatus.CONFLICTED);
        if (l.status() == LandStatus.LANDED) {
          landed++;
          landedHeads.add(l.branchHead());
          assertThat(isAncestor(l.newHead(), "main")).as("land #%d on main", l.id()).isTrue();
        }
      }
    }
    assertThat(landed).as("lands that landed, seed " + seed).isPositive();
    for (Work w : done) {
      List<String> refs = new ArrayList<>(List.of("refs/heads/instance/" + w.id()));
      refs.addAll(
          List.of(
              git(repo, "for-each-ref", "--format=%(refname)", "refs/saved/" + w.id())
                  .strip()
                  .split("\n")));
      for (String c : w.commits()) {
        boolean kept =
            refs.stream().filter(r -> !r.isBlank()).anyMatch(r -> isAncestor(c, r))
                || landedHeads.stream().anyMatch(h -> isAncestor(c, h));
        assertThat(kept).as("commit %s of %s (seed %d) is kept", c, w.id(), seed).isTrue();
      }
    }
    Processes.Result fsck = Processes.run(repo, Map.of(), List.of("git", "fsck", "--no-progress"));
    assertThat(fsck.exitCode()).as("git fsck: " + fsck.stdout() + fsck.stderr()).isZero();
    try (Stream<Path> files = Files.walk(repo.resolve(".git"))) {
      assertThat(files.map(Path::toString).filter(p -> p.endsWith(".lock")).toList()).isEmpty();
    }
    assertThat(git(repo, "worktree", "list")).doesNotContain("land-");
    try (Stream<Path> scratch = Files.list(dir.resolve("data/lands"))) {
      assertThat(scratch.toList()).isEmpty();
    }
    assertThat(git(repo, "status", "--porcelain")).isBlank();
  }

  private boolean isAncestor(String commit, String ref) {
    return Processes.run(repo, Map.of(), List.of("git", "merge-base", "--is-ancestor", commit, ref))
            .exitCode()
        == 0;
  }

  /** One instance: a few rounds of random commits, each round landed and waited for. */
  private Work work(String id, Path wt, Random random) throws Exception {
    List<String> commits = Collections.synchronizedList(new ArrayList<>());
    List<Land> outcomes = new ArrayList<>();
    List<String> own = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      int n = 1 + random.nextInt(3);
      for (int c = 0; c < n; c++) {
        change(id, wt, random, own, round * 10 + c);
        git(wt, "add", "-A");
        git(wt, "commit", "-q", "--allow-empty", "-m", id + " round " + round + " commit " + c);
        commits.add(head(wt, "HEAD"));
      }
      Land l = landed(lands.land(new LandRequest(id, null)));
      outcomes.add(l);
      if (l.status() == LandStatus.CONFLICTED) {
        // as an agent would: keep the work on a ref, start again from the base
        git(wt, "update-ref", "refs/saved/" + id + "/" + round, "HEAD");
        git(wt, "reset", "-q", "--hard", "main");
        own.removeIf(f -> !Files.exists(wt.resolve(f)));
      }
    }
    return new Work(id, commits, outcomes);
  }

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
      Files.writeString(
          wt.resolve(f), "edited " + n + "\n", java.nio.file.StandardOpenOption.APPEND);
    } else {
      String f = "shared/s" + random.nextInt(SHARED_FILES) + ".txt";
      List<String> lines = new ArrayList<>(Files.readAllLines(wt.resolve(f)));
      lines.set(random.nextInt(lines.size()), id + " was here " + n);
      Files.write(wt.resolve(f), lines);
    }
  }
}
