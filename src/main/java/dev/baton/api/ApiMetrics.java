package dev.baton.api;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Request latency by method, route template and status. Thread-safe. */
final class ApiMetrics {
  private final Histogram requests;

  ApiMetrics(PrometheusRegistry registry) {
    requests =
        Histogram.builder()
            .name("baton_api_request_duration_seconds")
            .help("Time to answer HTTP requests, by route template")
            .labelNames("method", "route", "status")
            .classicOnly()
            .classicUpperBounds(
                0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                2.5, 5, 10)
            .register(registry);
  }

  void observe(String method, String route, int status, long nanos) {
    requests.labelValues(method, route, Integer.toString(status)).observe(nanos / 1e9);
  }
}
