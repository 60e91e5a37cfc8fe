package dev.baton.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the broker says about itself ({@code /metrics}) and the CPU time the processes used, read at
 * the start and at the end of a measured window, so that the difference belongs to the window.
 */
final class Usage {
  /** USER_HZ: the unit of /proc/stat, 100 on every common Linux. */
  private static final long CLOCK_TICKS = 100;

  private static final Pattern PAUSE = Pattern.compile("\\bPause\\b.* ([0-9.]+)ms\\s*$");

  private Usage() {}

  /** A snapshot at one moment. */
  record Snapshot(long nanos, String metrics, Cpu cpu, List<String> brokerGcLog, Gc harnessGc) {}

  /** Garbage-collection pauses: how many, the longest and the total, in milliseconds. */
  record Gc(long count, double maxMs, double totalMs) {}

  /**
   * CPU time so far, in nanoseconds, of the broker, the store's server, the harness, and the whole
   * machine (busy time of all CPUs, from /proc/stat; -1 when unknown).
   */
  record Cpu(long broker, long store, long harness, long machine) {}

  /**
   * Server-side means over a window, in milliseconds, and CPU as a percentage of one core.
   *
   * @param requestMs mean time the broker spent answering the measured route
   * @param storeMs mean time of the store operation behind it, including waiting for the writer
   */
  record Window(
      double requestMs,
      double storeMs,
      double brokerCpu,
      double storeCpu,
      double harnessCpu,
      double otherCpu,
      Gc brokerGc,
      Gc harnessGc) {}

  static Snapshot take(BrokerProcess broker, Backend backend) {
    String metrics = broker.metrics();
    long store = 0;
    for (ProcessHandle p : backend.serverProcesses()) {
      store += cpu(p);
    }
    return new Snapshot(
        System.nanoTime(),
        metrics,
        new Cpu(
            ProcessHandle.of(broker.pid()).map(Usage::cpu).orElse(0L),
            store,
            cpu(ProcessHandle.current()),
            machineBusy()),
        readLines(broker.gcLog()),
        harnessGc());
  }

  static Window between(
      Snapshot a, Snapshot b, Map<String, String> request, Map<String, String> storeOp) {
    double seconds = (b.nanos() - a.nanos()) / 1e9;
    return new Window(
        mean(a, b, "baton_api_request_duration_seconds", request),
        mean(a, b, "baton_store_operation_duration_seconds", storeOp),
        percent(b.cpu().broker() - a.cpu().broker(), seconds),
        percent(b.cpu().store() - a.cpu().store(), seconds),
        percent(b.cpu().harness() - a.cpu().harness(), seconds),
        a.cpu().machine() < 0 || b.cpu().machine() < 0
            ? Double.NaN
            : percent(Math.max(0, other(b.cpu()) - other(a.cpu())), seconds),
        brokerPauses(a.brokerGcLog(), b.brokerGcLog()),
        new Gc(
            b.harnessGc().count() - a.harnessGc().count(),
            Double.NaN,
            b.harnessGc().totalMs() - a.harnessGc().totalMs()));
  }

  /**
   * The pauses logged by {@code -Xlog:gc} between two reads of the log, e.g. {@code
   * [3.1s][info][gc] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 24M->4M(388M) 2.345ms}.
   */
  private static Gc brokerPauses(List<String> before, List<String> after) {
    long count = 0;
    double max = 0;
    double total = 0;
    for (String line : after.subList(Math.min(before.size(), after.size()), after.size())) {
      Matcher m = PAUSE.matcher(line);
      if (m.find()) {
        double ms = Double.parseDouble(m.group(1));
        count++;
        max = Math.max(max, ms);
        total += ms;
      }
    }
    return new Gc(count, count == 0 ? 0 : max, total);
  }

  private static Gc harnessGc() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    return new Gc(count, Double.NaN, millis);
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }

  private static double mean(Snapshot a, Snapshot b, String histogram, Map<String, String> labels) {
    double sum = total(b.metrics(), histogram + "_sum", labels);
    sum -= total(a.metrics(), histogram + "_sum", labels);
    double count = total(b.metrics(), histogram + "_count", labels);
    count -= total(a.metrics(), histogram + "_count", labels);
    return count <= 0 ? Double.NaN : sum / count * 1000;
  }

  /** The sum of every series of {@code name} whose labels include all of {@code labels}. */
  static double total(String text, String name, Map<String, String> labels) {
    double total = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name)) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      String seriesName = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
      if (!seriesName.equals(name)) {
        continue;
      }
      boolean all =
          labels.entrySet().stream()
              .allMatch(e -> series.contains(e.getKey() + "=\"" + e.getValue() + "\""));
      if (all) {
        total += Double.parseDouble(line.substring(space + 1).trim());
      }
    }
    return total;
  }

  private static long other(Cpu c) {
    return c.machine() - c.broker() - c.store() - c.harness();
  }

  /** Busy time of all CPUs so far (user, nice, system, irq, softirq, steal), in nanoseconds. */
  static long machineBusy() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        busy += Long.parseLong(f[i]);
      }
      return busy * (1_000_000_000L / CLOCK_TICKS);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * CPU time of the harness's child processes that have ended and been waited for (cutime and
   * cstime of /proc/self/stat), in nanoseconds; -1 when unknown.
   */
  static long childrenCpu() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.UTF_8);
      // Fields after the command name, which is in parentheses and may contain spaces.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      // f[0] is field 3 (state); cutime and cstime are fields 16 and 17.
      return (Long.parseLong(f[13]) + Long.parseLong(f[14])) * (1_000_000_000L / CLOCK_TICKS);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static long cpu(ProcessHandle p) {
    return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  private static double percent(long cpuNanos, double seconds) {
    return seconds <= 0 ? Double.NaN : cpuNanos / 1e9 / seconds * 100;
  }

  /** Labels of the heartbeat route and its store operation. */
  static final Map<String, String> HEARTBEAT_ROUTE =
      Map.of("route", "/v1/instances/{id}/heartbeat", "status", "200");

  static final Map<String, String> TOUCH = Map.of("operation", "instances.touch");
  static final Map<String, String> REGISTER_ROUTE =
      Map.of("route", "/v1/instances", "method", "POST", "status", "201");
  static final Map<String, String> INSERT = Map.of("operation", "instances.insert");
  static final Map<String, String> ACQUIRE_ROUTE =
      Map.of("route", "/v1/leases", "method", "POST", "status", "200");
  static final Map<String, String> CONFLICT_ROUTE =
      Map.of("route", "/v1/leases", "method", "POST", "status", "409");
  static final Map<String, String> RELEASE_ROUTE =
      Map.of("route", "/v1/leases/{id}", "method", "DELETE", "status", "200");
  static final Map<String, String> LEASE_CHANGE = Map.of("operation", "leases.change");
  static final Map<String, String> HOOK_ROUTE =
      Map.of("route", "/v1/hooks/claude/{event}", "method", "POST", "status", "200");
  static final Map<String, String> HEALTH_ROUTE =
      Map.of("route", "/v1/health", "method", "GET", "status", "200");
}
