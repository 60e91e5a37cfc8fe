package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.api.AcquireBody;
import dev.baton.api.Json;
import dev.baton.api.LeaseListJson;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.leases.PathPattern;
import dev.baton.testing.GitRepos;
import dev.baton.testing.PostgresServer;
import dev.baton.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Many client threads and several client processes race for overlapping leases through one real
 * broker process; afterwards the broker's event stream (from event 0, in commit order) is replayed
 * and no instant may show two instances holding overlapping leases of which one is exclusive, and
 * fencing tokens must only grow. On SQLite, on PostgreSQL, and on two broker nodes sharing one
 * PostgreSQL store (with a waiter on one node and the release on the other).
 */
class LeaseRaceIT {
  private static final String CONFIG =
      "registry:\n  instance-ttl: 10m\n  sweep-interval: 200ms\nleases:\n  max-wait: 5s\n";
  private static final int THREADS = 16;
  private static final int PROCESSES = 3;
  private static final int INSTANCES_PER_PROCESS = 2;
  private static final int ITERATIONS = 60;

  /**
   * The longest a racer races; it stops earlier once it has made its {@link #ITERATIONS}. On an
   * idle machine the iterations end first; 20 s was too short on a busy one (two nodes on
   * PostgreSQL made 40 grants in a clean-clone CI run beside a parallel build, under the 50 that
   * show the race ran at all).
   */
  private static final Duration RACE_LIMIT = Duration.ofSeconds(60);

  private static final int CLI_ROUNDS = 4;

  @TempDir Path tmp;

  private final List<BrokerProcess> brokers = new ArrayList<>();
  private final List<Process> clients = new ArrayList<>();
  private BrokerSandbox sandbox;
  private Path repo;

  @BeforeEach
  void createSandbox() {
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    repo = GitRepos.create(tmp.resolve("repo"));
  }

  @AfterEach
  void stopEverything() {
    for (Process p : clients) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    brokers.forEach(BrokerProcess::close);
  }

  @Test
  void noTwoInstancesEverHoldClashingLeasesOnSqlite() throws Exception {
    raceAndCheckTheHistory(List.of(start(sandbox)));
  }

  @Test
  void noTwoInstancesEverHoldClashingLeasesOnPostgresql() throws Exception {
    String url = PostgresServer.require().createDatabase();

    raceAndCheckTheHistory(List.of(start(sandbox, "--store", url)));
  }

  /** Two broker nodes (one per developer machine) share one PostgreSQL store. */
  @Test
  void noTwoInstancesEverHoldClashingLeasesAcrossTwoBrokerNodesOnPostgresql() throws Exception {
    String url = PostgresServer.require().createDatabase();
    BrokerProcess first = start(sandbox, "--store", url);
    BrokerProcess second = start(BrokerSandbox.in(tmp.resolve("n2")), "--store", url);

    raceAndCheckTheHistory(List.of(first, second));
  }

  /**
   * A waiter on one node is granted when the holder releases on another node, which publishes no
   * local event there: the node's own retry must find the file free well within the wait.
   */
  @Test
  void aWaiterOnOneNodeIsGrantedWhenTheHolderReleasesOnAnother() throws Exception {
    String url = PostgresServer.require().createDatabase();
    BrokerProcess first = start(sandbox, "--store", url);
    BrokerProcess second = start(BrokerSandbox.in(tmp.resolve("n2")), "--store", url);
    String a = register(first, 1).get(0);
    String b = register(second, 1).get(0);
    String probe = register(second, 1).get(0);
    try (BrokerClient one = first.unixClient();
        BrokerClient two =
            BrokerClient.overUnixSocket(second.socket(), true, Duration.ofSeconds(60));
        BrokerClient twoProbe = second.unixClient()) {
      String held =
          one.acquire(new AcquireBody(a, "src/app.py", null, null, null, null, "node 1", null))
              .leases()
              .get(0)
              .id();
      CompletableFuture<LeaseListJson> waiting =
          CompletableFuture.supplyAsync(
              () ->
                  two.acquire(
                      new AcquireBody(b, "src/app.py", null, null, null, 5_000L, "node 2", null)));
      await("B waits on node 2")
          .atMost(Duration.ofSeconds(10))
          .until(() -> waitingOn(twoProbe, probe) == 1);
      HttpResponse refusedOnOne =
          one.send(
              "POST",
              "/v1/leases",
              Map.of(),
              Json.MAPPER.writeValueAsBytes(
                  new AcquireBody(probe, "src/app.py", null, null, null, null, null, null)));

      one.release(held, a, false, null);

      await("B's grant on node 2 after the release on node 1, within its 5 s wait")
          .atMost(Duration.ofSeconds(10))
          .until(waiting::isDone);
      assertThat(waiting.join().leases())
          .singleElement()
          .satisfies(l -> assertThat(l.instance()).isEqualTo(b));
      assertThat(refusedOnOne.status()).as(refusedOnOne.bodyText()).isEqualTo(409);
    }
  }

  private static int waitingOn(BrokerClient client, String prober) {
    HttpResponse r =
        client.send(
            "POST",
            "/v1/leases",
            Map.of(),
            Json.MAPPER.writeValueAsBytes(
                new AcquireBody(prober, "src/app.py", null, null, null, null, null, null)));
    return r.status() == 409
        ? Json.MAPPER.readTree(r.body()).path("error").path("waiting").size()
        : -1;
  }

  private BrokerProcess start(BrokerSandbox where, String... storeArgs) {
    List<String> args =
        new ArrayList<>(List.of("--config", where.writeConfig("baton.yaml", CONFIG).toString()));
    args.addAll(List.of(storeArgs));
    BrokerProcess broker = where.start(args.toArray(String[]::new));
    brokers.add(broker);
    return broker;
  }

  /** Races through the nodes (clients spread over them) and replays the history of the first. */
  private void raceAndCheckTheHistory(List<BrokerProcess> nodes) throws Exception {
    BrokerProcess broker = nodes.get(0);
    List<String> threadInstances = register(broker, THREADS);
    List<List<String>> processInstances = new ArrayList<>();
    for (int p = 0; p < PROCESSES; p++) {
      processInstances.add(register(broker, INSTANCES_PER_PROCESS));
    }
    String cliInstance = register(broker, 1).get(0);

    List<Process> racers = new ArrayList<>();
    for (int p = 0; p < PROCESSES; p++) {
      racers.add(
          startClientProcess(nodes.get((p + 1) % nodes.size()), 1000 + p, processInstances.get(p)));
    }
    Process cli = startCliLoop(cliInstance);
    List<LeaseRaceClient.Outcome> outcomes = raceInThreads(nodes, threadInstances);
    for (Process p : racers) {
      outcomes.addAll(outcomesOf(p));
    }
    Processes.Result cliResult = finish(cli);

    assertThat(outcomes.stream().flatMap(o -> o.errors().stream()).toList())
        .as("errors and live violations the racers saw")
        .isEmpty();
    assertThat(cliResult.exitCode()).as("CLI loop: %s", cliResult.stderr()).isZero();
    assertThat(cliResult.stdout()).containsPattern("cli ok=\\d+ busy=\\d+");
    int grants = outcomes.stream().mapToInt(LeaseRaceClient.Outcome::grants).sum();
    int conflicts = outcomes.stream().mapToInt(LeaseRaceClient.Outcome::conflicts).sum();
    assertThat(grants).as("grants (conflicts %d)", conflicts).isGreaterThan(50);
    assertThat(conflicts).as("conflicts (grants %d)", grants).isGreaterThan(50);

    History history = replay(broker);
    System.out.printf(
        "race on %d node(s), %s: %d attempts, %d grants, %d conflicts, %d left to expire and gone;"
            + " history: %d acquired, %d expired; CLI %s%n",
        nodes.size(),
        broker.store(),
        outcomes.stream().mapToInt(LeaseRaceClient.Outcome::attempts).sum(),
        grants,
        conflicts,
        outcomes.stream().mapToInt(LeaseRaceClient.Outcome::expiredBeforeRelease).sum(),
        history.acquired,
        history.expired,
        cliResult.stdout().strip());

    assertThat(history.violations).as("clashing holders in the event history").isEmpty();
    assertThat(history.tokenRegressions).as("fencing tokens that did not grow").isEmpty();
    assertThat(history.unknownReleases).as("releases of leases never granted").isEmpty();
    assertThat(history.acquired).as("lease.acquired events").isGreaterThan(50);
    assertThat(history.expired)
        .as("lease.expired events (short TTLs left to run out)")
        .isPositive();
    Set<String> grantedToClients = new HashSet<>();
    outcomes.forEach(o -> grantedToClients.addAll(o.grantedLeases()));
    assertThat(history.grants)
        .as("every id:token a client was granted is in the history")
        .containsAll(grantedToClients);
  }

  private List<String> register(BrokerProcess broker, int count) {
    List<String> ids = new ArrayList<>();
    try (BrokerClient client = broker.unixClient()) {
      for (int i = 0; i < count; i++) {
        String role = i % 2 == 0 ? "developer" : "research";
        ids.add(
            client.register(new RegisterBody(role, repo.toString(), null, "race")).instance().id());
      }
    }
    return ids;
  }

  private List<LeaseRaceClient.Outcome> raceInThreads(
      List<BrokerProcess> nodes, List<String> instances) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(instances.size());
    try {
      long deadline = System.nanoTime() + RACE_LIMIT.toNanos();
      List<Future<LeaseRaceClient.Outcome>> futures = new ArrayList<>();
      for (int i = 0; i < instances.size(); i++) {
        String instance = instances.get(i);
        Path socket = nodes.get(i % nodes.size()).socket();
        long seed = i;
        futures.add(
            pool.submit(
                () -> {
                  try (BrokerClient client =
                      BrokerClient.overUnixSocket(socket, true, Duration.ofSeconds(30))) {
                    return new LeaseRaceClient(client, repo, instance, seed)
                        .race(ITERATIONS, deadline);
                  }
                }));
      }
      List<LeaseRaceClient.Outcome> outcomes = new ArrayList<>();
      for (Future<LeaseRaceClient.Outcome> f : futures) {
        outcomes.add(f.get(RACE_LIMIT.toSeconds() + 60, TimeUnit.SECONDS));
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- client processes ----

  private Process startClientProcess(BrokerProcess broker, long seed, List<String> instances)
      throws Exception {
    Path testClasses =
        Path.of(LeaseRaceClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-cp",
                BrokerSandbox.jar() + ":" + testClasses,
                LeaseRaceClient.class.getName(),
                broker.socket().toString(),
                repo.toString(),
                Long.toString(seed),
                Integer.toString(ITERATIONS),
                Long.toString(RACE_LIMIT.toSeconds())));
    command.addAll(instances);
    return startProcess(new ProcessBuilder(command).directory(repo.toFile()));
  }

  /** The real CLI through the launcher, in a bounded shell loop, exit 3 counting as busy. */
  private Process startCliLoop(String instance) {
    String script =
        "i=0; ok=0; busy=0\n"
            + "while [ $i -lt "
            + CLI_ROUNDS
            + " ]; do\n"
            + "  i=$((i+1))\n"
            + "  out=$(\"$BATON\" lease acquire src/app.py 'docs/**' --wait 300ms --ttl 30s"
            + " --reason \"cli race $i\")\n"
            + "  rc=$?\n"
            + "  if [ $rc -eq 0 ]; then\n"
            + "    ok=$((ok+1))\n"
            + "    \"$BATON\" lease release $(printf '%s\\n' \"$out\" | awk '{print $1}') >/dev/null"
            + " || exit 1\n"
            + "  elif [ $rc -eq 3 ]; then busy=$((busy+1))\n"
            + "  else exit $rc\n"
            + "  fi\n"
            + "done\n"
            + "echo \"cli ok=$ok busy=$busy\"\n";
    ProcessBuilder pb = sandbox.processBuilder(List.of()).directory(repo.toFile());
    pb.command("sh", "-c", script);
    pb.environment().put("BATON", BrokerSandbox.launcher().toString());
    pb.environment().put("BATON_INSTANCE", instance);
    return startProcess(pb);
  }

  private Process startProcess(ProcessBuilder pb) {
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      clients.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + pb.command(), e);
    }
  }

  private static Processes.Result finish(Process p) throws Exception {
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    if (!p.waitFor(RACE_LIMIT.toSeconds() + 90, TimeUnit.SECONDS)) {
      throw new AssertionError("client process " + p.pid() + " did not finish: " + p.info());
    }
    return new Processes.Result(
        p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
  }

  private static List<LeaseRaceClient.Outcome> outcomesOf(Process p) throws Exception {
    Processes.Result r = finish(p);
    assertThat(r.exitCode()).as("client process: %s", r.stderr()).isZero();
    List<LeaseRaceClient.Outcome> outcomes =
        r.stdout()
            .lines()
            .filter(l -> l.startsWith("outcome "))
            .map(LeaseRaceClient::parse)
            .toList();
    assertThat(outcomes)
        .as("outcomes of client process; stderr: %s", r.stderr())
        .hasSize(INSTANCES_PER_PROCESS);
    return new ArrayList<>(outcomes);
  }

  private static String read(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  // ---- the history ----

  /** A lease as the history knows it. */
  private record Held(
      long event, String lease, String instance, PathPattern pattern, boolean exclusive) {
    @Override
    public String toString() {
      return lease
          + " "
          + (exclusive ? "exclusive" : "shared")
          + " "
          + pattern
          + " by "
          + instance
          + " (event "
          + event
          + ")";
    }
  }

  /** What replaying the lease events found. */
  private static final class History {
    final List<String> violations = new ArrayList<>();
    final List<String> tokenRegressions = new ArrayList<>();
    final List<String> unknownReleases = new ArrayList<>();
    final Set<String> grants = new HashSet<>();
    int acquired;
    int expired;
  }

  /**
   * Replays every lease event of the workspace, from event 0, in the order the broker committed
   * them.
   */
  private History replay(BrokerProcess broker) throws Exception {
    History history = new History();
    Map<String, Held> live = new LinkedHashMap<>();
    Map<String, Integer> waits = new java.util.HashMap<>();
    long lastToken = 0;
    for (JsonNode e : broker.allEvents()) {
      String type = e.path("type").asString();
      if (!type.startsWith("lease.") || !repo.toString().equals(e.path("workspace").asString())) {
        continue;
      }
      long id = e.path("id").asLong();
      JsonNode data = e.path("data");
      String lease = data.path("lease").asString();
      switch (type) {
        case "lease.acquired" -> {
          history.acquired++;
          long token = data.path("fencingToken").asLong();
          if (token <= lastToken) {
            history.tokenRegressions.add(
                "event " + id + ": token " + token + " after " + lastToken);
          }
          lastToken = Math.max(lastToken, token);
          history.grants.add(lease + ":" + token);
          Held held =
              new Held(
                  id,
                  lease,
                  e.path("instance").asString(),
                  PathPattern.of(data.path("path").asString(), data.path("glob").asBoolean()),
                  "exclusive".equals(data.path("mode").asString()));
          for (Held other : live.values()) {
            if (!other.lease().equals(lease)
                && !other.instance().equals(held.instance())
                && (other.exclusive() || held.exclusive())
                && other.pattern().overlaps(held.pattern())) {
              history.violations.add("granted " + held + " while " + other + " was held");
            }
          }
          live.put(lease, held);
        }
        case "lease.released", "lease.expired" -> {
          if (type.equals("lease.expired")) {
            history.expired++;
          }
          if (live.remove(lease) == null) {
            history.unknownReleases.add("event " + id + ": " + type + " of " + lease);
          }
        }
        case "lease.waiting" -> waits.merge(e.path("instance").asString(), 1, Integer::sum);
        case "lease.wait_ended" -> {
          // each wait that ends began: a request waits at most once at a time
          if (waits.merge(e.path("instance").asString(), -1, Integer::sum) < 0) {
            history.unknownReleases.add("event " + id + ": a wait ended that never began");
          }
        }
        default -> history.unknownReleases.add("event " + id + ": unknown type " + type);
      }
    }
    return history;
  }
}
