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
 * A {@code codex exec} started in the background by {@link CodexCli#start}, its output going to
 * files. Closing it kills Codex and every process it started (its native binary, stdio MCP servers,
 * hooks).
 */
public final class CodexProcess implements AutoCloseable {
  private final Process process;
  private final String command;
  private final Path stdout;
  private final Path stderr;
  private final List<ProcessHandle> children = new ArrayList<>();

  CodexProcess(Process process, String command, Path stdout, Path stderr) {
    this.process = process;
    this.command = command;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  public Process process() {
    return process;
  }

  /** Waits for the {@code thread.started} event and returns the thread (= session) id. */
  public String awaitThreadId(Duration timeout) {
    try {
      return Awaitility.await("thread id in " + stdout + " of " + command)
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> CodexRun.of(0, read(stdout), "").threadId(), id -> id != null);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "no thread id within "
              + timeout.toMillis()
              + " ms (alive: "
              + process.isAlive()
              + "); stderr: "
              + read(stderr),
          e);
    }
  }

  /** Waits for Codex to exit; after the timeout it is killed and the test fails. */
  public CodexRun awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        close();
        throw new AssertionError(
            "codex did not exit within "
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
    return CodexRun.of(process.exitValue(), read(stdout), read(stderr));
  }

  /** Kills Codex and everything it started. */
  @Override
  public void close() {
    process.descendants().forEach(children::add);
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
