package dev.baton.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Prometheus' own checker, {@code promtool} (Debian's {@code prometheus} package, which {@code
 * .ci/run} installs). Without it the test is skipped, or fails under {@code CI=true}.
 */
public final class Promtool {
  private Promtool() {}

  /** What one run printed, and how it ended. */
  public record Result(int exitCode, String output) {}

  /** Runs {@code promtool args...} with {@code stdin} (null for none); waits up to a minute. */
  public static Result run(String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(require().toString());
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not end within 60 s");
      }
      return new Result(p.exitValue(), output);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running promtool", e);
    }
  }

  /**
   * The {@code promtool} on the PATH; skips the test (fails it under CI=true) when there is none.
   */
  public static Path require() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String message =
        "promtool is not installed (not on the PATH: "
            + path
            + "). Install it (Debian: apt-get install prometheus)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("CI=true and " + message);
    }
    Assumptions.abort(message);
    return null; // not reached: abort throws
  }
}
