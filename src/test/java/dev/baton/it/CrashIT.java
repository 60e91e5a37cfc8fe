package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.InstanceJson;
import dev.baton.api.Json;
import dev.baton.api.RegisterBody;
import dev.baton.api.RegistrationJson;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.BrokerUnreachableException;
import dev.baton.api.client.HttpResponse;
import dev.baton.testing.GitRepos;
import dev.baton.testing.PostgresServer;
import dev.baton.testing.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} during a burst of registrations: after a restart on the same data directory and
 * socket, every registration the broker acknowledged (201) is still there, and the stale socket is
 * taken over. Once on SQLite, once on PostgreSQL.
 */
class CrashIT {
  private static final String CONFIG = "registry: {instance-ttl: 10m}\n";
  private static final int THREADS = 6;
  private static final int MAX_REGISTRATIONS = 2000;
  private static final Duration BURST_LIMIT = Duration.ofSeconds(10);

  /** The broker is killed once this many registrations were acknowledged. */
  private static final int KILL_AFTER = 200;

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
  void acknowledgedRegistrationsSurviveKillNineOnSqlite() throws Exception {
    crashDuringBurstAndRestart();
  }

  @Test
  void acknowledgedRegistrationsSurviveKillNineOnPostgresql() throws Exception {
    String url = PostgresServer.require().createDatabase();

    crashDuringBurstAndRestart("--store", url);
  }

  private void crashDuringBurstAndRestart(String... storeArgs) throws Exception {
    BrokerProcess broker = start(storeArgs);
    Burst burst = new Burst(broker.socket(), repo);

    burst.start();
    burst.awaitAcknowledged(KILL_AFTER);
    burst.markKilled();
    broker.sigkill();
    broker.waitFor(Duration.ofSeconds(30));
    burst.finish();

    assertThat(burst.unexpected).as("answers and errors while the broker was alive").isEmpty();
    assertThat(burst.acknowledged).hasSizeGreaterThanOrEqualTo(KILL_AFTER);
    assertThat(burst.attempts())
        .as("the burst was cut short by the kill")
        .isLessThan(MAX_REGISTRATIONS);
    assertThat(sandbox.socket()).as("the socket a killed broker leaves behind").exists();
    Processes.Result down = sandbox.cli("status");
    assertThat(down.exitCode()).as("status of a killed broker: %s", down.stderr()).isEqualTo(4);

    BrokerProcess restarted = start(storeArgs);

    assertThat(restarted.stderr()).contains("took over stale socket " + sandbox.socket());
    assertThat(restarted.store()).isEqualTo(broker.store());
    try (BrokerClient client = restarted.unixClient()) {
      Set<String> present =
          client.instances(null, null).instances().stream()
              .map(InstanceJson::id)
              .collect(Collectors.toSet());
      assertThat(present)
          .as("instances after the restart (%d acknowledged)", burst.acknowledged.size())
          .containsAll(burst.acknowledged);
      for (String id : List.of(burst.firstAcknowledged(), burst.lastAcknowledged())) {
        InstanceJson instance = client.instance(id);
        assertThat(instance.workspace()).isEqualTo(repo.toString());
        assertThat(instance.role()).isEqualTo("developer");
      }
    }
  }

  private BrokerProcess start(String... storeArgs) {
    List<String> args = new ArrayList<>(List.of("--config", config.toString()));
    args.addAll(List.of(storeArgs));
    BrokerProcess broker = sandbox.start(args.toArray(String[]::new));
    brokers.add(broker);
    return broker;
  }

  /** Registrations from several threads over the Unix socket, bounded in count and time. */
  private static final class Burst {
    private final Path socket;
    private final byte[] body;
    private final ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    private final List<Future<Integer>> workers = new ArrayList<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final List<String> order = Collections.synchronizedList(new ArrayList<>());
    private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch enough = new CountDownLatch(KILL_AFTER);
    private volatile boolean killed;
    private int attempts;

    Burst(Path socket, Path repo) {
      this.socket = socket;
      this.body =
          Json.MAPPER.writeValueAsBytes(
              new RegisterBody("developer", repo.toString(), null, "crash"));
    }

    void start() {
      long deadline = System.nanoTime() + BURST_LIMIT.toNanos();
      for (int t = 0; t < THREADS; t++) {
        workers.add(threads.submit(() -> register(MAX_REGISTRATIONS / THREADS, deadline)));
      }
    }

    private int register(int count, long deadline) {
      int sent = 0;
      try (BrokerClient client =
          BrokerClient.overUnixSocket(socket, true, BrokerClient.DEFAULT_TIMEOUT)) {
        while (sent < count && System.nanoTime() < deadline) {
          sent++;
          HttpResponse response;
          try {
            response = client.send("POST", "/v1/instances", Map.of(), body);
          } catch (BrokerUnreachableException e) {
            if (!killed) {
              unexpected.add("before the kill: " + e.getMessage());
            }
            return sent;
          }
          if (response.status() != 201) {
            unexpected.add("HTTP " + response.status() + ": " + response.bodyText());
            return sent;
          }
          String id =
              Json.MAPPER.readValue(response.body(), RegistrationJson.class).instance().id();
          acknowledged.add(id);
          order.add(id);
          enough.countDown();
        }
      }
      return sent;
    }

    void awaitAcknowledged(int n) throws InterruptedException {
      Duration limit = BURST_LIMIT.plusSeconds(20);
      if (!enough.await(limit.toSeconds(), TimeUnit.SECONDS)) {
        throw new AssertionError(
            "only "
                + acknowledged.size()
                + " of "
                + n
                + " registrations acknowledged in "
                + limit.toSeconds()
                + " s; "
                + unexpected);
      }
    }

    void markKilled() {
      killed = true;
    }

    void finish() throws Exception {
      for (Future<Integer> worker : workers) {
        attempts += worker.get(60, TimeUnit.SECONDS);
      }
      threads.shutdownNow();
    }

    int attempts() {
      return attempts;
    }

    String firstAcknowledged() {
      return order.get(0);
    }

    String lastAcknowledged() {
      return order.get(order.size() - 1);
    }
  }
}
