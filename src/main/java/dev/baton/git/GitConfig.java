package dev.baton.git;

import dev.baton.core.ConfigSection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The settings of worktrees and landing ({@code git:} in the configuration).
 *
 * @param worktreeRoot where instances' worktrees are made, or null for a directory beside each
 *     repository ({@code <repo>.worktrees/})
 * @param landCheck a shell command run in the rebased tree before a land advances the base (e.g.
 *     {@code mvn -q test}), or null for none
 * @param worktreeRetention how long the worktree of an ended instance is kept before the janitor
 *     removes it, if nothing in it would be lost
 * @param timeout the longest one git process may run before it is killed
 */
public record GitConfig(
    Path worktreeRoot, String landCheck, Duration worktreeRetention, Duration timeout) {
  public static final GitConfig DEFAULTS =
      new GitConfig(null, null, Duration.ofDays(7), Duration.ofMinutes(2));

  public Optional<Path> worktreeRootIfSet() {
    return Optional.ofNullable(worktreeRoot);
  }

  public Optional<String> landCheckIfSet() {
    return Optional.ofNullable(landCheck);
  }

  /** Where the worktrees of the repository at {@code workspace} are made. */
  public Path worktreeRootFor(Path workspace) {
    if (worktreeRoot != null) {
      return worktreeRoot;
    }
    return workspace.resolveSibling(workspace.getFileName() + ".worktrees");
  }

  /** Reads the {@code git:} section of the configuration. */
  public static GitConfig from(ConfigSection section) {
    section.allowOnly("worktree-root", "land-check", "worktree-retention", "timeout");
    Path root = section.absolutePath("worktree-root").orElse(null);
    String check =
        section.string("land-check").map(String::strip).filter(c -> !c.isEmpty()).orElse(null);
    return new GitConfig(
        root,
        check,
        section.positive("worktree-retention", DEFAULTS.worktreeRetention()),
        section.positive("timeout", DEFAULTS.timeout()));
  }
}
