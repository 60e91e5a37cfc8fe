package dev.baton.server;

import dev.baton.core.ErrorCode;
import dev.baton.git.GitCheckout;
import dev.baton.git.GitCheckouts;
import dev.baton.git.NotAGitCheckoutException;
import dev.baton.leases.InvalidPatternException;
import dev.baton.leases.PathPattern;
import dev.baton.leases.PathResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Resolves what clients send (absolute paths in the workspace or any of its worktrees, or paths
 * relative to the workspace root) to patterns relative to the root. Symlinks are followed as far as
 * the path exists, so a link that points outside the workspace is refused. Thread-safe.
 */
public final class GitPathResolver implements PathResolver {
  @Override
  public PathPattern resolve(Path workspace, String input, boolean literal) {
    boolean glob = !literal && PathPattern.looksLikeGlob(input);
    Path given;
    try {
      given = Path.of(input);
    } catch (InvalidPathException e) {
      throw new InvalidPatternException(
          input, "path '" + input + "' is not valid: " + e.getReason());
    }
    if (!given.isAbsolute()) {
      return glob
          ? PathPattern.of(input, true)
          : PathPattern.literal(relativeTo(workspace, workspace.resolve(input), input));
    }
    if (!glob) {
      return PathPattern.literal(relativeTo(workspace, given, input));
    }
    // An absolute glob: its literal directory prefix must be in the workspace.
    String[] segments = input.split("/");
    StringBuilder prefix = new StringBuilder();
    int i = 1;
    for (; i < segments.length && !PathPattern.looksLikeGlob(segments[i]); i++) {
      prefix.append('/').append(segments[i]);
    }
    String rest = String.join("/", java.util.Arrays.copyOfRange(segments, i, segments.length));
    String base =
        prefix.length() == 0 ? "" : relativeTo(workspace, Path.of(prefix.toString()), input);
    return PathPattern.of(base.isEmpty() ? rest : base + "/" + rest, true);
  }

  /**
   * The path relative to the workspace root (or to the top of a worktree of the same repository).
   */
  private static String relativeTo(Path workspace, Path absolute, String input) {
    Path lexical = absolute.normalize();
    Path real = realAsFarAsItExists(lexical);
    Path existing = deepestExisting(lexical);
    try {
      GitCheckout checkout = GitCheckouts.locate(existing);
      if (checkout.workspace().equals(workspace) && real.startsWith(checkout.top())) {
        return slashes(checkout.top().relativize(real));
      }
    } catch (NotAGitCheckoutException e) {
      // not in any checkout: only the workspace's own tree can contain it
    }
    if (real.startsWith(workspace)) {
      return slashes(workspace.relativize(real));
    }
    boolean viaLink = lexical.startsWith(workspace);
    throw new InvalidPatternException(
        ErrorCode.PATH_OUTSIDE_WORKSPACE,
        input,
        "path '"
            + input
            + "' "
            + (viaLink ? "resolves through a symlink to " + real + ", which is" : "is")
            + " outside the workspace "
            + workspace);
  }

  private static Path deepestExisting(Path path) {
    Path p = path;
    while (p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      p = p.getParent();
    }
    return p == null ? path.getRoot() : p;
  }

  private static Path realAsFarAsItExists(Path path) {
    Path existing = deepestExisting(path);
    try {
      Path real = existing.toRealPath();
      return real.resolve(existing.relativize(path)).normalize();
    } catch (IOException e) {
      return path;
    }
  }

  private static String slashes(Path relative) {
    return relative.toString().replace('\\', '/');
  }
}
