package dev.baton.git;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A git process failed, timed out or could not be started. The message names the command, the
 * directory and what git said.
 */
public final class GitException extends BatonException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;
  private final String stderr;

  public GitException(Path directory, List<String> args, int exitCode, String stderr) {
    super(
        ErrorCode.GIT_FAILED,
        "git "
            + String.join(" ", args)
            + " in "
            + directory
            + (exitCode < 0 ? " did not finish" : " failed (exit " + exitCode + ")")
            + (stderr.isBlank() ? "" : ": " + stderr.strip()),
        Map.of("directory", directory.toString(), "exit", exitCode));
    this.exitCode = exitCode;
    this.stderr = stderr;
  }

  /** git's exit code, or -1 when it was killed for running too long or did not start. */
  public int exitCode() {
    return exitCode;
  }

  /** What git wrote to standard error. */
  public String stderr() {
    return stderr;
  }
}
