package dev.baton.memory.internal;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import dev.baton.core.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * Paths that the broker reads or writes for a workspace: a relative path resolves against the
 * workspace, and the result, after symbolic links and {@code ..} are followed, must lie inside the
 * workspace.
 */
final class WorkspacePaths {
  private static final int MAX_NAME_BYTES = 255;
  private static final int MAX_PATH_CHARS = 4096;

  private WorkspacePaths() {}

  private static String cut(String path) {
    return path.length() > 80 ? path.substring(0, 80) + "..." : path;
  }

  /**
   * The real location of {@code path} (relative to the workspace, or absolute); the part that does
   * not exist yet is appended as written.
   *
   * @throws BatonException ({@code path_outside_workspace}) naming the path and the workspace
   * @throws InvalidInputException when the workspace is not a directory on this machine
   */
  static Path inside(String workspace, String path) {
    Path root = root(workspace);
    Path given;
    try {
      given = Path.of(path);
    } catch (InvalidPathException e) {
      throw new InvalidInputException(
          "path '"
              + dev.baton.core.Printable.of(path)
              + "' is not a file name on this machine: "
              + e.getReason(),
          Map.of("field", "path"));
    }
    for (Path name : given) {
      if (name.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
          > MAX_NAME_BYTES) {
        throw new InvalidInputException(
            "path '"
                + dev.baton.core.Printable.of(cut(path))
                + "' has a name longer than the "
                + MAX_NAME_BYTES
                + " bytes a file name may have",
            Map.of("field", "path"));
      }
    }
    if (path.length() > MAX_PATH_CHARS) {
      throw new InvalidInputException(
          "path '"
              + dev.baton.core.Printable.of(cut(path))
              + "' is "
              + path.length()
              + " characters long; give at most "
              + MAX_PATH_CHARS,
          Map.of("field", "path"));
    }
    Path real = real(given.isAbsolute() ? given : root.resolve(given));
    if (!real.startsWith(root)) {
      throw new BatonException(
          ErrorCode.PATH_OUTSIDE_WORKSPACE,
          "path '"
              + path
              + "' is "
              + real
              + ", outside the workspace "
              + root
              + ": give a folder inside the workspace (relative paths start at its root)",
          Map.of("path", path, "workspace", root.toString()));
    }
    return real;
  }

  private static Path root(String workspace) {
    try {
      return Path.of(workspace).toRealPath();
    } catch (IOException | InvalidPathException e) {
      throw new InvalidInputException(
          "workspace " + workspace + " is not a directory on this machine: " + e.getMessage());
    }
  }

  /**
   * Follows every existing component of {@code p} to its real location (links, then {@code ..}, in
   * the order the file system does), then appends what does not exist yet.
   */
  private static Path real(Path p) {
    Path current = p.getRoot();
    for (int i = 0; i < p.getNameCount(); i++) {
      Path next = current.resolve(p.getName(i));
      if (Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
        try {
          current = next.toRealPath();
        } catch (IOException e) {
          // A dangling link: it would write wherever it points, so it is never inside.
          throw new BatonException(
              ErrorCode.PATH_OUTSIDE_WORKSPACE,
              "path "
                  + next
                  + " is a link to a place that does not exist; remove it or give"
                  + " another folder",
              Map.of("path", next.toString()));
        }
      } else {
        current = next.normalize();
      }
    }
    return current;
  }
}
