package dev.baton.bench;

import dev.baton.leases.PathPattern;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * How long one overlap check of two lease globs takes at the limits a broker accepts ({@value
 * PathPattern#MAX_LENGTH} characters, {@value PathPattern#MAX_ALTERNATIVES} brace alternatives):
 * the adversarial pairs of issue 12 (globs alike for a thousand characters and different at the
 * end, which used to take seconds to tens of seconds each), one that overlaps, a long path against
 * a worst glob, and an everyday pair for scale. In this JVM, no broker: the check is what an
 * acquire runs per lease of another instance. Each pair is timed after a warm-up; the first check
 * of the run (parse, automaton and check, before the JIT) is reported on its own.
 */
public final class GlobBench {
  /** Five groups of two: 32 alternatives, the most a glob may have. */
  private static final String GROUPS = "{a,b}{a,b}{a,b}{a,b}{a,b}";

  /** Two globs; {@code limits}: at the limits, a candidate for the worst pair. */
  private record Pair(String what, String a, String b, boolean limits) {
    Pair(String what, String a, String b) {
      this(what, a, b, true);
    }
  }

  private static final List<Pair> PAIRS =
      List.of(
          new Pair(
              "`*a` × 495 vs `a*` × 495 + `b`, 32 alternatives each (disjoint; issue 12's shape)",
              GROUPS + "*a".repeat(495),
              GROUPS + "a*".repeat(495) + "b"),
          new Pair(
              "`?*` × 495 + `c` vs `*?` × 495 + `b`, 32 alternatives each (disjoint)",
              GROUPS + "?*".repeat(495) + "c",
              GROUPS + "*?".repeat(495) + "b"),
          new Pair(
              "`/**/a` × 199 vs `/**/b` × 199, 32 alternatives each",
              GROUPS + "/**/a".repeat(199),
              GROUPS + "/**/b".repeat(199)),
          new Pair(
              "`*a` × 511 + `c` vs `a*` × 511 + `b`, one alternative each (disjoint)",
              "*a".repeat(511) + "c",
              "a*".repeat(511) + "b"),
          new Pair(
              "the first glob against itself (overlaps)",
              GROUPS + "*a".repeat(495),
              GROUPS + "*a".repeat(495)),
          new Pair(
              "a 1,023-character path against the first glob",
              "a".repeat(10) + "/" + "a".repeat(1012),
              GROUPS + "*a".repeat(495)),
          new Pair(
              "everyday: `src/{api,web}/**/*.{ts,tsx}` vs `src/**/*.test.ts`",
              "src/{api,web}/**/*.{ts,tsx}",
              "src/**/*.test.ts",
              false));

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private GlobBench() {}

  private static long collections() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  public static void main(String[] args) throws Exception {
    int iterations = 2000;
    int warmup = 1000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--iterations" -> iterations = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--help" -> {
          System.out.println("Usage: bench/run-glob [--iterations N (2000)] [--warmup N (1000)]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (iterations < 10 || iterations > 100_000 || warmup < 0 || warmup > 100_000) {
      throw new IllegalArgumentException("--iterations 10..100000, --warmup 0..100000");
    }
    System.out.print(run(iterations, warmup));
  }

  /** One pair's checks: the answer, wall-clock and CPU time, and collections meanwhile. */
  private record Row(
      Pair pair,
      int lengthA,
      int lengthB,
      boolean answer,
      Latencies.Summary wall,
      Latencies.Summary cpu,
      long collections) {}

  private static String run(int iterations, int warmup) throws Exception {
    Path jar = Path.of(System.getProperty("bench.jar", "target/baton.jar")).toAbsolutePath();
    Path workDir = Files.createTempDirectory("baton-glob");
    Map<String, String> machine = Machine.describe(workDir, jar); // the load before the run
    Pair first = PAIRS.get(0);
    long start = System.nanoTime();
    boolean firstAnswer = PathPattern.parse(first.a()).overlaps(PathPattern.parse(first.b()));
    double firstMs = (System.nanoTime() - start) / 1e6;
    List<Row> rows = new ArrayList<>();
    for (Pair pair : PAIRS) {
      rows.add(measure(pair, iterations, warmup));
    }
    StringBuilder out = new StringBuilder("### Overlap check of two globs at the limits\n\n");
    table(out, rows);
    out.append(
        String.format(
            "%n%d checks per pair after %d uncounted, ms, one thread: wall clock, and the CPU time"
                + " of the thread (what the check costs without waiting for a core); GCs: young and"
                + " old collections during the pair's checks. \"overlaps\" for a disjoint pair is"
                + " the search giving up at its budget of state pairs (a safe false conflict).%n%n",
            iterations, warmup));
    List<Row> limits = rows.stream().filter(r -> r.pair().limits()).toList();
    out.append(
        String.format(
            "Worst accepted pair: wall p99 %.3f ms, max %.3f ms; CPU p99 %.3f ms, max %.3f ms"
                + " (issue 12's bar: 5 ms).%n",
            worst(limits, r -> r.wall().p99()),
            worst(limits, r -> r.wall().max()),
            worst(limits, r -> r.cpu().p99()),
            worst(limits, r -> r.cpu().max())));
    out.append(
        String.format(
            "First check of the run (parse, automata, check; code not yet compiled by the JIT):"
                + " %.1f ms, answer %s.%n%n",
            firstMs, firstAnswer ? "overlaps" : "disjoint"));
    machine.forEach((k, v) -> out.append("- ").append(k).append(": ").append(v).append("\n"));
    out.append("- load average at the end: ")
        .append(Files.readString(Path.of("/proc/loadavg")).strip())
        .append("\n");
    Files.deleteIfExists(workDir);
    return out.toString();
  }

  private static Row measure(Pair pair, int iterations, int warmup) {
    PathPattern a = PathPattern.parse(pair.a());
    PathPattern b = PathPattern.parse(pair.b());
    boolean answer = false;
    for (int i = 0; i < warmup; i++) {
      answer |= a.overlaps(b);
    }
    Latencies wall = new Latencies(iterations);
    Latencies cpu = new Latencies(iterations);
    long collections = collections();
    for (int i = 0; i < iterations; i++) {
      long c = CPU.getCurrentThreadCpuTime();
      long t = System.nanoTime();
      answer = a.overlaps(b);
      wall.add(System.nanoTime() - t);
      cpu.add(CPU.getCurrentThreadCpuTime() - c);
    }
    return new Row(
        pair,
        a.text().length(),
        b.text().length(),
        answer,
        wall.summary(),
        cpu.summary(),
        collections() - collections);
  }

  private static void table(StringBuilder out, List<Row> rows) {
    out.append(
        "| pair | characters | answer | p50 | p99 | max | mean | CPU p50 | CPU p99 | CPU max |"
            + " GCs |\n");
    out.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      out.append(
          String.format(
              "| %s | %d / %d | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %d |%n",
              r.pair().what(),
              r.lengthA(),
              r.lengthB(),
              r.answer() ? "overlaps" : "disjoint",
              r.wall().p50(),
              r.wall().p99(),
              r.wall().max(),
              r.wall().mean(),
              r.cpu().p50(),
              r.cpu().p99(),
              r.cpu().max(),
              r.collections()));
    }
  }

  private static double worst(List<Row> rows, ToDoubleFunction<Row> figure) {
    return rows.stream().mapToDouble(figure).max().orElse(Double.NaN);
  }
}
