package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.InstanceJson;
import dev.baton.api.Json;
import dev.baton.api.LeaseJson;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.it.MixedWrites.Ack;
import dev.baton.it.MixedWrites.Kind;
import dev.baton.testing.GitRepos;
import dev.baton.testing.PostgresServer;
import dev.baton.testing.Processes;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import tools.jackson.databind.JsonNode;

/**
 * {@code kill -9} cycles under concurrent writers: a broker on the same data directory and socket
 * (or the same PostgreSQL database) is started, written to from several threads (registrations,
 * leases, decisions, progress), killed once enough writes were acknowledged, and started again.
 * After every restart, every write acknowledged in any cycle so far is there exactly once and the
 * stale socket is taken over; on SQLite the database file passes {@code PRAGMA integrity_check}
 * while the broker is down. Once on SQLite, once on PostgreSQL.
 */
class CrashIT {
  private static final String CONFIG = "registry: {instance-ttl: 10m}\n";
  private static final int CYCLES = 3;

  /** The broker is killed once this many writes of a cycle were acknowledged. */
  private static final int KILL_AFTER = 200;

  /** Memory items listed per writer and kind; a writer logs far fewer in one cycle. */
  private static final int MEMORY_LIMIT = 200;

  @TempDir Path tmp;

  private final List<BrokerProcess> brokers = new ArrayList<>();
  private BrokerSandbox sandbox;
  private Path config;
  private Path repo;

  @BeforeEach
  void createSandbox() {
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    config = sandbox.writeConfig("baton.yaml", CONFIG);
    repo = GitRepos.create(tmp.resolve("repo"));
  }

  @AfterEach
  void stopBrokers() {
    brokers.forEach(BrokerProcess::close);
  }

  @Test
  void acknowledgedWritesSurviveKillNineCyclesOnSqlite() throws Exception {
    crashCycles();
  }

  @Test
  void acknowledgedWritesSurviveKillNineCyclesOnPostgresql() throws Exception {
    String url = PostgresServer.require().createDatabase();

    crashCycles("--store", url);
  }

  private void crashCycles(String... storeArgs) throws Exception {
    List<Ack> acknowledged = new ArrayList<>();
    BrokerProcess broker = start(storeArgs);
    String store = broker.store();
    for (int cycle = 1; cycle <= CYCLES; cycle++) {
      acknowledged.addAll(writeAndKill(broker, cycle));
      if (store.startsWith("sqlite:")) {
        assertIntact(Path.of(store.substring("sqlite:".length())), cycle);
      }

      broker = start(storeArgs);

      assertThat(broker.stderr()).contains("took over stale socket " + sandbox.socket());
      assertThat(broker.store()).isEqualTo(store);
      assertAllThere(broker, acknowledged, cycle);
    }
    try (BrokerClient client = broker.unixClient()) {
      HttpResponse health = client.send("GET", "/v1/health", Map.of(), null);
      assertThat(health.status()).as(health.bodyText()).isEqualTo(200);
    }
  }

  /** One cycle: writes until {@link #KILL_AFTER} are acknowledged, then SIGKILL. */
  private List<Ack> writeAndKill(BrokerProcess broker, int cycle) throws Exception {
    MixedWrites writes = new MixedWrites(broker.socket(), repo, cycle, KILL_AFTER);

    writes.start();
    writes.awaitAcknowledged();
    writes.markKilled();
    broker.sigkill();
    broker.waitFor(Duration.ofSeconds(30));
    writes.finish();

    assertThat(writes.unexpected())
        .as("cycle %d: answers and errors while the broker was alive", cycle)
        .isEmpty();
    assertThat(sandbox.socket()).as("the socket a killed broker leaves behind").exists();
    if (cycle == 1) { // once is enough: each CLI run starts a JVM
      Processes.Result down = sandbox.cli("status");
      assertThat(down.exitCode()).as("status of a killed broker: %s", down.stderr()).isEqualTo(4);
    }
    return writes.acknowledged();
  }

  private BrokerProcess start(String... storeArgs) {
    List<String> args = new ArrayList<>(List.of("--config", config.toString()));
    args.addAll(List.of(storeArgs));
    BrokerProcess broker = sandbox.start(args.toArray(String[]::new));
    brokers.add(broker);
    return broker;
  }

  /** Every acknowledged write is there once, after the restart that follows {@code cycle}. */
  private void assertAllThere(BrokerProcess broker, List<Ack> acknowledged, int cycle)
      throws Exception {
    String after = "after the restart that followed cycle " + cycle;
    Map<Kind, List<Ack>> byKind = acknowledged.stream().collect(Collectors.groupingBy(Ack::kind));
    List<String> problems = new ArrayList<>();
    try (BrokerClient client = broker.unixClient()) {
      List<String> instances =
          client.instances(null, null).instances().stream().map(InstanceJson::id).toList();
      List<String> leases =
          client.leases(repo.toString(), null).leases().stream().map(LeaseJson::id).toList();
      check(problems, "instance", byKind.get(Kind.INSTANCE), Ack::id, instances);
      check(problems, "lease", byKind.get(Kind.LEASE), Ack::id, leases);
      check(problems, "lease.acquired event", byKind.get(Kind.LEASE), Ack::id, acquired(broker));
      for (Kind kind : List.of(Kind.DECISION, Kind.PROGRESS)) {
        List<Ack> items = byKind.getOrDefault(kind, List.of());
        List<String> logged = new ArrayList<>();
        for (String writer : items.stream().map(Ack::writer).collect(Collectors.toSet())) {
          logged.addAll(memoryItems(client, kind, writer));
        }
        check(problems, kind.name().toLowerCase(), items, a -> a.id() + " " + a.text(), logged);
      }
    }
    assertThat(problems)
        .as("%s, of %d acknowledged writes: missing or duplicated", after, acknowledged.size())
        .isEmpty();
  }

  /**
   * Adds a problem for each acknowledged write whose key is not among {@code present}, and for each
   * key found more than once.
   */
  private static void check(
      List<String> problems,
      String what,
      List<Ack> acks,
      Function<Ack, String> key,
      List<String> present) {
    Map<String, Integer> counts = new HashMap<>();
    present.forEach(k -> counts.merge(k, 1, Integer::sum));
    counts.forEach(
        (k, n) -> {
          if (n > 1) {
            problems.add(what + " " + k + " found " + n + " times");
          }
        });
    for (Ack ack : acks == null ? List.<Ack>of() : acks) {
      if (!counts.containsKey(key.apply(ack))) {
        problems.add(what + " missing: " + ack);
      }
    }
  }

  /** The lease id of each {@code lease.acquired} event in the workspace, in order. */
  private List<String> acquired(BrokerProcess broker) throws Exception {
    List<String> leases = new ArrayList<>();
    for (JsonNode e : broker.allEvents()) {
      if ("lease.acquired".equals(e.path("type").asString())
          && repo.toString().equals(e.path("workspace").asString())) {
        leases.add(e.path("data").path("lease").asString());
      }
    }
    return leases;
  }

  /** "id text" of each item of {@code kind} that {@code writer} logged. */
  private List<String> memoryItems(BrokerClient client, Kind kind, String writer) {
    String route = kind == Kind.DECISION ? "decisions" : "progress";
    String text = kind == Kind.DECISION ? "summary" : "description";
    HttpResponse answer =
        client.send(
            "GET",
            "/v1/memory/"
                + route
                + "?workspace="
                + URLEncoder.encode(repo.toString(), StandardCharsets.UTF_8)
                + "&by="
                + writer
                + "&limit="
                + MEMORY_LIMIT,
            Map.of(),
            null);
    assertThat(answer.status()).as(answer.bodyText()).isEqualTo(200);
    List<String> items = new ArrayList<>();
    for (JsonNode item : Json.MAPPER.readTree(answer.body()).path("items")) {
      items.add(item.path("id").asString() + " " + item.path(text).asString());
    }
    assertThat(items)
        .as("%s of %s (more would be cut off)", route, writer)
        .hasSizeLessThan(MEMORY_LIMIT);
    return items;
  }

  /** Opens the killed broker's SQLite file read-only and runs {@code PRAGMA integrity_check}. */
  private static void assertIntact(Path db, int cycle) throws Exception {
    SQLiteConfig readOnly = new SQLiteConfig();
    readOnly.setReadOnly(true);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, readOnly.toProperties());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
      List<String> result = new ArrayList<>();
      while (rs.next()) {
        result.add(rs.getString(1));
      }
      assertThat(result)
          .as("integrity_check of %s after the kill in cycle %d", db, cycle)
          .containsExactly("ok");
    }
  }
}
