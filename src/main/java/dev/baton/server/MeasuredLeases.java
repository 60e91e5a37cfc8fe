package dev.baton.server;

import dev.baton.leases.AcquireRequest;
import dev.baton.leases.Coverage;
import dev.baton.leases.Lease;
import dev.baton.leases.LeaseConflictException;
import dev.baton.leases.LeaseService;
import dev.baton.leases.LeaseTransfer;
import dev.baton.leases.Waiting;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lease service as every caller reaches it (HTTP, hooks, MCP tools, handoffs), counting how
 * acquire requests are answered and how long the ones that queued waited; everything else passes
 * through. The leases capability itself knows nothing of metrics. Thread-safe.
 */
final class MeasuredLeases implements LeaseService {
  static final String GRANTED = "granted";
  static final String CONFLICT = "conflict";
  static final String ABANDONED = "abandoned";
  static final String FAILED = "failed";

  private final LeaseService leases;
  private final Counter acquires;
  private final Histogram waits;
  private final AtomicInteger waiting = new AtomicInteger();

  MeasuredLeases(LeaseService leases, PrometheusRegistry registry) {
    this.leases = leases;
    acquires =
        Counter.builder()
            .name("baton_leases_acquires_total")
            .help(
                "Lease requests by answer: granted, conflict (held by another instance, at once or"
                    + " after waiting), abandoned (the client gave up waiting) or failed")
            .labelNames("outcome")
            .register(registry);
    waits =
        Histogram.builder()
            .name("baton_leases_acquire_wait_seconds")
            .help("How long lease requests that had to queue waited for their answer, by answer")
            .labelNames("outcome")
            .classicOnly()
            .classicUpperBounds(0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)
            .register(registry);
    for (String outcome : List.of(GRANTED, CONFLICT, ABANDONED, FAILED)) {
      acquires.labelValues(outcome);
      waits.labelValues(outcome);
    }
    GaugeWithCallback.builder()
        .name("baton_leases_waiting")
        .help("Lease requests queued now, waiting for other instances to release what they hold")
        .callback(cb -> cb.call(waiting.get()))
        .register(registry);
  }

  @Override
  public CompletableFuture<List<Lease>> acquire(AcquireRequest request) {
    long start = System.nanoTime();
    CompletableFuture<List<Lease>> answer;
    try {
      answer = leases.acquire(request);
    } catch (RuntimeException e) {
      acquires.labelValues(FAILED).inc();
      throw e;
    }
    boolean queued = !answer.isDone();
    if (queued) {
      waiting.incrementAndGet();
    }
    // A side branch: the caller keeps the service's own future, so that cancelling it still
    // takes the request out of the queue.
    answer.whenComplete(
        (granted, failure) -> {
          String outcome = outcome(failure);
          acquires.labelValues(outcome).inc();
          if (queued) {
            waiting.decrementAndGet();
            waits.labelValues(outcome).observe((System.nanoTime() - start) / 1e9);
          }
        });
    return answer;
  }

  private static String outcome(Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    if (cause == null) {
      return GRANTED;
    }
    if (cause instanceof LeaseConflictException) {
      return CONFLICT;
    }
    return cause instanceof CancellationException ? ABANDONED : FAILED;
  }

  @Override
  public Lease renew(String leaseId, String instance, Duration ttl) {
    return leases.renew(leaseId, instance, ttl);
  }

  @Override
  public Lease release(String leaseId, String by, boolean force) {
    return leases.release(leaseId, by, force);
  }

  @Override
  public Lease get(String leaseId) {
    return leases.get(leaseId);
  }

  @Override
  public List<Lease> transfer(String from, String to, List<String> paths) {
    return leases.transfer(from, to, paths);
  }

  @Override
  public LeaseTransfer prepareTransfer(String from, String to, List<String> paths) {
    return leases.prepareTransfer(from, to, paths);
  }

  @Override
  public LeaseTransfer prepareTransferLeases(String from, String to, List<String> leaseIds) {
    return leases.prepareTransferLeases(from, to, leaseIds);
  }

  @Override
  public List<Lease> transferLeases(String from, String to, List<String> leaseIds) {
    return leases.transferLeases(from, to, leaseIds);
  }

  @Override
  public List<Lease> list(String workspace, String instance) {
    return leases.list(workspace, instance);
  }

  @Override
  public Coverage check(String workspace, String path) {
    return leases.check(workspace, path);
  }

  @Override
  public List<Lease> expireOverdue() {
    return leases.expireOverdue();
  }

  @Override
  public List<Lease> confirm(String instance, String path) {
    return leases.confirm(instance, path);
  }

  @Override
  public List<Lease> holdProvisional(String instance, String path) {
    return leases.holdProvisional(instance, path);
  }

  @Override
  public List<Lease> dropProvisional(String instance, String path, String cause) {
    return leases.dropProvisional(instance, path, cause);
  }

  @Override
  public int renewFollowing() {
    return leases.renewFollowing();
  }

  @Override
  public int restartGrace(Instant downSince, Duration grace) {
    return leases.restartGrace(downSince, grace);
  }

  @Override
  public List<Lease> markIdle(String instance) {
    return leases.markIdle(instance);
  }

  @Override
  public List<Waiting> waiting(String workspace) {
    return leases.waiting(workspace);
  }
}
