package dev.baton.server;

import dev.baton.api.EventStreams;
import dev.baton.events.Event;
import dev.baton.events.EventService;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.PoolSnapshot;
import dev.baton.handoff.HandoffEvents;
import dev.baton.registry.InstanceService;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * The broker's series that the capabilities report without knowing of Prometheus: read from their
 * plain-Java views (counts, snapshots), their listeners and the event stream. The lease requests
 * are counted by {@link MeasuredLeases}, the store by the store itself, HTTP by the API handler.
 */
final class BrokerMetrics {
  /**
   * The JVM's and the process's series (Prometheus' own JVM instrumentation), registered once per
   * JVM: they describe the process, not one broker, and the instrumentation keeps what it is
   * registered with for good (several brokers run in one JVM in tests).
   */
  private static final PrometheusRegistry JVM = jvm();

  private BrokerMetrics() {}

  private static PrometheusRegistry jvm() {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    return registry;
  }

  /** The JVM and process series, on this broker's {@code /metrics}. */
  static void jvm(PrometheusRegistry metrics) {
    metrics.register((MultiCollector) JVM::scrape);
  }

  static void instances(InstanceService instances, PrometheusRegistry metrics) {
    GaugeWithCallback.builder()
        .name("baton_registry_instances")
        .help("Live instances by role")
        .labelNames("role")
        .callback(
            cb -> {
              Map<String, Long> counts = instances.countByRole();
              for (String role : instances.roles()) {
                cb.call(counts.getOrDefault(role, 0L), role);
              }
            })
        .register(metrics);
  }

  static void eventStreams(EventStreams streams, PrometheusRegistry metrics) {
    GaugeWithCallback.builder()
        .name("baton_api_event_subscribers")
        .help("Clients following the event stream now (GET /v1/events, server-sent events)")
        .callback(cb -> cb.call(streams.openCount()))
        .register(metrics);
  }

  /**
   * Handoffs and messages, counted from the events this broker commits.
   *
   * @return the subscription, to close with the broker
   */
  static EventService.Subscription handoffs(EventService events, PrometheusRegistry metrics) {
    Counter handoffs =
        Counter.builder()
            .name("baton_handoff_handoffs_total")
            .help("Handoffs by what happened: sent, accepted, declined, expired (never answered)")
            .labelNames("event")
            .register(metrics);
    Counter messages =
        Counter.builder()
            .name("baton_handoff_messages_total")
            .help(
                "Messages sent (once per recipient: a broadcast counts each instance it reaches)"
                    + " and acknowledged by their recipients")
            .labelNames("event")
            .register(metrics);
    Map<String, CounterDataPoint> byType =
        Map.of(
            HandoffEvents.SENT, handoffs.labelValues("sent"),
            HandoffEvents.ACCEPTED, handoffs.labelValues("accepted"),
            HandoffEvents.DECLINED, handoffs.labelValues("declined"),
            HandoffEvents.EXPIRED, handoffs.labelValues("expired"),
            HandoffEvents.MESSAGE, messages.labelValues("sent"),
            HandoffEvents.ACKED, messages.labelValues("acked"));
    return events.subscribe(
        (Event e) -> {
          CounterDataPoint counter = byType.get(e.type());
          if (counter != null) {
            counter.inc();
          }
        });
  }

  static void gateway(Gateway gateway, PrometheusRegistry metrics) {
    GaugeWithCallback.builder()
        .name("baton_gateway_processes")
        .help("Running processes of each downstream MCP server")
        .labelNames("server")
        .callback(cb -> gateway.processesByServer().forEach((name, n) -> cb.call(n, name)))
        .register(metrics);
    CounterWithCallback.builder()
        .name("baton_gateway_restarts_total")
        .help("Downstream MCP server processes started again after one exited or stopped answering")
        .labelNames("server")
        .callback(cb -> gateway.restartsByServer().forEach((name, n) -> cb.call(n, name)))
        .register(metrics);
    pool(
        gateway,
        metrics,
        "baton_gateway_pool_size",
        "Connections a downstream server's open pools may hold (its pool setting per pool)",
        PoolSnapshot::size);
    pool(
        gateway,
        metrics,
        "baton_gateway_pool_in_use",
        "Connections to a downstream server with a call in flight",
        PoolSnapshot::inUse);
    pool(
        gateway,
        metrics,
        "baton_gateway_pool_waiters",
        "Calls waiting for a downstream server's pool to hand them a connection (one is starting)",
        PoolSnapshot::waiters);
    Histogram calls =
        Histogram.builder()
            .name("baton_gateway_call_duration_seconds")
            .help(
                "Time to answer tool calls forwarded to downstream MCP servers, by server and tool")
            .labelNames("server", "tool")
            .classicOnly()
            .classicUpperBounds(
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
            .register(metrics);
    Counter failures =
        Counter.builder()
            .name("baton_gateway_call_failures_total")
            .help(
                "Tool calls that got no answer from their downstream server (it crashed, timed out"
                    + " or could not start); a tool's own error result is an answer")
            .labelNames("server", "tool")
            .register(metrics);
    gateway.onCall(
        call -> {
          calls.labelValues(call.server(), call.tool()).observe(call.took().toNanos() / 1e9);
          if (call.failed()) {
            failures.labelValues(call.server(), call.tool()).inc();
          }
        });
  }

  private static void pool(
      Gateway gateway,
      PrometheusRegistry metrics,
      String name,
      String help,
      ToIntFunction<PoolSnapshot> value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("server")
        .callback(
            cb -> {
              List<PoolSnapshot> pools = gateway.pools();
              pools.forEach(p -> cb.call(value.applyAsInt(p), p.server()));
            })
        .register(metrics);
  }
}
