package dev.baton.it;

import dev.baton.testing.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the commands that surround baton (hook scripts, git) the way their real callers do: in a
 * directory, with standard input, and in an environment that holds nothing of the surrounding
 * shell's baton or XDG settings, so that a script finds the broker only the way it was installed
 * to. Stateless, thread-safe.
 */
final class Shell {
  /** Variables of the surrounding shell that would lead a script to another broker or config. */
  private static final List<String> SCRUBBED =
      List.of(
          "XDG_RUNTIME_DIR",
          "XDG_CONFIG_HOME",
          "XDG_DATA_HOME",
          "BATON_CONFIG",
          "BATON_STORE",
          "BATON_SOCKET",
          "BATON_TCP",
          "BATON_DATA_DIR",
          "BATON_INSTANCE",
          "BATON_ROLE",
          "BATON_GUARD",
          "BATON_LOG_LEVEL",
          "BATON_JAVA_OPTS",
          "GIT_DIR",
          "GIT_WORK_TREE",
          "GIT_INDEX_FILE");

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private Shell() {}

  /**
   * Runs {@code command} in {@code dir} with {@code stdin} on its standard input.
   *
   * @param home the {@code HOME} it sees (a sandbox's, never the user's)
   * @param env extra variables; a null value removes one
   */
  static Processes.Result run(
      Path dir, Path home, Map<String, String> env, String stdin, List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> environment = pb.environment();
    SCRUBBED.forEach(environment::remove);
    environment.put("HOME", home.toString());
    environment.put("GIT_CONFIG_NOSYSTEM", "1");
    env.forEach(
        (k, v) -> {
          if (v == null) {
            environment.remove(k);
          } else {
            environment.put(k, v);
          }
        });
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    }
    try {
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        // the command did not read its input; its exit code and output tell the rest
      }
      if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        throw new AssertionError(
            command + " did not finish in " + TIMEOUT.toSeconds() + " s: " + out.getNow(""));
      }
      return new Processes.Result(
          p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + command, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("cannot read the output of " + command, e);
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  /** Runs a command line through {@code sh -c}, as Claude Code runs a hook's command. */
  static Processes.Result sh(
      Path dir, Path home, Map<String, String> env, String stdin, String commandLine) {
    return run(dir, home, env, stdin, List.of("sh", "-c", commandLine));
  }

  private static CompletableFuture<String> drain(InputStream in) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (in) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                text.complete("");
              }
            },
            "shell-output");
    reader.setDaemon(true);
    reader.start();
    return text;
  }
}
