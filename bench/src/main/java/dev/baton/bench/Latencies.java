package dev.baton.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds, and their summary. Not thread-safe: one recorder per thread. */
final class Latencies {
  private long[] nanos;
  private int count;

  Latencies(int capacity) {
    nanos = new long[Math.max(16, capacity)];
  }

  void add(long sample) {
    if (count == nanos.length) {
      nanos = Arrays.copyOf(nanos, count * 2);
    }
    nanos[count++] = sample;
  }

  int count() {
    return count;
  }

  /** All samples of several recorders in one. */
  static Latencies merge(Iterable<Latencies> parts) {
    int total = 0;
    for (Latencies p : parts) {
      total += p.count;
    }
    Latencies all = new Latencies(total);
    for (Latencies p : parts) {
      System.arraycopy(p.nanos, 0, all.nanos, all.count, p.count);
      all.count += p.count;
    }
    return all;
  }

  /**
   * Percentiles by nearest rank, in milliseconds; NaN everywhere when there are no samples.
   *
   * @param count samples
   */
  record Summary(
      int count, double p50, double p90, double p99, double p999, double max, double mean) {
    static final Summary EMPTY =
        new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }

  Summary summary() {
    if (count == 0) {
      return Summary.EMPTY;
    }
    long[] sorted = Arrays.copyOf(nanos, count);
    Arrays.sort(sorted);
    double sum = 0;
    for (long n : sorted) {
      sum += n;
    }
    return new Summary(
        count,
        ms(rank(sorted, 0.50)),
        ms(rank(sorted, 0.90)),
        ms(rank(sorted, 0.99)),
        ms(rank(sorted, 0.999)),
        ms(sorted[count - 1]),
        sum / count / 1e6);
  }

  private static long rank(long[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
