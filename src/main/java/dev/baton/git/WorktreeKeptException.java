package dev.baton.git;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.util.List;
import java.util.Map;

/** A worktree was not removed because something in it would be lost. */
public final class WorktreeKeptException extends BatonException {
  private static final long serialVersionUID = 1L;

  private final List<String> reasons;

  public WorktreeKeptException(Worktree worktree, List<String> reasons) {
    super(
        ErrorCode.WORKTREE_KEPT,
        "worktree "
            + worktree.path()
            + " of "
            + worktree.instance()
            + " is kept: "
            + String.join(", ", reasons)
            + "; land or commit its work, or remove it with --force, which first saves"
            + " everything under refs/baton/saved/"
            + worktree.instance()
            + "/ for 'baton worktree restore'",
        Map.of("instance", worktree.instance(), "reasons", List.copyOf(reasons)));
    this.reasons = List.copyOf(reasons);
  }

  public List<String> reasons() {
    return reasons;
  }
}
