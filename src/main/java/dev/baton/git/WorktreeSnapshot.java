package dev.baton.git;

import java.util.List;

/**
 * A worktree and what git says about it now.
 *
 * @param worktree as recorded
 * @param live true while a live instance is registered on it
 * @param exists true when its directory is there
 * @param ahead commits on its branch that its base does not reach
 * @param behind commits on its base that its branch does not reach
 * @param uncommitted changed or deleted tracked files
 * @param untracked untracked files that are not ignored
 * @param notLanded commits of its branch whose change is not in its base by ancestry, patch
 *     identity or equal trees
 * @param kept why it may not be removed without {@code --force} (e.g. "2 uncommitted files"); empty
 *     when it may
 */
public record WorktreeSnapshot(
    Worktree worktree,
    boolean live,
    boolean exists,
    int ahead,
    int behind,
    int uncommitted,
    int untracked,
    int notLanded,
    List<String> kept) {
  public WorktreeSnapshot {
    kept = List.copyOf(kept);
  }

  /** True when everything committed on its branch is in its base. */
  public boolean landed() {
    return notLanded == 0;
  }

  public boolean removable() {
    return kept.isEmpty();
  }
}
