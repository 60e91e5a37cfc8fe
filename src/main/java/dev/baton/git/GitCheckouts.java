package dev.baton.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the git working tree of a directory by reading {@code .git}, {@code commondir} and {@code
 * HEAD} the way git does, without starting a git process. Thread-safe.
 */
public final class GitCheckouts {
  private GitCheckouts() {}

  /**
   * Locates the working tree that contains {@code directory}.
   *
   * @throws NotAGitCheckoutException when the directory does not exist or no enclosing directory
   *     has a {@code .git}
   */
  public static GitCheckout locate(Path directory) {
    Path real = realDirectory(directory);
    for (Path dir = real; dir != null; dir = dir.getParent()) {
      Path dotGit = dir.resolve(".git");
      if (Files.isDirectory(dotGit)) {
        return checkout(dir, dotGit);
      }
      if (Files.isRegularFile(dotGit)) {
        return checkout(dir, gitDirFromFile(dotGit));
      }
    }
    throw new NotAGitCheckoutException(
        directory.toString(),
        "workspace "
            + directory
            + " is not inside a git repository; run 'git init' there or pass the repository's directory");
  }

  private static GitCheckout checkout(Path top, Path gitDir) {
    Path commonDir = commonDir(gitDir);
    Path workspace;
    if (commonDir.equals(gitDir)) {
      workspace = top;
    } else {
      Path name = commonDir.getFileName();
      workspace =
          name != null && name.toString().equals(".git") ? commonDir.getParent() : commonDir;
    }
    return new GitCheckout(workspace, top, gitDir, branch(gitDir));
  }

  private static Path realDirectory(Path directory) {
    if (!Files.exists(directory)) {
      throw new NotAGitCheckoutException(
          directory.toString(), "workspace " + directory + " does not exist");
    }
    try {
      Path real = directory.toRealPath();
      return Files.isDirectory(real) ? real : real.getParent();
    } catch (IOException e) {
      throw new NotAGitCheckoutException(
          directory.toString(), "workspace " + directory + " cannot be read: " + e.getMessage());
    }
  }

  private static Path gitDirFromFile(Path dotGitFile) {
    String content = read(dotGitFile).trim();
    if (!content.startsWith("gitdir:")) {
      throw new NotAGitCheckoutException(
          dotGitFile.getParent().toString(),
          dotGitFile + " does not start with 'gitdir:'; it is not a git link");
    }
    return toReal(dotGitFile.getParent().resolve(content.substring("gitdir:".length()).trim()));
  }

  private static Path commonDir(Path gitDir) {
    Path file = gitDir.resolve("commondir");
    if (!Files.isRegularFile(file)) {
      return gitDir;
    }
    return toReal(gitDir.resolve(read(file).trim()));
  }

  private static String branch(Path gitDir) {
    Path head = gitDir.resolve("HEAD");
    if (!Files.isRegularFile(head)) {
      return null;
    }
    String ref = read(head).trim();
    String prefix = "ref: refs/heads/";
    return ref.startsWith(prefix) ? ref.substring(prefix.length()) : null;
  }

  private static Path toReal(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw new NotAGitCheckoutException(
          path.toString(), "git directory " + path + " cannot be found: " + e.getMessage());
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new NotAGitCheckoutException(
          file.toString(), "cannot read " + file + ": " + e.getMessage());
    }
  }
}
