package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.api.AcquireBody;
import dev.baton.api.InstanceJson;
import dev.baton.api.Json;
import dev.baton.api.LeaseJson;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.EventStreamReader;
import dev.baton.api.client.HttpResponse;
import dev.baton.testing.GitRepos;
import dev.baton.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * "Leases of a killed instance are free within TTL + orphan grace + 2 s", against a real broker
 * process with a 3 s instance TTL and a 1 s orphan grace: an instance that simply goes silent, and
 * a real agent-like process that heartbeats over the socket in a loop and is killed with {@code
 * kill -9}. The deadline is a functional promise of the product, so it is asserted as an upper
 * bound.
 */
class LeaseExpiryIT {
  private static final Duration TTL = Duration.ofSeconds(3);
  private static final Duration ORPHAN_GRACE = Duration.ofSeconds(1);
  private static final Duration GRACE = ORPHAN_GRACE.plusSeconds(2);
  private static final String CONFIG =
      "registry:\n  instance-ttl: 3s\n  heartbeat-interval: 1s\n  sweep-interval: 200ms\n"
          + "leases:\n  orphan-grace: 1s\n";

  @TempDir Path tmp;

  private final List<BrokerProcess> brokers = new ArrayList<>();
  private final List<Process> agents = new ArrayList<>();
  private BrokerSandbox sandbox;
  private BrokerProcess broker;
  private BrokerClient client;
  private Path repo;

  @BeforeEach
  void startBroker() {
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    repo = GitRepos.create(tmp.resolve("repo"));
    broker = sandbox.start("--config", sandbox.writeConfig("baton.yaml", CONFIG).toString());
    brokers.add(broker);
    client = broker.unixClient();
  }

  @AfterEach
  void stopEverything() {
    for (Process p : agents) {
      killGroup(p);
    }
    if (client != null) {
      client.close();
    }
    brokers.forEach(BrokerProcess::close);
  }

  private String register(String role) {
    return client.register(new RegisterBody(role, repo.toString(), null, "claude")).instance().id();
  }

  private HttpResponse acquire(String instance, String path, long waitMs) {
    return client.send(
        "POST",
        "/v1/leases",
        Map.of(),
        Json.MAPPER.writeValueAsBytes(
            new AcquireBody(instance, path, null, "exclusive", 600_000L, waitMs, "after A", null)));
  }

  /** B heartbeats (it must outlive A) and tries the lease; true once it is granted. */
  private boolean bGetsTheLease(String b) {
    client.heartbeat(b);
    HttpResponse r = acquire(b, "src/app.py", 0);
    if (r.status() == 200) {
      return true;
    }
    assertThat(r.status()).as(r.bodyText()).isEqualTo(409);
    return false;
  }

  private static Duration until(Instant deadline) {
    Duration left = Duration.between(Instant.now(), deadline);
    assertThat(left).as("time left before the deadline").isPositive();
    return left;
  }

  @Test
  void theLeasesOfAnInstanceThatFallsSilentAreFreeWithinTtlPlusTwoSeconds() throws Exception {
    String a = register("developer");
    String b = register("research");
    client.acquire(new AcquireBody(a, "src/app.py", null, null, 600_000L, null, "silent", null));
    Instant lastHeartbeat = client.heartbeat(a).instance().lastHeartbeat();
    long mark = client.health().lastEventId();

    assertThat(bGetsTheLease(b)).as("B right after A's heartbeat").isFalse();
    Instant deadline = lastHeartbeat.plus(TTL).plus(GRACE);
    await("B's acquire succeeds within TTL + orphan grace + 2 s of A's last heartbeat")
        .pollInterval(Duration.ofMillis(100))
        .atMost(until(deadline))
        .until(() -> bGetsTheLease(b));

    assertThat(client.leases(null, null).leases())
        .singleElement()
        .satisfies(l -> assertThat(l.instance()).isEqualTo(b));
    List<JsonNode> events = eventsAfter(mark);
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.path("type").asString()).isEqualTo("instance.expired");
              assertThat(e.path("instance").asString()).isEqualTo(a);
              assertThat(e.path("data").path("cause").asString()).isEqualTo("no heartbeat");
            });
    assertThat(events)
        .as("A's exclusive lease first waits for A to come back, then goes")
        .anySatisfy(
            e -> {
              assertThat(e.path("type").asString()).isEqualTo("lease.orphaned");
              assertThat(e.path("instance").asString()).isEqualTo(a);
            })
        .anySatisfy(
            e -> {
              assertThat(e.path("type").asString()).isIn("lease.released", "lease.expired");
              assertThat(e.path("instance").asString()).isEqualTo(a);
            });
  }

  @Test
  void aWaitingAcquireIsAnsweredWhenTheSilentHoldersInstanceExpires() {
    String a = register("developer");
    String b = register("research");
    client.acquire(new AcquireBody(a, "src/app.py", null, null, 600_000L, null, "silent", null));
    Instant lastHeartbeat = client.heartbeat(a).instance().lastHeartbeat();
    Instant deadline = lastHeartbeat.plus(TTL).plus(GRACE);

    CompletableFuture<HttpResponse> waiting;
    BrokerClient own = broker.unixClient();
    try {
      waiting =
          CompletableFuture.supplyAsync(
              () -> {
                HttpResponse r =
                    own.send(
                        "POST",
                        "/v1/leases",
                        Map.of(),
                        Json.MAPPER.writeValueAsBytes(
                            new AcquireBody(
                                b, "src/app.py", null, null, null, 8_000L, "waits", null)));
                return r;
              });
      await("B's waiting acquire is answered within TTL + orphan grace + 2 s of A's heartbeat")
          .pollInterval(Duration.ofMillis(100))
          .atMost(until(deadline))
          .until(
              () -> {
                client.heartbeat(b);
                return waiting.isDone();
              });
      HttpResponse r = waiting.join();
      assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    } finally {
      own.close();
    }
  }

  @Test
  void killNineOfAnAgentThatHeartbeatsFreesItsLeasesWithinTtlPlusTwoSeconds() throws Exception {
    String a = register("developer");
    Process agent = startAgent(a);
    await("the agent leased its file")
        .atMost(Duration.ofSeconds(60))
        .until(() -> !client.leases(null, a).leases().isEmpty());
    LeaseJson held = client.leases(null, a).leases().get(0);
    await("the agent's heartbeats keep it alive past its TTL")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                agent.isAlive()
                    && client
                        .instance(a)
                        .lastHeartbeat()
                        .isAfter(held.acquiredAt().plus(TTL).plusMillis(500)));
    assertThat(client.leases(null, a).leases()).as("the agent's leases while it lives").hasSize(1);
    String b = register("research");

    killGroup(agent);
    InstanceJson last = client.instance(a);
    Instant deadline = last.lastHeartbeat().plus(TTL).plus(GRACE);

    assertThat(bGetsTheLease(b)).as("B right after the kill").isFalse();
    await("B's acquire succeeds within TTL + orphan grace + 2 s of the killed agent's heartbeat")
        .pollInterval(Duration.ofMillis(100))
        .atMost(until(deadline))
        .until(() -> bGetsTheLease(b));
    assertThat(client.instances(null, null).instances())
        .extracting(InstanceJson::id)
        .containsExactly(b);
  }

  /**
   * An agent-like process: leases a file through the CLI, then heartbeats over the broker's socket
   * every 200 ms in a bounded loop, as a hook does (with curl: a JVM per heartbeat can take longer
   * than the 3 s TTL on a busy machine). It leads its own process group so that {@code kill -9}
   * reaches the call in flight as well.
   */
  private Process startAgent(String instance) {
    String script =
        "\"$BATON\" lease acquire src/app.py --reason 'agent at work' --ttl 10m >/dev/null || exit 1\n"
            + "i=0\n"
            + "while [ $i -lt 600 ]; do\n"
            + "  curl -sf --max-time 5 --unix-socket \"$BATON_SOCKET\" -X POST"
            + " \"http://localhost/v1/instances/$BATON_INSTANCE/heartbeat\" >/dev/null || exit 1\n"
            + "  sleep 0.2\n"
            + "  i=$((i+1))\n"
            + "done\n";
    ProcessBuilder pb = sandbox.processBuilder(List.of()).directory(repo.toFile());
    pb.command("setsid", "sh", "-c", script);
    pb.environment().put("BATON", BrokerSandbox.launcher().toString());
    pb.environment().put("BATON_INSTANCE", instance);
    pb.redirectErrorStream(true);
    pb.redirectOutput(tmp.resolve("agent.log").toFile());
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      agents.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the agent", e);
    }
  }

  /** {@code kill -9} of the process's whole group, then waits until every member is gone. */
  private static void killGroup(Process p) {
    List<ProcessHandle> members = new ArrayList<>(p.descendants().toList());
    members.add(p.toHandle());
    Processes.run(null, Map.of(), List.of("kill", "-KILL", "--", "-" + p.pid()));
    p.destroyForcibly();
    for (ProcessHandle h : members) {
      h.destroyForcibly();
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("process " + h.pid() + " survived kill -9", e);
      }
    }
  }

  private List<JsonNode> eventsAfter(long after) throws Exception {
    long last = client.health().lastEventId();
    List<JsonNode> out = new ArrayList<>();
    try (EventStreamReader stream = client.events(after)) {
      while (out.isEmpty() || out.get(out.size() - 1).path("id").asLong() < last) {
        EventStreamReader.ServerSentEvent e =
            CompletableFuture.supplyAsync(
                    () -> {
                      try {
                        return stream.next();
                      } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                      }
                    })
                .get(10, TimeUnit.SECONDS);
        assertThat(e).as("event stream ended").isNotNull();
        out.add(Json.MAPPER.readTree(e.data().getBytes(StandardCharsets.UTF_8)));
      }
    }
    return out;
  }
}
