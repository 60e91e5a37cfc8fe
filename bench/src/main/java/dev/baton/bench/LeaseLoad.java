package dev.baton.bench;

import dev.baton.api.AcquireBody;
import dev.baton.api.LeaseListJson;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.BrokerErrorException;
import dev.baton.core.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * File leases: N instances, each on its own kept-alive Unix-socket connection, acquire an exclusive
 * lease ({@code POST /v1/leases}, {@code waitMs} 0) and release it ({@code DELETE
 * /v1/leases/{id}}), for a fixed time and at most a fixed number of acquisitions. In the two
 * closed-loop variants the next acquisition starts as soon as the release is answered: either each
 * instance leases a file of its own (no conflicts), or all instances contend for a small set of hot
 * files, and a conflict (409 {@code lease_conflict}) is counted apart and followed at once by the
 * next attempt. In the paced variant each instance does one round trip per interval on a fixed-rate
 * schedule, on a file of its own, and latency is counted from the scheduled start, as in the
 * heartbeat benchmark.
 */
final class LeaseLoad {
  private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long JOIN_GRACE_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final long WARMUP_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final int MAX_ERROR_SAMPLES = 5;

  /** What the instances lease, and how often. */
  enum Variant {
    OWN_FILE("own file", false, false),
    HOT_FILES("hot files", true, false),
    PACED("paced, own file", false, true);

    final String label;
    final boolean hot;
    final boolean paced;

    Variant(String label, boolean hot, boolean paced) {
      this.label = label;
      this.hot = hot;
      this.paced = paced;
    }
  }

  /**
   * One instance count and variant. Paced latencies count from the scheduled start.
   *
   * @param roundTrip acquire plus release, for granted acquisitions
   * @param acquire granted acquisitions alone
   * @param release releases alone
   * @param conflict the 409 answers to acquisitions that conflicted (hot files)
   * @param granted round trips completed in the window
   * @param conflicts acquisitions in the window answered with a conflict
   * @param errors anything else that failed in the window
   * @param unsent paced round trips in the window never started because the run hit its time limit
   * @param capped true when the run stopped at {@code --lease-max-ops} before the time was up
   * @param seconds length of the measured window
   * @param acquireUsage broker side: mean {@code POST /v1/leases} (200) and mean lease transaction
   * @param releaseUsage broker side: mean {@code DELETE /v1/leases/{id}} and mean lease transaction
   * @param conflictUsage broker side: mean {@code POST /v1/leases} answered 409
   */
  record Result(
      Variant variant,
      int instances,
      Latencies.Summary roundTrip,
      Latencies.Summary acquire,
      Latencies.Summary release,
      Latencies.Summary conflict,
      long granted,
      long conflicts,
      long errors,
      long unsent,
      boolean capped,
      double seconds,
      Usage.Window acquireUsage,
      Usage.Window releaseUsage,
      Usage.Window conflictUsage,
      List<String> errorSamples) {

    double grantedPerSecond() {
      return granted / seconds;
    }

    double attemptsPerSecond() {
      return (granted + conflicts) / seconds;
    }
  }

  private final BrokerProcess broker;
  private final Backend backend;
  private final Path workspace;
  private final BenchOptions options;

  LeaseLoad(BrokerProcess broker, Backend backend, Path workspace, BenchOptions options) {
    this.broker = broker;
    this.backend = backend;
    this.workspace = workspace;
    this.options = options;
  }

  /**
   * Uncounted acquisitions (four instances on the hot files, so that grants and conflicts are both
   * compiled by the JIT) before anything is measured; bounded by count and by 60 s.
   */
  void warmUp(int attempts) {
    List<String> ids = Fleet.register(broker, workspace, 4);
    List<Worker> workers = new ArrayList<>();
    long t0 = System.nanoTime();
    AtomicLong budget = new AtomicLong(attempts);
    try {
      for (int i = 0; i < ids.size(); i++) {
        workers.add(
            worker(Variant.HOT_FILES, ids, i, t0, Long.MAX_VALUE, t0 + WARMUP_LIMIT_NANOS, budget));
      }
      workers.forEach(Worker::start);
      HeartbeatLoad.joinAll(workers, t0 + WARMUP_LIMIT_NANOS + JOIN_GRACE_NANOS);
    } finally {
      stop(workers);
      Fleet.deregister(broker, ids);
    }
  }

  Result run(Variant variant, int instances) {
    List<String> ids = Fleet.register(broker, workspace, instances);
    List<Worker> workers = new ArrayList<>();
    long t0 = System.nanoTime() + START_DELAY_NANOS;
    long windowStart = t0 + options.leaseWarmup().toNanos();
    long windowEnd = windowStart + options.leaseDuration().toNanos();
    AtomicLong budget = new AtomicLong(options.leaseMaxOps());
    try {
      for (int i = 0; i < instances; i++) {
        workers.add(worker(variant, ids, i, t0, windowStart, windowEnd, budget));
      }
      workers.forEach(Worker::start);
      HeartbeatLoad.park(windowStart);
      Usage.Snapshot before = Usage.take(broker, backend);
      HeartbeatLoad.park(windowEnd);
      Usage.Snapshot after = Usage.take(broker, backend);
      HeartbeatLoad.joinAll(workers, windowEnd + GRACE_NANOS + JOIN_GRACE_NANOS);
      for (Worker w : workers) {
        if (w.isAlive()) {
          throw new IllegalStateException(
              "lease worker " + w.getName() + " still running 40 s after the window ended");
        }
      }
      return result(
          variant,
          instances,
          workers,
          budget.get() < 0,
          (windowEnd - windowStart) / 1e9,
          Usage.between(before, after, Usage.ACQUIRE_ROUTE, Usage.LEASE_CHANGE),
          Usage.between(before, after, Usage.RELEASE_ROUTE, Usage.LEASE_CHANGE),
          Usage.between(before, after, Usage.CONFLICT_ROUTE, Usage.LEASE_CHANGE));
    } finally {
      stop(workers);
      Fleet.deregister(broker, ids);
    }
  }

  private Worker worker(
      Variant variant,
      List<String> ids,
      int i,
      long t0,
      long windowStart,
      long windowEnd,
      AtomicLong budget) {
    String id = ids.get(i);
    List<String> files = new ArrayList<>();
    if (variant.hot) {
      for (int k = 0; k < options.hotFiles(); k++) {
        files.add("bench/hot/file-" + k + ".txt");
      }
    } else {
      files.add("bench/own/" + id + ".txt");
    }
    long period = variant.paced ? options.leaseInterval().toNanos() : 0;
    long first = variant.paced ? t0 + period * i / ids.size() : t0;
    return new Worker(
        broker.unixClient(true),
        id,
        List.copyOf(files),
        first,
        period,
        windowStart,
        windowEnd,
        budget,
        31L * i + 7);
  }

  private static void stop(List<Worker> workers) {
    for (Worker w : workers) {
      w.interrupt();
      w.client.close();
    }
  }

  private static Result result(
      Variant variant,
      int instances,
      List<Worker> workers,
      boolean capped,
      double seconds,
      Usage.Window acquireUsage,
      Usage.Window releaseUsage,
      Usage.Window conflictUsage) {
    List<Latencies> roundTrip = new ArrayList<>();
    List<Latencies> acquire = new ArrayList<>();
    List<Latencies> release = new ArrayList<>();
    List<Latencies> conflict = new ArrayList<>();
    long errors = 0;
    long unsent = 0;
    List<String> samples = new ArrayList<>();
    for (Worker w : workers) {
      roundTrip.add(w.roundTrip);
      acquire.add(w.acquire);
      release.add(w.release);
      conflict.add(w.conflict);
      errors += w.errors;
      unsent += w.unsent;
      for (String s : w.errorSamples) {
        if (samples.size() < MAX_ERROR_SAMPLES && !samples.contains(s)) {
          samples.add(s);
        }
      }
    }
    Latencies.Summary trips = Latencies.merge(roundTrip).summary();
    Latencies.Summary conflicts = Latencies.merge(conflict).summary();
    return new Result(
        variant,
        instances,
        trips,
        Latencies.merge(acquire).summary(),
        Latencies.merge(release).summary(),
        conflicts,
        trips.count(),
        conflicts.count(),
        errors,
        unsent,
        capped,
        seconds,
        acquireUsage,
        releaseUsage,
        conflictUsage,
        List.copyOf(samples));
  }

  /**
   * One instance: acquire, release, repeat, until the window ends or the budget is spent; at once
   * (closed loop, {@code period} 0) or on a fixed-rate schedule.
   */
  private static final class Worker extends Thread {
    final BrokerClient client;
    final String id;
    final List<String> files;
    final long first;
    final long period;
    final long windowStart;
    final long windowEnd;
    final AtomicLong budget;
    final SplittableRandom random;
    final Latencies roundTrip = new Latencies(4096);
    final Latencies acquire = new Latencies(4096);
    final Latencies release = new Latencies(4096);
    final Latencies conflict = new Latencies(256);
    long errors;
    long unsent;
    final List<String> errorSamples = new ArrayList<>();

    Worker(
        BrokerClient client,
        String id,
        List<String> files,
        long first,
        long period,
        long windowStart,
        long windowEnd,
        AtomicLong budget,
        long seed) {
      super("bench-lease-" + id);
      setDaemon(true);
      this.client = client;
      this.id = id;
      this.files = files;
      this.first = first;
      this.period = period;
      this.windowStart = windowStart;
      this.windowEnd = windowEnd;
      this.budget = budget;
      this.random = new SplittableRandom(seed);
    }

    @Override
    public void run() {
      if (!HeartbeatLoad.park(first)) {
        return;
      }
      for (long k = 0; !isInterrupted(); k++) {
        long start;
        if (period > 0) {
          start = first + k * period;
          if (start >= windowEnd || !HeartbeatLoad.park(start)) {
            return;
          }
          if (System.nanoTime() > windowEnd + GRACE_NANOS) {
            unsent += inWindow(k);
            return;
          }
        } else {
          start = System.nanoTime();
          if (start >= windowEnd) {
            return;
          }
        }
        if (budget.decrementAndGet() < 0) {
          return;
        }
        once(start, start >= windowStart);
      }
    }

    /** Scheduled round trips from the k-th on that fall in the measured window. */
    private long inWindow(long k) {
      long n = 0;
      for (long j = k; first + j * period < windowEnd; j++) {
        if (first + j * period >= windowStart) {
          n++;
        }
      }
      return n;
    }

    private void once(long start, boolean counted) {
      String file = files.size() == 1 ? files.get(0) : files.get(random.nextInt(files.size()));
      String lease;
      try {
        LeaseListJson granted =
            client.acquire(
                new AcquireBody(
                    id, null, List.of(file), "exclusive", null, 0L, "bench", Boolean.TRUE));
        lease = granted.leases().get(0).id();
      } catch (BrokerErrorException e) {
        if (e.status() == 409 && e.code() == ErrorCode.LEASE_CONFLICT) {
          if (counted) {
            conflict.add(System.nanoTime() - start);
          }
        } else {
          failed(counted, "acquire", e);
        }
        return;
      } catch (RuntimeException e) {
        failed(counted, "acquire", e);
        return;
      }
      long acquired = System.nanoTime();
      try {
        client.release(lease, id, false, null);
      } catch (RuntimeException e) {
        failed(counted, "release", e);
        return;
      }
      long released = System.nanoTime();
      if (counted) {
        acquire.add(acquired - start);
        release.add(released - acquired);
        roundTrip.add(released - start);
      }
    }

    private void failed(boolean counted, String what, RuntimeException e) {
      if (counted) {
        errors++;
        if (errorSamples.size() < MAX_ERROR_SAMPLES) {
          errorSamples.add(what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
      }
      // A broker that fails at once would otherwise be hammered in a tight loop.
      HeartbeatLoad.park(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1));
    }
  }
}
