package dev.baton.focus.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the small programs that reach the person, found on PATH when they run, with a timeout. */
final class Programs {
  /** How a program ended: its exit code (-1: killed after the timeout) and what it printed. */
  record Result(int exit, String output) {
    boolean ok() {
      return exit == 0;
    }
  }

  private final Map<String, String> env;
  private final Duration timeout;

  /**
   * @param env the environment to find programs in ({@code PATH}) and to ask for a display
   * @param timeout how long a program may run before it is killed
   */
  Programs(Map<String, String> env, Duration timeout) {
    this.env = Map.copyOf(env);
    this.timeout = timeout;
  }

  String env(String name) {
    return env.get(name);
  }

  /** The executable {@code name} in the first PATH directory that has one. */
  Optional<Path> find(String name) {
    for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p) && !Files.isDirectory(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /** Runs {@code program args}, killed after the timeout; stdout and stderr together. */
  Result run(Path program, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(program.toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p = pb.start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(1, TimeUnit.SECONDS);
        return new Result(
            -1, program.getFileName() + " did not end within " + timeout.toMillis() + " ms");
      }
      return new Result(p.exitValue(), out.get(1, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return new Result(-1, "interrupted");
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return new Result(p.exitValue(), "");
    }
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
