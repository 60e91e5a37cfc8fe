package dev.baton.git;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The state of one working tree as git reports it: the commit checked out and the changed files.
 * Git is asked with a time limit; a directory that is gone or not a checkout gives an empty state.
 *
 * @param head the commit checked out, or null when unknown (no commit yet, not a checkout)
 * @param changes {@code git status --porcelain} lines, e.g. {@code " M src/A.java"}
 */
public record WorkingTree(String head, List<String> changes) {
  private static final long TIMEOUT_MS = 5000;
  private static final int MAX_CHANGES = 200;

  public WorkingTree {
    changes = List.copyOf(changes);
  }

  /** Reads the state of the checkout at {@code directory}. Never throws. */
  public static WorkingTree of(Path directory) {
    List<String> head = git(directory, "rev-parse", "--verify", "-q", "HEAD");
    List<String> status = git(directory, "status", "--porcelain", "--untracked-files=normal");
    List<String> changes =
        status.size() > MAX_CHANGES ? new ArrayList<>(status.subList(0, MAX_CHANGES)) : status;
    if (status.size() > MAX_CHANGES) {
      changes.add("... and " + (status.size() - MAX_CHANGES) + " more");
    }
    return new WorkingTree(head.isEmpty() ? null : head.get(0), changes);
  }

  private static List<String> git(Path directory, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", directory.toString()));
    command.addAll(List.of(args));
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      // Read while git runs (a full pipe would stall it); a git that hangs is killed, which ends
      // the read.
      java.util.concurrent.CompletableFuture<byte[]> read =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try (InputStream in = p.getInputStream()) {
                  return in.readNBytes(1 << 20);
                } catch (IOException e) {
                  return new byte[0];
                }
              });
      if (!p.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return List.of();
      }
      byte[] out = read.join();
      if (p.exitValue() != 0) {
        return List.of();
      }
      List<String> lines = new ArrayList<>();
      for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          lines.add(line.stripTrailing());
        }
      }
      return lines;
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }
}
