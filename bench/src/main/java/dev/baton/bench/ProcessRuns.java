package dev.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Times a command as a person's shell or tmux runs it: a process started, its output read, its exit
 * waited for, one run at a time. Shared by the benchmarks whose figures are process starts.
 */
final class ProcessRuns {
  private static final long RUN_LIMIT_SECONDS = 30;

  private ProcessRuns() {}

  /** What one command cost over its runs. */
  record Row(String what, String command, Latencies.Summary latency, int failed) {}

  /** Runs the same command {@code runs} times after 10 % (at least 3) runs not counted. */
  static Row measure(String what, List<String> command, Map<String, String> env, int runs)
      throws IOException, InterruptedException {
    return measure(what, i -> command, env, runs);
  }

  /**
   * Runs {@code command.apply(i)} for i = 0, 1, ... (a command that must differ per run, e.g. a new
   * path to lease), {@code runs} counted after 10 % (at least 3) not counted.
   */
  static Row measure(
      String what, IntFunction<List<String>> command, Map<String, String> env, int runs)
      throws IOException, InterruptedException {
    progress(what + ": " + runs + " runs");
    int warm = Math.max(3, runs / 10);
    Latencies latencies = new Latencies(runs);
    int failed = 0;
    for (int i = 0; i < warm + runs; i++) {
      List<String> run = command.apply(i);
      ProcessBuilder pb = new ProcessBuilder(run);
      pb.environment().putAll(env);
      pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      pb.redirectError(ProcessBuilder.Redirect.DISCARD);
      long t0 = System.nanoTime();
      Process p = pb.start();
      p.getInputStream().readAllBytes();
      boolean ended = p.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS);
      long took = System.nanoTime() - t0;
      if (!ended) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      if (!ended || p.exitValue() != 0) {
        failed++;
        if (failed > 10) {
          throw new IllegalStateException(
              String.join(" ", run) + " failed more than 10 times (exit " + p.exitValue() + ")");
        }
        continue;
      }
      if (i >= warm) {
        latencies.add(took);
      }
    }
    return new Row(what, String.join(" ", command.apply(0)), latencies.summary(), failed);
  }

  /** The rows as a markdown table (p50, p90, p99, max in ms), then the commands behind them. */
  static String table(String firstColumn, List<Row> rows) {
    StringBuilder s = new StringBuilder();
    s.append("| ")
        .append(firstColumn)
        .append(" | runs | p50 ms | p90 ms | p99 ms | max ms | failed |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.2f | %.2f | %.2f | %.2f | %d |%n",
              r.what(),
              r.latency().count(),
              r.latency().p50(),
              r.latency().p90(),
              r.latency().p99(),
              r.latency().max(),
              r.failed()));
    }
    s.append("\nCommands:\n\n");
    for (Row r : rows) {
      s.append("- ").append(r.what()).append(": `").append(r.command()).append("`\n");
    }
    return s.toString();
  }

  /** The machine, and its load average now (1, 5, 15 min), as a markdown list. */
  static String machine(Map<String, String> machine) {
    StringBuilder s = new StringBuilder("\nMachine:\n\n");
    machine.forEach((k, v) -> s.append("- ").append(k).append(": ").append(v).append('\n'));
    s.append("- load average at the end (1, 5, 15 min): ").append(loadAverage()).append('\n');
    return s.toString();
  }

  static String loadAverage() {
    try {
      String[] l = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return l[0] + ", " + l[1] + ", " + l[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  static void progress(String message) {
    System.err.println("bench: " + message);
  }
}
