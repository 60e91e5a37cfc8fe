package dev.baton.registry;

import java.nio.file.Path;

/** Finds the repository a directory belongs to. */
@FunctionalInterface
public interface WorkspaceResolver {
  /**
   * Resolves a directory, which may be a subdirectory or a linked worktree.
   *
   * @throws InvalidWorkspaceException when it does not exist or is not inside a git repository
   */
  Workspace resolve(Path directory);
}
