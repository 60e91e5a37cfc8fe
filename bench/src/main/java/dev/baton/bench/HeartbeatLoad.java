package dev.baton.bench;

import dev.baton.api.client.BrokerClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The original plan's protocol: N instances, each writing once per interval (a heartbeat is one
 * store write) over its own kept-alive Unix-socket connection, on a fixed-rate schedule. Latency is
 * measured from the scheduled send time, so a slow answer that delays the next send is still
 * charged to the requests it delayed (no coordinated omission); the service time from the actual
 * send is kept as well.
 */
final class HeartbeatLoad {
  private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
  private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(20);
  private static final int MAX_ERROR_SAMPLES = 5;

  /** Spurious wake-ups are rare; this only keeps {@link #park} bounded in count as well. */
  private static final int MAX_PARKS = 1_000_000;

  /**
   * One instance count's figures.
   *
   * @param fromSchedule latency from the scheduled send time to the answer
   * @param service latency from the actual send to the answer
   * @param errors heartbeats in the window that failed
   * @param unsent heartbeats in the window never sent because the run hit its time limit
   * @param offeredPerSecond writes per second the schedule asks for
   * @param achievedPerSecond successful writes per second in the window
   */
  record Result(
      int instances,
      Latencies.Summary fromSchedule,
      Latencies.Summary service,
      long errors,
      long unsent,
      double offeredPerSecond,
      double achievedPerSecond,
      Usage.Window usage,
      List<String> errorSamples) {}

  private final BrokerProcess broker;
  private final Backend backend;
  private final Path workspace;
  private final Duration interval;
  private final Duration warmup;
  private final Duration duration;

  HeartbeatLoad(BrokerProcess broker, Backend backend, Path workspace, BenchOptions options) {
    this.broker = broker;
    this.backend = backend;
    this.workspace = workspace;
    this.interval = options.interval();
    this.warmup = options.warmup();
    this.duration = options.duration();
  }

  Result run(int instances) {
    List<String> ids = register(instances);
    List<Worker> workers = new ArrayList<>();
    long period = interval.toNanos();
    long t0 = System.nanoTime() + START_DELAY_NANOS;
    long windowStart = t0 + warmup.toNanos();
    long windowEnd = windowStart + duration.toNanos();
    try {
      for (int i = 0; i < instances; i++) {
        long offset = period * i / instances;
        Worker w = new Worker(broker.unixClient(true), ids.get(i), t0 + offset, period);
        w.window(windowStart, windowEnd, windowEnd + GRACE_NANOS);
        workers.add(w);
      }
      workers.forEach(Worker::start);
      park(windowStart);
      Usage.Snapshot before = Usage.take(broker, backend);
      park(windowEnd);
      Usage.Snapshot after = Usage.take(broker, backend);
      joinAll(workers, windowEnd + GRACE_NANOS + TimeUnit.SECONDS.toNanos(15));
      return result(
          instances, workers, Usage.between(before, after, Usage.HEARTBEAT_ROUTE, Usage.TOUCH));
    } finally {
      for (Worker w : workers) {
        w.interrupt();
        w.client.close();
      }
      deregister(ids);
    }
  }

  private Result result(int instances, List<Worker> workers, Usage.Window usage) {
    List<Latencies> fromSchedule = new ArrayList<>();
    List<Latencies> service = new ArrayList<>();
    long errors = 0;
    long unsent = 0;
    List<String> samples = new ArrayList<>();
    for (Worker w : workers) {
      fromSchedule.add(w.fromSchedule);
      service.add(w.service);
      errors += w.errors;
      unsent += w.unsent;
      for (String s : w.errorSamples) {
        if (samples.size() < MAX_ERROR_SAMPLES && !samples.contains(s)) {
          samples.add(s);
        }
      }
    }
    Latencies.Summary scheduled = Latencies.merge(fromSchedule).summary();
    double seconds = duration.toNanos() / 1e9;
    return new Result(
        instances,
        scheduled,
        Latencies.merge(service).summary(),
        errors,
        unsent,
        instances * 1e9 / interval.toNanos(),
        scheduled.count() / seconds,
        usage,
        List.copyOf(samples));
  }

  /**
   * Sends {@code requests} heartbeats as fast as four connections allow, uncounted, so that the JIT
   * has compiled the request path before anything is measured. Bounded by count and by 60 s.
   */
  void warmUp(int requests) {
    int threads = 4;
    List<String> ids = register(threads);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<Thread> workers = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        String id = ids.get(t);
        Thread w =
            new Thread(
                () -> {
                  try (BrokerClient c = broker.unixClient(true)) {
                    for (int i = 0; i < requests / threads && System.nanoTime() < deadline; i++) {
                      c.heartbeat(id);
                    }
                  } catch (RuntimeException e) {
                    System.err.println("bench: warm-up heartbeat failed: " + e.getMessage());
                  }
                },
                "bench-warmup-" + t);
        w.setDaemon(true);
        w.start();
        workers.add(w);
      }
      joinAll(workers, deadline + TimeUnit.SECONDS.toNanos(15));
    } finally {
      workers.forEach(Thread::interrupt);
      deregister(ids);
    }
  }

  private List<String> register(int instances) {
    return Fleet.register(broker, workspace, instances);
  }

  private void deregister(List<String> ids) {
    Fleet.deregister(broker, ids);
  }

  static void joinAll(List<? extends Thread> workers, long deadline) {
    for (Thread w : workers) {
      long left = deadline - System.nanoTime();
      try {
        w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Sleeps until {@code deadline} (System.nanoTime); false when interrupted. */
  static boolean park(long deadline) {
    long left = deadline - System.nanoTime();
    for (int i = 0; i < MAX_PARKS && left > 0; i++, left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
      if (Thread.currentThread().isInterrupted()) {
        return false;
      }
    }
    return true;
  }

  /** One instance: a thread that heartbeats on a fixed-rate schedule and records latencies. */
  private static final class Worker extends Thread {
    final BrokerClient client;
    final String id;
    final long first;
    final long period;
    long windowStart;
    long windowEnd;
    long hardStop;
    Latencies fromSchedule;
    Latencies service;
    long errors;
    long unsent;
    final List<String> errorSamples = new ArrayList<>();

    Worker(BrokerClient client, String id, long first, long period) {
      super("bench-heartbeat-" + id);
      setDaemon(true);
      this.client = client;
      this.id = id;
      this.first = first;
      this.period = period;
    }

    void window(long start, long end, long stop) {
      windowStart = start;
      windowEnd = end;
      hardStop = stop;
      int expected = (int) ((end - start) / period) + 2;
      fromSchedule = new Latencies(expected);
      service = new Latencies(expected);
    }

    @Override
    public void run() {
      long sends = (windowEnd - first + period - 1) / period;
      for (long k = 0; k < sends; k++) {
        long scheduled = first + k * period;
        if (scheduled >= windowEnd) {
          break;
        }
        boolean counted = scheduled >= windowStart;
        if (!park(scheduled) || System.nanoTime() > hardStop) {
          long firstCounted = Math.max(0, (windowStart - first + period - 1) / period);
          unsent += Math.max(0, sends - Math.max(k, firstCounted));
          return;
        }
        long sent = System.nanoTime();
        try {
          client.heartbeat(id);
          long done = System.nanoTime();
          if (counted) {
            fromSchedule.add(done - scheduled);
            service.add(done - sent);
          }
        } catch (RuntimeException e) {
          if (counted) {
            errors++;
            if (errorSamples.size() < MAX_ERROR_SAMPLES) {
              errorSamples.add(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
          }
        }
      }
    }
  }
}
