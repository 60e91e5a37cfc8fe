package dev.baton.git;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The worktree of one instance, as baton recorded it. One per instance id, kept after removal so
 * that the instance gets the same one back.
 *
 * @param instance the instance it belongs to
 * @param role the instance's role when the worktree was made
 * @param workspace the main repository's top level
 * @param path {@code <root>/<instance>}
 * @param branch {@code instance/<instance>}
 * @param base the branch it was made from, that its work lands on
 * @param createdAt when baton made it
 * @param endedAt when baton first saw no live instance on it, or null while one lives
 * @param removedAt when baton removed it, or null while it exists
 * @param savedRef the newest {@code refs/baton/saved/...} commit of its full state, or null
 */
public record Worktree(
    String instance,
    String role,
    Path workspace,
    Path path,
    String branch,
    String base,
    Instant createdAt,
    Instant endedAt,
    Instant removedAt,
    String savedRef) {

  public boolean removed() {
    return removedAt != null;
  }

  public Optional<String> savedRefIfAny() {
    return Optional.ofNullable(savedRef);
  }

  public Worktree ended(Instant at) {
    return new Worktree(
        instance, role, workspace, path, branch, base, createdAt, at, removedAt, savedRef);
  }

  public Worktree removed(Instant at, String ref) {
    return new Worktree(instance, role, workspace, path, branch, base, createdAt, endedAt, at, ref);
  }

  /** A copy that exists again at {@code path}, in use, with what was saved last. */
  public Worktree restored(Path at, String ref) {
    return new Worktree(instance, role, workspace, at, branch, base, createdAt, null, null, ref);
  }
}
