package dev.baton.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a real command and returns its exit code and output. */
public final class Processes {
  private Processes() {}

  /** What a finished command printed. */
  public record Result(int exitCode, String stdout, String stderr) {}

  public static Result run(Path dir, Map<String, String> env, List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      var out = new java.util.concurrent.CompletableFuture<String>();
      var err = new java.util.concurrent.CompletableFuture<String>();
      new Thread(() -> out.complete(read(p.getInputStream()))).start();
      new Thread(() -> err.complete(read(p.getErrorStream()))).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("command did not finish in 120 s: " + command);
      }
      return new Result(
          p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
    } catch (Exception e) {
      throw new AssertionError("running " + command + " failed: " + e, e);
    }
  }

  /** Runs and fails the test when the exit code is not 0. */
  public static String check(Path dir, List<String> command) {
    Result r = run(dir, Map.of(), command);
    if (r.exitCode() != 0) {
      throw new AssertionError(
          command + " exited " + r.exitCode() + ": " + r.stderr() + r.stdout());
    }
    return r.stdout();
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
