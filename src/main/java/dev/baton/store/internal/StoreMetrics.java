package dev.baton.store.internal;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Latency and failures of store operations, by backend and operation. Thread-safe. */
final class StoreMetrics {
  private final Histogram duration;
  private final Counter failures;

  StoreMetrics(PrometheusRegistry registry) {
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

  void observe(String backend, String operation, long nanos) {
    duration.labelValues(backend, operation).observe(nanos / 1e9);
  }

  void failed(String backend, String operation) {
    failures.labelValues(backend, operation).inc();
  }
}
