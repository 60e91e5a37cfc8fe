package dev.baton.api;

import dev.baton.git.Worktree;
import dev.baton.git.WorktreeSnapshot;
import java.time.Instant;
import java.util.List;

/**
 * A worktree on the wire, with git's view of it when it was asked for.
 *
 * @param live a live instance is registered on it
 * @param exists its directory is there
 * @param ahead commits on its branch its base does not reach
 * @param behind commits on its base its branch does not reach
 * @param uncommitted changed or deleted tracked files
 * @param untracked untracked files that are not ignored
 * @param notLanded commits whose change is not in the base (-1: the base is gone)
 * @param landed everything committed on its branch is in its base
 * @param kept why it is not removed without --force; empty when it may be
 */
public record WorktreeJson(
    String instance,
    String role,
    String workspace,
    String path,
    String branch,
    String base,
    Instant createdAt,
    Instant endedAt,
    Instant removedAt,
    String savedRef,
    boolean live,
    boolean exists,
    int ahead,
    int behind,
    int uncommitted,
    int untracked,
    int notLanded,
    boolean landed,
    List<String> kept) {

  public static WorktreeJson from(WorktreeSnapshot s) {
    Worktree w = s.worktree();
    return new WorktreeJson(
        w.instance(),
        w.role(),
        w.workspace().toString(),
        w.path().toString(),
        w.branch(),
        w.base(),
        w.createdAt(),
        w.endedAt(),
        w.removedAt(),
        w.savedRef(),
        s.live(),
        s.exists(),
        s.ahead(),
        s.behind(),
        s.uncommitted(),
        s.untracked(),
        s.notLanded(),
        s.landed(),
        s.kept());
  }
}
