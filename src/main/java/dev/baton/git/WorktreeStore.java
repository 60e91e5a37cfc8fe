package dev.baton.git;

import dev.baton.events.NewEvent;
import java.util.List;
import java.util.Optional;

/**
 * Persistence of worktrees, one row per instance id. Each method is one transaction, its event
 * included. Implementations are thread-safe.
 */
public interface WorktreeStore {
  /** Stores a new worktree, or replaces the row of the same instance; returns it as stored. */
  Worktree save(Worktree worktree, NewEvent event);

  Optional<Worktree> find(String instance);

  /**
   * Worktrees ordered by instance.
   *
   * @param workspace null for every repository
   * @param withRemoved include those removed
   */
  List<Worktree> list(String workspace, boolean withRemoved);
}
