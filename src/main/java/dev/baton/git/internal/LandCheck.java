package dev.baton.git.internal;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the configured {@code git.land-check} shell command in a land's rebased tree, with a time
 * limit; its whole process tree is killed when it runs too long. Thread-safe.
 */
final class LandCheck {
  /** How much of the check's output a failed land keeps: the end, where the failure is. */
  static final int TAIL_CHARS = 4000;

  private static final List<String> GIT_VARIABLES =
      List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR");

  private final String command;
  private final Duration timeout;

  /**
   * @param command the shell command, or null for none
   */
  LandCheck(String command, Duration timeout) {
    this.command = command == null || command.isBlank() ? null : command;
    this.timeout = timeout;
  }

  /** True when no land-check is configured. */
  boolean none() {
    return command == null;
  }

  /** What the check said: null when it passed (or there is none), else why it failed. */
  String run(Path tree, Path log) {
    if (command == null) {
      return null;
    }
    ProcessBuilder pb =
        new ProcessBuilder("sh", "-c", command)
            .directory(tree.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    GIT_VARIABLES.forEach(pb.environment()::remove);
    try {
      Process p = pb.start();
      boolean done;
      try {
        done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        kill(p);
        Thread.currentThread().interrupt();
        throw new BatonException(ErrorCode.UNAVAILABLE, "land-check interrupted: broker stopping");
      }
      if (!done) {
        kill(p);
        return "land-check '"
            + command
            + "' ran longer than "
            + timeout.toSeconds()
            + " s and was killed; output ends with:\n"
            + tail(log);
      }
      if (p.exitValue() == 0) {
        return null;
      }
      return "land-check '"
          + command
          + "' failed (exit "
          + p.exitValue()
          + "); fix it on your branch and land again. Output ends with:\n"
          + tail(log);
    } catch (IOException e) {
      return "land-check '" + command + "' could not start: " + e.getMessage();
    } finally {
      try {
        Files.deleteIfExists(log);
      } catch (IOException e) {
        // a log left behind is harmless
      }
    }
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private static String tail(Path log) {
    try {
      String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
      return text.length() <= TAIL_CHARS
          ? text
          : "..." + text.substring(text.length() - TAIL_CHARS);
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }
}
