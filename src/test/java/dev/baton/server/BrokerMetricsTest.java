package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.api.AcquireBody;
import dev.baton.api.LeaseListJson;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.BrokerErrorException;
import dev.baton.api.client.EventStreamReader;
import dev.baton.testing.GitRepos;
import dev.baton.testing.Promtool;
import dev.baton.testing.TestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code /metrics} after real work through the HTTP API: the series a person reads to see what the
 * broker does, with the values that work must leave, in a form Prometheus' own checker accepts.
 */
class BrokerMetricsTest {
  /** A server that is configured but never started: its gateway series exist, all zero. */
  private static final String CONFIG = "servers:\n  idle:\n    command: /bin/false\n    pool: 3\n";

  @TempDir Path dir;
  private Broker broker;
  private BrokerClient client;
  private Path repo;

  @BeforeEach
  void start() {
    broker = TestBroker.start(dir.resolve("broker"), "sqlite", CONFIG);
    client = unixClient();
    repo = GitRepos.create(dir.resolve("repo"));
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private BrokerClient unixClient() {
    return BrokerClient.overUnixSocket(broker.socket(), true, Duration.ofSeconds(70));
  }

  @Test
  void leasesHandoffsMessagesAndSubscribersShowInTheSeries() throws Exception {
    String a = register();
    String b = register();
    String held = client.acquire(acquire(a, 0L)).leases().get(0).id();
    assertThatThrownBy(() -> client.acquire(acquire(b, 0L)))
        .isInstanceOf(BrokerErrorException.class)
        .hasMessageContaining("src/app.py");
    CompletableFuture<LeaseListJson> waited;
    try (BrokerClient other = unixClient()) {
      waited = CompletableFuture.supplyAsync(() -> other.acquire(acquire(b, 60_000L)));
      await("b's request in the queue")
          .atMost(Duration.ofSeconds(30))
          .until(() -> value(scrape(), "baton_leases_waiting") == 1.0);
      client.release(held, a, false, null);
      assertThat(waited.get(30, TimeUnit.SECONDS).leases()).hasSize(1);
    }
    client.call(
        "POST",
        "/v1/handoffs",
        Map.of("from", a, "to", b, "summary", "the parser is yours"),
        JsonNode.class);
    client.call("POST", "/v1/messages", Map.of("from", a, "to", b, "text", "hi"), JsonNode.class);

    String metrics;
    try (EventStreamReader stream = client.events(null)) {
      assertThat(stream.status()).isEqualTo(200);
      await("the event stream counted")
          .atMost(Duration.ofSeconds(30))
          .until(() -> value(scrape(), "baton_api_event_subscribers") == 1.0);
      metrics = scrape();
    }

    assertThat(value(metrics, "baton_leases_acquires_total{outcome=\"granted\"}")).isEqualTo(2.0);
    assertThat(value(metrics, "baton_leases_acquires_total{outcome=\"conflict\"}")).isEqualTo(1.0);
    assertThat(value(metrics, "baton_leases_acquires_total{outcome=\"failed\"}")).isEqualTo(0.0);
    assertThat(value(metrics, "baton_leases_acquire_wait_seconds_count{outcome=\"granted\"}"))
        .as("only the request that queued is timed")
        .isEqualTo(1.0);
    assertThat(value(metrics, "baton_leases_acquire_wait_seconds_count{outcome=\"conflict\"}"))
        .isEqualTo(0.0);
    assertThat(value(metrics, "baton_leases_waiting")).isEqualTo(0.0);
    assertThat(value(metrics, "baton_handoff_handoffs_total{event=\"sent\"}")).isEqualTo(1.0);
    assertThat(value(metrics, "baton_handoff_handoffs_total{event=\"accepted\"}")).isEqualTo(0.0);
    assertThat(value(metrics, "baton_handoff_messages_total{event=\"sent\"}")).isEqualTo(1.0);
    assertThat(value(metrics, "baton_api_event_subscribers")).isEqualTo(1.0);
  }

  @Test
  void poolsWritesJvmAndProcessAreReported() {
    register();

    String metrics = scrape();

    int storePool = broker.config().store().poolSize();
    assertThat(value(metrics, "baton_store_pool_size{backend=\"sqlite\"}")).isEqualTo(storePool);
    assertThat(value(metrics, "baton_store_pool_waiters{backend=\"sqlite\"}")).isEqualTo(0.0);
    assertThat(value(metrics, "baton_store_writes_pending{backend=\"sqlite\"}")).isEqualTo(0.0);
    assertThat(value(metrics, "baton_store_oldest_pending_write_seconds{backend=\"sqlite\"}"))
        .isEqualTo(0.0);
    assertThat(value(metrics, "baton_gateway_pool_size{server=\"idle\"}"))
        .as("no pool open yet")
        .isEqualTo(0.0);
    assertThat(value(metrics, "baton_gateway_pool_waiters{server=\"idle\"}")).isEqualTo(0.0);
    assertThat(value(metrics, "baton_gateway_restarts_total{server=\"idle\"}")).isEqualTo(0.0);
    assertThat(value(metrics, "baton_gateway_processes{server=\"idle\"}")).isEqualTo(0.0);
    assertThat(value(metrics, "jvm_threads_current")).isPositive();
    assertThat(value(metrics, "jvm_memory_used_bytes{area=\"heap\"}")).isPositive();
    assertThat(value(metrics, "process_cpu_seconds_total")).isPositive();
    assertThat(value(metrics, "process_open_fds")).isPositive();
  }

  @Test
  void promtoolAcceptsAScrape() {
    String a = register();
    client.acquire(acquire(a, 0L));

    Promtool.Result check = Promtool.run(scrape(), "check", "metrics");

    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).as("promtool's lint findings").isBlank();
  }

  @Test
  void theReadmeAndTheAlertRulesNameExactlyTheSeriesTheBrokerServes() throws Exception {
    String a = register();
    client.acquire(acquire(a, 0L));
    String metrics = scrape();
    String readme = Files.readString(Path.of("README.md"));
    Set<String> documented = new TreeSet<>(tableNames(readme));
    Set<String> registered = new TreeSet<>(registeredNames());

    assertThat(families(metrics, "baton_"))
        .as("every series served is in the README's table")
        .isSubsetOf(documented);
    assertThat(documented)
        .as("the README's table names only series the code registers")
        .isEqualTo(registered);
    assertThat(families(metrics, "jvm_")).as("JVM series").isNotEmpty();
    assertThat(families(metrics, "process_")).as("process series").isNotEmpty();
    List<String> alerted =
        Pattern.compile("\\b(baton_[a-z_]+)")
            .matcher(Files.readString(Path.of("examples/alerts.yml")))
            .results()
            .map(r -> r.group(1))
            .filter(n -> !n.equals("baton_store_operation_duration_seconds"))
            .filter(n -> !n.equals("baton_gateway_call_duration_seconds"))
            .distinct()
            .toList();
    assertThat(alerted).as("series the alert rules use").isNotEmpty();
    assertThat(families(metrics, "baton_"))
        .as("the alerts' series are served")
        .containsAll(alerted);
  }

  /** The metric names in the README's metrics table: its rows start with a name in backticks. */
  private static List<String> tableNames(String readme) {
    return Pattern.compile("(?m)^\\| `(baton_[a-z_]+)`")
        .matcher(readme)
        .results()
        .map(r -> r.group(1))
        .toList();
  }

  /**
   * Every {@code baton_<capability>_} name in the main code's string literals: the series it
   * registers (some only show once something happened, e.g. a gateway call).
   */
  private static List<String> registeredNames() throws Exception {
    Pattern name =
        Pattern.compile(
            "\"(baton_(?:registry|leases|gateway|mcp|memory|handoff|focus|git|store|api)_[a-z_]+)\"");
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      List<String> out = new java.util.ArrayList<>();
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        name.matcher(Files.readString(f)).results().forEach(r -> out.add(r.group(1)));
      }
      return out;
    }
  }

  private String register() {
    return client
        .register(new RegisterBody("developer", repo.toString(), null, "claude"))
        .instance()
        .id();
  }

  private static AcquireBody acquire(String instance, Long waitMs) {
    return new AcquireBody(
        instance, "src/app.py", null, "exclusive", null, waitMs, "metrics test", null);
  }

  private String scrape() {
    return client.send("GET", "/metrics", Map.of("Accept", "text/plain"), null).bodyText();
  }

  /** The value of one series as the scrape has it, e.g. {@code name{label="v"}}. */
  static double value(String metrics, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
    assertThat(m.find()).as(series + " in\n" + metrics).isTrue();
    return Double.parseDouble(m.group(1));
  }

  /** The names of the metric families with this prefix that the scrape describes. */
  static List<String> families(String metrics, String prefix) {
    return Pattern.compile("(?m)^# HELP (" + Pattern.quote(prefix) + "\\S*) ")
        .matcher(metrics)
        .results()
        .map(r -> r.group(1))
        .toList();
  }
}
