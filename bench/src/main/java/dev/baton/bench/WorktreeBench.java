package dev.baton.bench;

import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Making a worktree through baton against bare {@code git worktree add}, on one repository of many
 * files (10,000 by default), in alternating rounds so that both see the same page cache and load.
 * baton's figure is {@code POST /v1/worktrees} for a registered instance, measured by the client:
 * the broker's queue, {@code git worktree add -b instance/<id>}, {@code git worktree lock} and the
 * store's row. The bare figure is {@code git worktree add -b} alone, and with {@code lock} after
 * it, as a person would type them. Removal is untimed.
 */
public final class WorktreeBench {
  private WorktreeBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = 20;
    int files = 10_000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--files" -> files = Integer.parseInt(args[++i]);
        case "--help" -> {
          System.out.println("Usage: bench/run-worktrees [--rounds 20] [--files 10000]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (rounds < 3 || rounds > 1000 || files < 1 || files > 200_000) {
      throw new IllegalArgumentException("--rounds 3..1000, --files 1..200000");
    }
    int code = 0;
    try {
      System.out.print(run(rounds, files));
    } catch (RuntimeException e) {
      System.err.println("bench: failed: " + e.getMessage());
      e.printStackTrace();
      code = 1;
    } finally {
      Cleanup.runAll();
    }
    System.exit(code);
  }

  private static String run(int rounds, int files) throws Exception {
    Path jar = Path.of(System.getProperty("bench.jar", "target/baton.jar")).toAbsolutePath();
    Path root = Cleanup.tempDir(Path.of("/tmp"), "baton-worktree-bench-");
    Path repo = root.resolve("repo");
    progress("making a repository of " + files + " files");
    repository(repo, files);
    Path config = root.resolve("baton.yaml");
    Files.writeString(config, "registry:\n  instance-ttl: 30m\n");
    BrokerProcess broker =
        BrokerProcess.start(
                jar, new BrokerProcess.Home(Cleanup.tempDir(root, "sqlite-"), config, "sqlite"))
            .broker();
    Latencies bare = new Latencies(rounds);
    Latencies bareLocked = new Latencies(rounds);
    Latencies baton = new Latencies(rounds);
    try (BrokerClient c = broker.unixClient(true)) {
      progress("warming up (2 rounds, not counted)");
      for (int i = 0; i < 2; i++) {
        bareRound(repo, root, "warm" + i, false);
        batonRound(c, repo, "warm" + i);
      }
      for (int i = 0; i < rounds; i++) {
        progress("round " + (i + 1) + " of " + rounds);
        bare.add(bareRound(repo, root, "b" + i, false));
        bareLocked.add(bareRound(repo, root, "l" + i, true));
        baton.add(batonRound(c, repo, "t" + i));
      }
    } finally {
      broker.stop();
    }
    return report(rounds, files, bare.summary(), bareLocked.summary(), baton.summary(), root, jar);
  }

  /** {@code git worktree add -b} (and {@code lock}); returns the nanoseconds taken. */
  private static long bareRound(Path repo, Path root, String name, boolean lock) {
    Path dir = root.resolve("bare-" + name);
    long t0 = System.nanoTime();
    git(repo, "worktree", "add", "-q", "-b", "bare/" + name, dir.toString(), "main");
    if (lock) {
      git(repo, "worktree", "lock", "--reason", "bench " + name, dir.toString());
    }
    long took = System.nanoTime() - t0;
    if (lock) {
      git(repo, "worktree", "unlock", dir.toString());
    }
    git(repo, "worktree", "remove", "--force", dir.toString());
    git(repo, "branch", "-D", "-q", "bare/" + name);
    return took;
  }

  /** {@code POST /v1/worktrees} for a newly registered instance; returns the nanoseconds taken. */
  private static long batonRound(BrokerClient c, Path repo, String name) {
    String id =
        c.register(new RegisterBody("developer", repo.toString(), "bench-" + name, "bench"))
            .instance()
            .id();
    long t0 = System.nanoTime();
    c.openWorktree(id, "main");
    long took = System.nanoTime() - t0;
    c.deregister(id);
    c.removeWorktree(id, true);
    return took;
  }

  private static void repository(Path repo, int files) throws IOException {
    Files.createDirectories(repo);
    git(repo, "init", "-q", "-b", "main");
    for (int i = 0; i < files; i++) {
      Path file = repo.resolve("src/d" + (i % 100) + "/f" + i + ".txt");
      Files.createDirectories(file.getParent());
      Files.writeString(file, ("line " + i + " of a file in the benchmark repository\n").repeat(4));
    }
    git(repo, "add", "-A");
    git(
        repo,
        "-c",
        "user.name=bench",
        "-c",
        "user.email=bench@localhost",
        "commit",
        "-q",
        "-m",
        "init");
  }

  private static void git(Path repo, String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
    command.addAll(List.of(args));
    Commands.check(command);
  }

  private static String report(
      int rounds,
      int files,
      Latencies.Summary bare,
      Latencies.Summary locked,
      Latencies.Summary baton,
      Path root,
      Path jar) {
    StringBuilder s = new StringBuilder();
    s.append("| worktree made by | p50 ms | p90 ms | max ms | mean ms | ÷ bare add p50 |\n");
    s.append("|---|---:|---:|---:|---:|---:|\n");
    row(s, "`git worktree add -b` (bare)", bare, bare.p50());
    row(s, "`git worktree add -b` + `git worktree lock` (bare)", locked, bare.p50());
    row(s, "baton: `POST /v1/worktrees` (add, lock, store)", baton, bare.p50());
    s.append(
        String.format(
            Locale.ROOT,
            "%n%d rounds after 2 not counted, bare and baton alternating; a repository of %d files"
                + " (%d directories); client-side ms.%n%n",
            rounds,
            files,
            Math.min(files, 100)));
    Machine.describe(root, jar)
        .forEach((k, v) -> s.append("- ").append(k).append(": ").append(v).append("\n"));
    return s.toString();
  }

  private static void row(StringBuilder s, String what, Latencies.Summary l, double bareP50) {
    s.append(
        String.format(
            Locale.ROOT,
            "| %s | %.1f | %.1f | %.1f | %.1f | %.2f× |%n",
            what,
            l.p50(),
            l.p90(),
            l.max(),
            l.mean(),
            l.p50() / bareP50));
  }

  private static void progress(String message) {
    System.err.println("bench: " + message);
  }
}
