package dev.baton.store.internal;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Latency and failures of store operations, by backend and operation; the connection pool and the
 * writes waiting to be written. Thread-safe.
 */
final class StoreMetrics {
  private final PrometheusRegistry registry;
  private final Histogram duration;
  private final Counter failures;

  StoreMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    duration =
        Histogram.builder()
            .name("baton_store_operation_duration_seconds")
            .help("Time spent in store operations, including waiting for the writer")
            .labelNames("backend", "operation")
            .classicOnly()
            .classicUpperBounds(
                0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                2.5, 5)
            .register(registry);
    failures =
        Counter.builder()
            .name("baton_store_operation_failures_total")
            .help("Store operations that failed")
            .labelNames("backend", "operation")
            .register(registry);
  }

  /** Reports the database's pool and pending writes from now on (once per registry). */
  void watch(Database db) {
    String backend = db.kind().wireName();
    gauge(
        "baton_store_pool_size",
        "Connections the store's pool holds at most (SQLite: the read connections)",
        backend,
        () -> db.pool().size());
    gauge(
        "baton_store_pool_in_use",
        "Store connections lent out now",
        backend,
        () -> db.pool().inUse());
    gauge(
        "baton_store_pool_waiters",
        "Store operations waiting for a free connection",
        backend,
        () -> db.pool().waiters());
    gauge(
        "baton_store_writes_pending",
        "Writes begun and not yet answered: waiting for the writer, or being written",
        backend,
        db::pendingWrites);
    gauge(
        "baton_store_oldest_pending_write_seconds",
        "How long the oldest write not yet answered has been waiting or running; 0 when none",
        backend,
        db::oldestPendingWriteSeconds);
  }

  private void gauge(
      String name, String help, String backend, java.util.function.DoubleSupplier value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("backend")
        .callback(cb -> cb.call(value.getAsDouble(), backend))
        .register(registry);
  }

  void observe(String backend, String operation, long nanos) {
    duration.labelValues(backend, operation).observe(nanos / 1e9);
  }

  void failed(String backend, String operation) {
    failures.labelValues(backend, operation).inc();
  }
}
