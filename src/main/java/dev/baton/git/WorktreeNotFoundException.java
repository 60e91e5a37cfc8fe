package dev.baton.git;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.util.Map;

/** No worktree recorded for that instance. */
public final class WorktreeNotFoundException extends BatonException {
  private static final long serialVersionUID = 1L;

  public WorktreeNotFoundException(String instance) {
    super(
        ErrorCode.WORKTREE_NOT_FOUND,
        "instance "
            + instance
            + " has no worktree; 'baton worktree list' shows the worktrees baton made, and"
            + " 'baton new ROLE' or 'baton register --worktree' makes one",
        Map.of("instance", instance));
  }
}
