package dev.baton.git;

import dev.baton.registry.RegisterRequest;
import dev.baton.registry.Registration;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A worktree per instance, on a branch of its own, that is never removed while it holds work that
 * is not in its base. Every change to a repository's worktrees and refs goes through that
 * repository's git queue. Thread-safe.
 */
public interface WorktreeService {
  /**
   * Registers an instance and gives it a worktree: a new one on {@code instance/<id>} made from
   * {@code base}, or, for an id that had one, its own back. The base and the worktree root are
   * checked before anything changes.
   *
   * @param base the branch to start from, or null for the branch checked out in the main worktree
   * @throws dev.baton.core.InvalidInputException when the base does not exist or the root is inside
   *     the repository's tracked tree (nothing is registered then)
   */
  Registration register(RegisterRequest request, String base);

  /**
   * Gives an instance its worktree: its own when it had one, even when the instance ended (made
   * again from its branch or its newest saved ref when the directory is gone), else a new one from
   * {@code base}.
   *
   * @throws dev.baton.registry.InstanceNotFoundException when it never had one and is not
   *     registered
   */
  Worktree open(String instance, String base);

  Optional<Worktree> find(String instance);

  /**
   * The worktrees of a repository (null: of every repository), removed ones only when asked, each
   * with git's view of it now.
   */
  List<WorktreeSnapshot> list(Path workspace, boolean withRemoved);

  /**
   * @throws WorktreeNotFoundException when the instance never had one
   */
  WorktreeSnapshot inspect(String instance);

  /**
   * Removes an instance's worktree and branch after saving its full state under {@code
   * refs/baton/saved/<instance>/<time>}.
   *
   * @param force remove it even when it holds work not in its base (saved all the same)
   * @throws WorktreeKeptException when not forced and a live instance is on it, it has uncommitted
   *     or untracked files, or commits whose change is not in its base
   * @throws WorktreeNotFoundException when the instance has none (or it is removed already)
   */
  Removal remove(String instance, boolean force);

  /**
   * Makes a removed worktree again from a saved ref, untracked files and uncommitted changes
   * included.
   *
   * @param ref a ref or commit; null for the instance's newest saved ref
   * @throws WorktreeNotFoundException when the instance never had one
   * @throws dev.baton.core.InvalidInputException when the worktree exists or the ref does not
   */
  Worktree restore(String instance, String ref);

  /**
   * The janitor's sweep: notes which worktrees no live instance uses any more, and removes those
   * that ended {@code retention} ago when nothing in them would be lost (never forced).
   *
   * @return the worktrees removed
   */
  List<Removal> sweep();
}
