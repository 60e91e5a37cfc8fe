package dev.baton.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A {@code claude} started in the background by {@link ClaudeCli#start}, its output going to {@link
 * #stdoutFile()} and {@link #stderrFile()}. Closing it kills Claude Code and every process it
 * started (stdio MCP servers, hooks), also those orphaned by an earlier {@link #kill()}.
 */
public final class ClaudeProcess implements AutoCloseable {
  private final Process process;
  private final String command;
  private final Path stdout;
  private final Path stderr;
  private final List<ProcessHandle> children = new ArrayList<>();

  ClaudeProcess(Process process, String command, Path stdout, Path stderr) {
    this.process = process;
    this.command = command;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  public Path stdoutFile() {
    return stdout;
  }

  public Path stderrFile() {
    return stderr;
  }

  /** Waits for the first stream-json event that names the session, and returns its id. */
  public String awaitSessionId(Duration timeout) {
    try {
      return Awaitility.await("session id in " + stdout + " of " + command)
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> ClaudeRun.of(0, read(stdout), "").sessionId(), id -> id != null);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "no session id within "
              + timeout.toMillis()
              + " ms (alive: "
              + process.isAlive()
              + "); stderr: "
              + read(stderr),
          e);
    }
  }

  /** Waits for Claude Code to exit; after the timeout it is killed and the test fails. */
  public ClaudeRun awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        close();
        throw new AssertionError(
            "claude did not exit within "
                + timeout.toMillis()
                + " ms, killed: "
                + command
                + "\nstderr: "
                + read(stderr)
                + "\nstdout: "
                + read(stdout));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + command, e);
    }
    return ClaudeRun.of(process.exitValue(), read(stdout), read(stderr));
  }

  /** SIGKILL to Claude Code alone, as a crash would; the processes it started live on. */
  public void kill() {
    rememberChildren();
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new AssertionError("claude (pid " + pid() + ") still alive 10 s after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for claude to die after SIGKILL", e);
    }
  }

  /** Kills Claude Code and everything it started. */
  @Override
  public void close() {
    rememberChildren();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void rememberChildren() {
    process.descendants().forEach(children::add);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
