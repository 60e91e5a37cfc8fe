package dev.baton.api;

import dev.baton.git.Removal;
import java.util.List;

/**
 * The answer to {@code DELETE /v1/worktrees/{id}}.
 *
 * @param savedRef the ref holding the worktree's full state, for {@code baton worktree restore}
 * @param forced it held work not in its base (listed in {@code kept}), saved under {@code savedRef}
 */
public record RemovalJson(
    String instance,
    String path,
    String branch,
    String savedRef,
    boolean forced,
    List<String> kept) {
  public static RemovalJson from(Removal r) {
    return new RemovalJson(
        r.worktree().instance(),
        r.worktree().path().toString(),
        r.worktree().branch(),
        r.savedRef(),
        r.forced(),
        r.kept());
  }
}
