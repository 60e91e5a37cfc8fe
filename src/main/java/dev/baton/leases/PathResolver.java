package dev.baton.leases;

import java.nio.file.Path;

/** Turns what a client sent into a pattern relative to the workspace root. */
@FunctionalInterface
public interface PathResolver {
  /**
   * Resolves an absolute path (in the workspace or any of its worktrees) or one relative to the
   * workspace root.
   *
   * @param literal true when the input is a concrete path, never a glob
   * @throws InvalidPatternException when it is malformed or leaves the workspace (symlinks
   *     included)
   */
  PathPattern resolve(Path workspace, String input, boolean literal);
}
