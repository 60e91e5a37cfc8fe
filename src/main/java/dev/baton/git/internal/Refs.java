package dev.baton.git.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What landing reads of a repository: commits of refs, ancestry, where a branch is checked out and
 * whether a worktree has uncommitted changes. Reads only; they need not queue. Thread-safe.
 */
final class Refs {
  /** Who commits the rebased commits when the broker's user has no git identity of their own. */
  private static final Map<String, String> BATON_COMMITTER =
      Map.of("GIT_COMMITTER_NAME", "baton", "GIT_COMMITTER_EMAIL", "baton@localhost");

  private final Git git;

  /** Repositories where git was seen to have a committer identity: asked once, not per land. */
  private final Set<Path> withIdentity = ConcurrentHashMap.newKeySet();

  Refs(Git git) {
    this.git = git;
  }

  Git git() {
    return git;
  }

  /** The commit {@code ref} names, or null when it does not exist. */
  String commit(Path repo, String ref) {
    Git.Result r = git.tryRun(repo, "rev-parse", "--verify", "-q", ref + "^{commit}");
    return r.ok() ? r.first() : null;
  }

  /**
   * The commit branch {@code name} was at before its latest update ({@code name@{1}}), or null when
   * its reflog does not say. Read from the reflog file of a repository whose {@code .git} is a
   * directory (a process less per land); git is asked when there is no such file or its last line
   * is not an entry git wrote (another ref store, a packed or missing reflog).
   */
  String previous(Path repo, String name) {
    Path log = repo.resolve(".git").resolve("logs").resolve("refs").resolve("heads").resolve(name);
    try {
      if (Files.isRegularFile(log)) {
        String last = lastLine(log);
        int space = last == null ? -1 : last.indexOf(' ');
        if (space == 40 || space == 64) {
          String old = last.substring(0, space);
          if (old.matches("[0-9a-f]+") && !old.matches("0+")) {
            return old;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through: git knows
    }
    return commit(repo, "refs/heads/" + name + "@{1}");
  }

  /** The last line of a file, read from its end (a reflog grows with every update). */
  private static String lastLine(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long end = f.length();
      int chunk = (int) Math.min(end, 4096);
      byte[] tail = new byte[chunk];
      f.seek(end - chunk);
      f.readFully(tail);
      String text = new String(tail, StandardCharsets.UTF_8).stripTrailing();
      int nl = text.lastIndexOf('\n');
      return nl < 0 && chunk == end ? text : nl < 0 ? null : text.substring(nl + 1);
    }
  }

  /** The commit of branch {@code name}, or null when there is no such branch. */
  String branch(Path repo, String name) {
    return commit(repo, "refs/heads/" + name);
  }

  /**
   * The commits of several branches, read by one git process: name to commit, without the names
   * that are not branches (or not commits).
   */
  Map<String, String> branches(Path repo, String... names) {
    List<String> args =
        new ArrayList<>(List.of("for-each-ref", "--format=%(objecttype) %(objectname) %(refname)"));
    for (String name : names) {
      args.add("refs/heads/" + name);
    }
    Map<String, String> commits = new java.util.HashMap<>();
    for (String line : git.run(repo, Map.of(), args).lines()) {
      String[] f = line.split(" ", 3);
      // a pattern also matches the refs below it (main matches main/x): only exact names count
      if (f.length == 3 && f[0].equals("commit") && f[2].startsWith("refs/heads/")) {
        String name = f[2].substring("refs/heads/".length());
        if (List.of(names).contains(name)) {
          commits.put(name, f[1]);
        }
      }
    }
    return commits;
  }

  /** True when {@code ancestor} is {@code descendant} or one of its ancestors. */
  boolean isAncestor(Path repo, String ancestor, String descendant) {
    Git.Result r = git.tryRun(repo, "merge-base", "--is-ancestor", ancestor, descendant);
    if (r.exit() > 1) {
      git.run(repo, "merge-base", "--is-ancestor", ancestor, descendant); // throws with git's words
    }
    return r.ok();
  }

  /** How many commits {@code to} has that {@code from} lacks. */
  int count(Path repo, String from, String to) {
    return Integer.parseInt(git.run(repo, "rev-list", "--count", from + ".." + to).first());
  }

  /**
   * How many commits branch {@code branch} has that branch {@code base} lacks, from one git
   * process; null when either is not a branch, or not a name that revision syntax reads as itself.
   */
  Integer ahead(Path repo, String base, String branch) {
    if (!plain(base) || !plain(branch)) {
      return null;
    }
    Git.Result r =
        git.tryRun(
            repo, "rev-list", "--count", "refs/heads/" + base + "..refs/heads/" + branch, "--");
    return r.ok() ? Integer.valueOf(r.first()) : null;
  }

  /**
   * No character or sequence that means more than itself in a revision ({@code a..b}, {@code a^}).
   */
  private static boolean plain(String name) {
    return !name.isEmpty()
        && !name.startsWith("-")
        && !name.contains("..")
        && !name.contains("@{")
        && name.chars().noneMatch(c -> c <= ' ' || "~^:?*[\\".indexOf(c) >= 0);
  }

  /** The files that differ between two commits, renames as a deletion and an addition. */
  List<String> changedFiles(Path repo, String from, String to) {
    return git.run(repo, "diff", "--name-only", "--no-renames", from, to).lines();
  }

  /** The worktree that has {@code branch} checked out, or null when none has. */
  Path checkedOutAt(Path repo, String branch) {
    String wanted = "branch refs/heads/" + branch;
    Path current = null;
    for (String line : git.run(repo, "worktree", "list", "--porcelain").lines()) {
      if (line.startsWith("worktree ")) {
        current = Path.of(line.substring("worktree ".length()));
      } else if (line.equals(wanted)) {
        return current;
      }
    }
    return null;
  }

  /** The tracked files with uncommitted changes in the worktree at {@code dir}. */
  List<String> uncommitted(Path dir) {
    List<String> files = new ArrayList<>();
    for (String line :
        git.run(dir, "status", "--porcelain", "--untracked-files=no", "--no-renames").lines()) {
      files.add(line.length() > 3 ? line.substring(3) : line);
    }
    return files;
  }

  /**
   * What {@code git status} says of the worktree at {@code dir}: its branch, the commit it is at
   * and its tracked files with uncommitted changes, from one git process; null when git cannot read
   * it (no worktree there any more).
   *
   * @param branch the branch checked out, or null for a detached HEAD
   * @param head the commit checked out, or null on an unborn branch
   */
  record Checkout(String branch, String head, List<String> uncommitted) {}

  Checkout checkout(Path dir) {
    Git.Result r =
        git.tryRun(
            dir, "status", "--porcelain=v2", "--branch", "--untracked-files=no", "--no-renames");
    if (!r.ok()) {
      return null;
    }
    String branch = null;
    String head = null;
    List<String> files = new ArrayList<>();
    for (String line : r.lines()) {
      if (line.startsWith("# branch.oid ")) {
        String oid = line.substring("# branch.oid ".length());
        head = oid.equals("(initial)") ? null : oid;
      } else if (line.startsWith("# branch.head ")) {
        String name = line.substring("# branch.head ".length());
        branch = name.equals("(detached)") ? null : name;
      } else if (line.startsWith("1 ")) {
        files.add(field(line, 8));
      } else if (line.startsWith("2 ")) {
        files.add(field(line, 9).split("\t", 2)[0]);
      } else if (line.startsWith("u ")) {
        files.add(field(line, 10));
      }
    }
    return new Checkout(branch, head, files);
  }

  /** What follows the first {@code n} space-separated fields of a line: a path, spaces and all. */
  private static String field(String line, int n) {
    String[] f = line.split(" ", n + 1);
    return f.length > n ? f[n] : line;
  }

  /**
   * Extra environment for commands that commit: an identity when git has none. Once git was seen to
   * have one, it is not asked again; {@link #forgetIdentity} asks again after a commit failed.
   */
  Map<String, String> committer(Path repo) {
    if (withIdentity.contains(repo)) {
      return Map.of();
    }
    if (git.tryRun(repo, "var", "GIT_COMMITTER_IDENT").ok()) {
      withIdentity.add(repo);
      return Map.of();
    }
    return BATON_COMMITTER;
  }

  /** Asks git for its identity again next time: a commit failed, maybe for the want of one. */
  void forgetIdentity(Path repo) {
    withIdentity.remove(repo);
  }

  /** A short form of a commit id for messages. */
  static String shortId(String commit) {
    return commit == null ? "none" : commit.substring(0, Math.min(10, commit.length()));
  }

  /** Up to five names, then how many more. */
  static String some(List<String> names) {
    if (names.size() <= 5) {
      return String.join(", ", names);
    }
    return String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
  }
}
