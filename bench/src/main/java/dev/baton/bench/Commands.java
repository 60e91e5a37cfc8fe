package dev.baton.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short external commands (git, initdb, pg_ctl) with a time limit. */
final class Commands {
  private static final long LIMIT_SECONDS = 120;

  private Commands() {}

  /** How a command ended: its exit code (-1 when it did not run or timed out) and its output. */
  record Result(int exitCode, String output) {}

  /** Runs the command and fails unless it exits 0; returns its output. */
  static String check(List<String> command) {
    Result r = run(command);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " exited " + r.exitCode() + ": " + r.output().strip());
    }
    return r.output();
  }

  /** SIGTERM, then SIGKILL after 5 s, for a command that is still running. */
  private static void end(Process p) {
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs the command with stdout and stderr combined; never waits longer than 120 s. */
  static Result run(List<String> command) {
    if (Cleanup.closing() && !Cleanup.undoing()) {
      throw new IllegalStateException(
          "the benchmark is shutting down; not starting " + String.join(" ", command));
    }
    try {
      Path out = Files.createTempFile("bench-cmd-", ".log");
      try {
        Process p =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        // Commands run by undo actions are bounded by the time limit and need no undo of their own.
        Cleanup.Step stop =
            Cleanup.undoing()
                ? null
                : Cleanup.add(
                    "command " + String.join(" ", command),
                    () -> {
                      end(p);
                      out.toFile().delete();
                    });
        try {
          if (!p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            return new Result(-1, "did not finish within " + LIMIT_SECONDS + " s");
          }
          return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
          if (stop != null) {
            stop.run();
          }
          end(p);
        }
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      return new Result(-1, "cannot run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  /** A git repository with one commit, for a broker to register instances in; its real path. */
  static Path gitRepository(Path repo) throws java.io.IOException {
    check(List.of("git", "init", "-q", repo.toString()));
    java.nio.file.Files.writeString(repo.resolve("README.md"), "bench\n");
    check(List.of("git", "-C", repo.toString(), "add", "."));
    check(
        List.of(
            "git",
            "-C",
            repo.toString(),
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@localhost",
            "commit",
            "-q",
            "-m",
            "init"));
    return repo.toRealPath();
  }
}
