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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Resolves what clients send (absolute paths in the workspace or any of its worktrees, or paths
 * relative to the workspace root; files or globs) to patterns relative to the root. Symlinks are
 * followed, dangling ones included, so a path that would land outside the workspace is refused and
 * a path through a link inside it is leased under its real name. A glob's literal directory prefix
 * is resolved the same way; links matched by its wildcards are not followed. Thread-safe.
 */
public final class GitPathResolver implements PathResolver {
  private static final int MAX_LINKS = 40;

  @Override
  public PathPattern resolve(Path workspace, String input, boolean literal) {
    boolean glob = !literal && PathPattern.looksLikeGlob(input);
    try {
      Path.of(input);
    } catch (InvalidPathException e) {
      throw new InvalidPatternException(
          input, "path '" + input + "' is not valid: " + e.getReason());
    }
    if (!glob) {
      Path absolute = input.startsWith("/") ? Path.of(input) : workspace.resolve(input);
      return PathPattern.literal(relativeTo(workspace, absolute, input));
    }
    // A glob: its literal directory prefix must resolve into the workspace. The workspace's own
    // path is literal even when it contains glob characters.
    Path base;
    String relative;
    if (!input.startsWith("/")) {
      base = workspace;
      relative = input;
    } else if (input.startsWith(workspace + "/")) {
      base = workspace;
      relative = input.substring(workspace.toString().length() + 1);
    } else {
      base = Path.of("/");
      relative = input.substring(1);
    }
    String[] segments = relative.split("/");
    int i = 0;
    Path prefix = base;
    for (; i < segments.length && !PathPattern.looksLikeGlob(segments[i]); i++) {
      prefix = prefix.resolve(segments[i]);
    }
    String rest = String.join("/", Arrays.copyOfRange(segments, i, segments.length));
    prefix = prefix.normalize();
    if (prefix.equals(prefix.getRoot())) {
      throw outside(workspace, input, prefix, false);
    }
    String resolved = prefix.equals(workspace) ? "" : relativeTo(workspace, prefix, input);
    return PathPattern.of(resolved.isEmpty() ? rest : resolved + "/" + rest, true);
  }

  /**
   * The path relative to the workspace root (or to the top of a worktree of the same repository).
   */
  private static String relativeTo(Path workspace, Path absolute, String input) {
    Path lexical = absolute.normalize();
    Path real = followLinks(lexical, input);
    Path existing = deepestExisting(real);
    try {
      GitCheckout checkout = GitCheckouts.locate(existing);
      if (checkout.workspace().equals(workspace)
          && real.startsWith(checkout.top())
          && !real.equals(checkout.top())) {
        return slashes(checkout.top().relativize(real));
      }
    } catch (NotAGitCheckoutException e) {
      // not in any checkout: only the workspace's own tree can contain it
    }
    if (real.startsWith(workspace) && !real.equals(workspace)) {
      return slashes(workspace.relativize(real));
    }
    if (real.equals(workspace)) {
      throw new InvalidPatternException(
          input, "path '" + input + "' names the workspace itself; lease '**' to cover all of it");
    }
    throw outside(workspace, input, real, !real.equals(lexical));
  }

  private static InvalidPatternException outside(
      Path workspace, String input, Path real, boolean viaLink) {
    return new InvalidPatternException(
        ErrorCode.PATH_OUTSIDE_WORKSPACE,
        input,
        "path '"
            + input
            + "' "
            + (viaLink ? "resolves through a symlink to " + real + ", which is" : "is")
            + " outside the workspace "
            + workspace);
  }

  /**
   * Resolves every symlink on the path, segment by segment, like the kernel would when the path is
   * opened or created; segments that do not exist yet are kept as they are.
   */
  static Path followLinks(Path lexical, String input) {
    Path current = lexical.getRoot();
    Deque<String> todo = new ArrayDeque<>(segments(lexical));
    int hops = 0;
    while (!todo.isEmpty()) {
      String segment = todo.pop();
      if (segment.equals("..")) {
        current = current.getParent() == null ? current : current.getParent();
        continue;
      }
      Path next = current.resolve(segment);
      if (!Files.isSymbolicLink(next)) {
        current = next;
        continue;
      }
      if (++hops > MAX_LINKS) {
        throw new InvalidPatternException(
            input, "path '" + input + "' goes through more than " + MAX_LINKS + " symlinks");
      }
      Path target;
      try {
        target = Files.readSymbolicLink(next);
      } catch (IOException e) {
        throw new InvalidPatternException(
            input, "cannot read the symlink " + next + ": " + e.getMessage());
      }
      Path resolved = target.isAbsolute() ? target : current.resolve(target);
      List<String> again = segments(resolved);
      for (int k = again.size() - 1; k >= 0; k--) {
        todo.push(again.get(k));
      }
      current = resolved.getRoot();
    }
    return current;
  }

  private static List<String> segments(Path path) {
    List<String> out = new ArrayList<>();
    for (Path part : path) {
      String s = part.toString();
      if (!s.isEmpty() && !s.equals(".")) {
        out.add(s);
      }
    }
    return out;
  }

  private static Path deepestExisting(Path path) {
    Path p = path;
    while (p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      p = p.getParent();
    }
    return p == null ? path.getRoot() : p;
  }

  private static String slashes(Path relative) {
    return relative.toString().replace('\\', '/');
  }
}
