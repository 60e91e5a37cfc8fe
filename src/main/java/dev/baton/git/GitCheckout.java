package dev.baton.git;

import java.nio.file.Path;

/**
 * A working tree of a git repository, as found from any directory inside it.
 *
 * @param workspace the main repository's top level (the directory holding {@code .git})
 * @param top this working tree's top level; equals {@code workspace} unless it is a linked worktree
 * @param gitDir this working tree's git directory
 * @param branch the checked-out branch, or null when HEAD is detached
 */
public record GitCheckout(Path workspace, Path top, Path gitDir, String branch) {
  /** True for a worktree made by {@code git worktree add}. */
  public boolean isLinkedWorktree() {
    return !top.equals(workspace);
  }
}
