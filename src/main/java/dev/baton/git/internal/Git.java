package dev.baton.git.internal;

import dev.baton.core.InvalidInputException;
import dev.baton.core.Printable;
import dev.baton.git.GitException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs git processes for the broker: never interactive (no prompt, no editor, no pager), in the C
 * locale so that its messages can be read, without the {@code GIT_DIR}-style variables of whoever
 * started the broker, and killed after a time limit. Thread-safe.
 */
final class Git {
  private static final Logger LOG = LoggerFactory.getLogger(Git.class);
  private static final int MAX_OUTPUT = 16 << 20;
  private static final List<String> INHERITED_GIT_VARIABLES =
      List.of(
          "GIT_DIR",
          "GIT_WORK_TREE",
          "GIT_INDEX_FILE",
          "GIT_COMMON_DIR",
          "GIT_OBJECT_DIRECTORY",
          "GIT_ALTERNATE_OBJECT_DIRECTORIES",
          "GIT_NAMESPACE",
          "GIT_CEILING_DIRECTORIES");

  private final Duration timeout;

  Git(Duration timeout) {
    this.timeout = timeout;
  }

  /** What one git process printed and how it ended. */
  record Result(int exit, String out, String err) {
    boolean ok() {
      return exit == 0;
    }

    /** Standard output's non-blank lines, trailing spaces removed. */
    List<String> lines() {
      List<String> lines = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (!line.isBlank()) {
          lines.add(line.stripTrailing());
        }
      }
      return lines;
    }

    /** The first line of standard output, or the empty string. */
    String first() {
      List<String> lines = lines();
      return lines.isEmpty() ? "" : lines.get(0);
    }
  }

  /**
   * Runs {@code git args} in {@code directory}.
   *
   * @throws GitException when git exits with anything but 0, runs too long or cannot start
   */
  Result run(Path directory, String... args) {
    return check(directory, List.of(args), tryRun(directory, Map.of(), List.of(args)));
  }

  /** Like {@link #run(Path, String...)}, with extra environment variables. */
  Result run(Path directory, Map<String, String> env, List<String> args) {
    return check(directory, args, tryRun(directory, env, args));
  }

  /**
   * Runs {@code git args} in {@code directory} and returns how it ended, whatever the exit code.
   *
   * @throws GitException only when git runs too long or cannot start
   */
  Result tryRun(Path directory, String... args) {
    return tryRun(directory, Map.of(), List.of(args));
  }

  Result tryRun(Path directory, Map<String, String> env, List<String> args) {
    for (String arg : args) {
      if (arg.indexOf('\0') >= 0) {
        // Only a request's own values (a branch, a ref, a path) can carry these.
        throw new InvalidInputException(
            "'" + Printable.of(arg) + "' cannot be given to git: it holds a NUL character",
            Map.of("value", Printable.of(arg)));
      }
    }
    List<String> command = new ArrayList<>(List.of("git", "-C", directory.toString()));
    command.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> environment = pb.environment();
    INHERITED_GIT_VARIABLES.forEach(environment::remove);
    environment.put("GIT_TERMINAL_PROMPT", "0");
    environment.put("GIT_EDITOR", "true");
    environment.put("GIT_SEQUENCE_EDITOR", "true");
    environment.put("GIT_PAGER", "cat");
    environment.put("LC_ALL", "C");
    environment.putAll(env);
    long started = System.nanoTime();
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new GitException(directory, args, -1, "cannot start git: " + e.getMessage());
    }
    // Both streams are read while git runs: a full pipe would stall it.
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new GitException(
            directory, args, -1, "killed after running longer than " + timeout.toSeconds() + " s");
      }
      Result result = new Result(p.exitValue(), out.join(), err.join());
      if (LOG.isDebugEnabled()) {
        // One line per git process, so that what a land costs can be counted and timed.
        LOG.debug(
            "git -C {} {}: exit {} after {} ms",
            directory,
            String.join(" ", args),
            result.exit(),
            (System.nanoTime() - started) / 1_000_000);
      }
      return result;
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new GitException(directory, args, -1, "interrupted");
    }
  }

  private static Result check(Path directory, List<String> args, Result result) {
    if (!result.ok()) {
      throw new GitException(directory, args, result.exit(), result.err());
    }
    return result;
  }

  private static String read(InputStream in) {
    try (in) {
      byte[] bytes = in.readNBytes(MAX_OUTPUT);
      in.transferTo(OutputStreamSink.INSTANCE);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Swallows what is past {@link #MAX_OUTPUT}, so that git is not stalled by a full pipe. */
  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
