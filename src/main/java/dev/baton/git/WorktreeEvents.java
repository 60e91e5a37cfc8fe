package dev.baton.git;

/** The event types the worktree capability emits. Each names the instance it is for. */
public final class WorktreeEvents {
  /** A worktree was made (data: path, branch, base). */
  public static final String CREATED = "worktree.created";

  /** A worktree was removed (data: path, branch, savedRef, forced, kept). */
  public static final String REMOVED = "worktree.removed";

  /** A removed worktree was made again from a saved ref or its branch (data: path, ref). */
  public static final String RESTORED = "worktree.restored";

  private WorktreeEvents() {}
}
