package dev.baton.git;

/**
 * A removed worktree.
 *
 * @param worktree as recorded after the removal
 * @param savedRef the ref that holds its full state, from which {@code baton worktree restore}
 *     brings it back
 * @param forced true when it was removed although it held work not in its base
 * @param kept what was saved rather than lost, when forced (e.g. "2 uncommitted files")
 */
public record Removal(
    Worktree worktree, String savedRef, boolean forced, java.util.List<String> kept) {
  public Removal {
    kept = java.util.List.copyOf(kept);
  }
}
