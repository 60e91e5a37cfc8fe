package dev.baton.git.internal;

import dev.baton.git.Worktree;
import dev.baton.git.WorktreeSnapshot;
import dev.baton.registry.Instance;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What git says about a worktree now, and what keeps it: a live instance on it, uncommitted or
 * untracked files, commits not in its base. Reads only; needs no queue. Thread-safe.
 */
final class Inspector {
  private final WorkState state;

  Inspector(WorkState state) {
    this.state = state;
  }

  /**
   * @param live the live instances of the worktree's repository
   */
  WorktreeSnapshot snapshot(Worktree w, List<Instance> live) {
    if (w.removed()) {
      return new WorktreeSnapshot(w, false, false, 0, 0, 0, 0, 0, List.of("removed"));
    }
    if (!Files.isDirectory(w.workspace())) {
      return new WorktreeSnapshot(
          w, false, false, 0, 0, 0, 0, -1, List.of("repository not on this machine"));
    }
    Optional<Instance> on =
        live.stream()
            .filter(i -> i.id().equals(w.instance()) || w.path().equals(i.worktree()))
            .findFirst();
    boolean exists = Files.isDirectory(w.path());
    WorkState.Changes changes = exists ? state.changes(w.path()) : new WorkState.Changes(0, 0);
    int[] aheadBehind = state.aheadBehind(w.workspace(), w.base(), w.branch());
    int notLanded = state.notLanded(w.workspace(), w.base(), w.branch());
    List<String> kept = new ArrayList<>();
    on.ifPresent(i -> kept.add("instance " + i.id() + " is live on it"));
    if (changes.uncommitted() > 0) {
      kept.add(count(changes.uncommitted(), "uncommitted file"));
    }
    if (changes.untracked() > 0) {
      kept.add(count(changes.untracked(), "untracked file"));
    }
    if (notLanded < 0) {
      kept.add("base " + w.base() + " does not exist any more");
    } else if (notLanded > 0) {
      kept.add(count(notLanded, "commit") + " not on " + w.base());
    }
    return new WorktreeSnapshot(
        w,
        on.isPresent(),
        exists,
        aheadBehind[0],
        aheadBehind[1],
        changes.uncommitted(),
        changes.untracked(),
        notLanded,
        kept);
  }

  private static String count(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }
}
