package dev.baton.integrations;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs baton's pre-commit guard into a repository's hooks directory, as git finds it ({@code
 * core.hooksPath} respected; worktrees share their repository's hooks). A pre-commit hook that was
 * there is kept as {@code pre-commit.baton-chained} and runs first.
 */
public final class GitGuard {
  static final String MARKER = "# baton pre-commit guard";
  static final String CHAINED = "pre-commit.baton-chained";

  private GitGuard() {}

  /** What an install did. */
  public record Installed(Path hook, Path chained) {}

  public static Installed install(Path repository, Path socket) {
    Path dir = hooksDir(repository);
    Path hook = dir.resolve("pre-commit");
    Path chained = dir.resolve(CHAINED);
    try {
      Files.createDirectories(dir);
      if (Files.exists(hook) && !isOurs(hook)) {
        if (Files.exists(chained)) {
          throw new BatonException(
              ErrorCode.INVALID_REQUEST,
              hook + " and " + chained + " both exist; move one of them away, then install again");
        }
        Files.move(hook, chained);
      }
    } catch (IOException e) {
      throw new BatonException(
          ErrorCode.INTERNAL, "cannot prepare " + dir + ": " + e.getMessage(), e);
    }
    HookScripts.writeExecutable(hook, HookScripts.render(HookScripts.PRE_COMMIT, socket));
    return new Installed(hook, Files.exists(chained) ? chained : null);
  }

  /** Removes the guard and puts back the hook it chained, if any; returns the hook path. */
  public static Path uninstall(Path repository) {
    Path dir = hooksDir(repository);
    Path hook = dir.resolve("pre-commit");
    Path chained = dir.resolve(CHAINED);
    try {
      if (Files.exists(hook) && isOurs(hook)) {
        Files.delete(hook);
        if (Files.exists(chained)) {
          Files.move(chained, hook);
        }
      }
    } catch (IOException e) {
      throw new BatonException(
          ErrorCode.INTERNAL, "cannot remove " + hook + ": " + e.getMessage(), e);
    }
    return hook;
  }

  static boolean isOurs(Path hook) throws IOException {
    return Files.readString(hook, StandardCharsets.ISO_8859_1).contains(MARKER);
  }

  /** The directory git runs hooks from for this repository or worktree. */
  static Path hooksDir(Path repository) {
    List<String> command =
        List.of(
            "git",
            "-C",
            repository.toString(),
            "rev-parse",
            "--path-format=absolute",
            "--git-path",
            "hooks");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new BatonException(
            ErrorCode.INVALID_WORKSPACE, repository + " is not a git repository: " + out);
      }
      return Path.of(out);
    } catch (IOException e) {
      throw new BatonException(ErrorCode.INTERNAL, "cannot run git: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatonException(
          ErrorCode.INTERNAL, "interrupted while asking git for the hooks directory", e);
    }
  }
}
