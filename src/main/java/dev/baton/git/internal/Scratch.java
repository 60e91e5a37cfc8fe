package dev.baton.git.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The scratch worktree, of baton's own, where a repository's lands are rebased and checked. One per
 * repository: made for the first of a run of lands, handed on to the next land while more are
 * queued, and removed after the last, so that none is left between runs. Adding and removing a
 * worktree costs more than a land's own git work; handing it on costs nothing.
 *
 * <p>Only a scratch worktree this broker itself left clean is handed on: detached, no rebase in
 * progress, no change and no file the land-check left. Anything else (a git command that failed, an
 * exception, a broker that stopped or was killed) leaves it to be removed and made anew. Adding and
 * removing run on the repository's {@link GitQueue}. A repository's lands use it from one thread at
 * a time (the repository's lander); thread-safe across repositories.
 */
final class Scratch {
  private static final Pattern COMMIT_ID = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  private final Git git;
  private final GitQueue queue;
  private final Path root;

  /** Repositories whose leftovers from an earlier broker this one has removed. */
  private final Set<Path> tidied = ConcurrentHashMap.newKeySet();

  /** Repositories whose scratch worktree is clean, as this broker left it. */
  private final Set<Path> clean = ConcurrentHashMap.newKeySet();

  /** A scratch worktree handed to a land; {@code reused} when an earlier land left it. */
  record Taken(Path dir, boolean reused) {}

  Scratch(Git git, GitQueue queue, Path root) {
    this.git = git;
    this.queue = queue;
    this.root = root;
  }

  /** Where the repository's scratch worktree goes: named after it, unique per repository. */
  Path dir(Path repo) {
    String name = repo.getFileName() == null ? "repo" : repo.getFileName().toString();
    return root.resolve(
        "land-"
            + name.replaceAll("[^A-Za-z0-9._-]", "_")
            + "-"
            + Integer.toHexString(repo.toString().hashCode()));
  }

  /**
   * Before a land: the first time this broker lands on the repository, removes the scratch worktree
   * a stopped or killed broker may have left, and the one an older baton made for this land alone
   * ({@code land-<id>}).
   */
  void removeLeftovers(Path repo, long land) {
    Path ofOlderBaton = root.resolve("land-" + land);
    if (tidied.add(repo) || Files.exists(ofOlderBaton)) {
      queue.call(
          repo,
          () -> {
            remove(repo, dir(repo));
            remove(repo, ofOlderBaton);
            return null;
          });
    }
  }

  /**
   * Removes every scratch worktree under this broker's scratch root, each on its repository's
   * queue: at start, before any land runs, what a stopped or killed broker left (also for lands
   * that another broker node finished meanwhile, which would never clean it up). A worktree names
   * its repository in its {@code .git} file; one that does not is deleted as a directory.
   */
  void removeAll() {
    if (!Files.isDirectory(root)) {
      return;
    }
    List<Path> dirs;
    try (Stream<Path> list = Files.list(root)) {
      dirs = list.filter(Files::isDirectory).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look into " + root, e);
    }
    for (Path dir : dirs) {
      Path repo = repositoryOf(dir);
      if (repo == null) {
        deleteTree(dir);
      } else {
        queue.call(repo, () -> remove(repo, dir));
      }
    }
  }

  /**
   * The repository a worktree belongs to, from its {@code .git} file ({@code gitdir:
   * REPO/.git/worktrees/NAME}); null when it names none.
   */
  static Path repositoryOf(Path worktree) {
    Path admin = adminDir(worktree);
    Path common = admin == null || admin.getParent() == null ? null : admin.getParent().getParent();
    if (common == null || !admin.getParent().getFileName().toString().equals("worktrees")) {
      return null;
    }
    return common.getFileName().toString().equals(".git") ? common.getParent() : common;
  }

  /**
   * A linked worktree's own directory in its repository ({@code REPO/.git/worktrees/NAME}), as its
   * {@code .git} file names it; null when it has no such file.
   */
  private static Path adminDir(Path worktree) {
    try {
      Path dotGit = worktree.resolve(".git");
      if (!Files.isRegularFile(dotGit)) {
        return null;
      }
      String link = Files.readString(dotGit).strip();
      return link.startsWith("gitdir: ")
          ? worktree.resolve(link.substring("gitdir: ".length())).normalize()
          : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * A scratch worktree for a land: the clean one the last land handed on, or a new one detached at
   * {@code commit}. It counts as not clean until {@link #clean} says it is.
   */
  Taken take(Path repo, String commit) {
    Path dir = dir(repo);
    if (clean.remove(repo) && Files.isDirectory(dir)) {
      return new Taken(dir, true);
    }
    queue.call(repo, () -> add(repo, dir, commit));
    return new Taken(dir, false);
  }

  /** The land that took the scratch worktree left it clean: the next may have it. */
  void clean(Path repo) {
    clean.add(repo);
  }

  /** The land that took the scratch worktree is about to change it: not clean until it says so. */
  void dirty(Path repo) {
    clean.remove(repo);
  }

  /**
   * After a land: hands the scratch worktree on when it is clean and {@code more} lands are queued,
   * else removes it (a land that took none removes nothing).
   */
  void release(Path repo, boolean more) {
    if (more && clean.contains(repo)) {
      return;
    }
    clean.remove(repo);
    queue.call(repo, () -> remove(repo, dir(repo)));
  }

  /**
   * The commit the scratch worktree's detached HEAD is at, read from its HEAD file (a process less
   * per land); null when that file does not hold a commit id (e.g. a ref store other than files),
   * and then the caller asks git.
   */
  static String head(Path dir) {
    Path admin = adminDir(dir);
    if (admin == null) {
      return null;
    }
    try {
      String head = Files.readString(admin.resolve("HEAD")).strip();
      return COMMIT_ID.matcher(head).matches() ? head : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** On the queue: a fresh scratch worktree at {@code commit}, detached. */
  private Void add(Path repo, Path dir, String commit) {
    remove(repo, dir);
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + root, e);
    }
    git.run(
        repo,
        Map.of(),
        Landing.args("worktree", "add", "-q", "--force", "--detach", dir.toString(), commit));
    return null;
  }

  /** On the queue: removes a scratch worktree of baton's own, if there is one. */
  private Void remove(Path repo, Path dir) {
    if (!Files.exists(dir)) {
      return null;
    }
    if (!git.tryRun(repo, "worktree", "remove", "--force", dir.toString()).ok()) {
      deleteTree(dir);
      git.tryRun(repo, "worktree", "prune");
    }
    return null;
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the scratch worktree " + dir, e);
    }
  }
}
