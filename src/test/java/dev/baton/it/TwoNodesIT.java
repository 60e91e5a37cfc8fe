package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.api.AcquireBody;
import dev.baton.api.Json;
import dev.baton.api.LeaseListJson;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.EventStreamReader;
import dev.baton.api.client.EventStreamReader.ServerSentEvent;
import dev.baton.api.client.HttpResponse;
import dev.baton.testing.GitRepos;
import dev.baton.testing.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Two broker processes (one per developer machine) share one PostgreSQL store, as a team runs them:
 * what one node commits is live on the other.
 */
class TwoNodesIT {
  private static final String CONFIG = "registry:\n  instance-ttl: 10m\n";

  @TempDir Path tmp;

  private final List<BrokerProcess> brokers = new ArrayList<>();
  private Path repo;
  private BrokerProcess first;
  private BrokerProcess second;

  @BeforeEach
  void startTwoNodes() {
    repo = GitRepos.create(tmp.resolve("repo"));
    String url = PostgresServer.require().createDatabase();
    first = start(BrokerSandbox.in(tmp.resolve("n1")), url);
    second = start(BrokerSandbox.in(tmp.resolve("n2")), url);
  }

  @AfterEach
  void stopBrokers() {
    brokers.forEach(BrokerProcess::close);
  }

  /**
   * An event committed on one node reaches an event stream open on the other although that node
   * commits nothing itself (it used to arrive only with the other node's next commit, unbounded).
   */
  @Test
  void anEventCommittedOnOneNodeReachesTheOtherNodesStream() throws Exception {
    try (BrokerClient two = second.unixClient();
        EventStreamReader stream = two.events(null);
        BrokerClient one = first.unixClient()) {
      assertThat(stream.status()).isEqualTo(200);
      String id =
          one.register(new RegisterBody("developer", repo.toString(), null, "shell"))
              .instance()
              .id();

      JsonNode event = nextEvent(stream, "instance.registered of " + id + " on node 2's stream");
      assertThat(event.path("type").asString()).isEqualTo("instance.registered");
      assertThat(event.path("instance").asString()).isEqualTo(id);
      assertThat(event.path("id").asLong()).isEqualTo(one.health().lastEventId());
    }
  }

  /**
   * First come, first served across nodes: a request waiting on node 2 goes before a newcomer on
   * node 1 that asks right after the holder released there (the newcomer used to win: node 1 knew
   * nothing of node 2's queue).
   */
  @Test
  void aWaiterOnOneNodeGoesBeforeANewcomerOnTheNodeWhereTheHolderReleased() throws Exception {
    try (BrokerClient one = first.unixClient();
        BrokerClient two =
            BrokerClient.overUnixSocket(second.socket(), true, Duration.ofSeconds(60))) {
      String holder = register(one, "developer");
      String waiter = register(two, "research");
      String newcomer = register(one, "reviewer");
      String held =
          one.acquire(new AcquireBody(holder, "src/app.py", null, null, null, null, null, null))
              .leases()
              .get(0)
              .id();
      CompletableFuture<LeaseListJson> waiting =
          CompletableFuture.supplyAsync(
              () ->
                  two.acquire(
                      new AcquireBody(
                          waiter, "src/app.py", null, null, null, 20_000L, "node 2", null)));
      await("node 1 names node 2's waiter in its conflict answer")
          .atMost(Duration.ofSeconds(10))
          .until(() -> waitingNamedBy(one, newcomer).contains(waiter));

      one.release(held, holder, false, null);
      HttpResponse late = acquireNow(one, newcomer);

      assertThat(late.status())
          .as("the newcomer on node 1, right after the release: %s", late.bodyText())
          .isEqualTo(409);
      await("node 2's waiter is granted within its 20 s wait")
          .atMost(Duration.ofSeconds(25))
          .until(waiting::isDone);
      assertThat(waiting.join().leases())
          .singleElement()
          .satisfies(l -> assertThat(l.instance()).isEqualTo(waiter));
    }
  }

  /**
   * One node at a time keeps house (expires leases and handoffs, prunes); when it stops, another
   * takes over.
   */
  @Test
  void oneNodeAtATimeKeepsHouseAndAnotherTakesOverWhenItStops() {
    await("one of the two nodes keeps house")
        .atMost(Duration.ofSeconds(20))
        .until(() -> keepsHouse(first) || keepsHouse(second));
    BrokerProcess keeper = keepsHouse(first) ? first : second;
    BrokerProcess other = keeper == first ? second : first;
    // the other node tries every quarter second: it must keep failing while the keeper runs
    await("the other node does not keep house while " + keeper + " does")
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !keepsHouse(other));

    keeper.sigterm();
    keeper.waitFor(Duration.ofSeconds(30));

    await("the other node takes over keeping house")
        .atMost(Duration.ofSeconds(20))
        .until(() -> keepsHouse(other));
  }

  /**
   * Two nodes on one machine: a land started on a node is not taken up by the other while that node
   * runs; when it is killed, the other node takes it up and lands it, and the killed node, started
   * again, removes the scratch worktree it left.
   */
  @Test
  void aLandOfAKilledNodeIsLandedByTheOtherNodeAndOnlyThen() throws Exception {
    brokers.forEach(BrokerProcess::close);
    brokers.clear();
    Path runs = tmp.resolve("check-runs");
    // every check records its run; the first blocks until its node is killed
    String config =
        CONFIG
            + "git:\n  land-check: \"echo run >> "
            + runs
            + "; if [ $(wc -l < "
            + runs
            + ") -eq 1 ]; then sleep 60; fi\"\n";
    String url = PostgresServer.require().createDatabase();
    BrokerSandbox one = BrokerSandbox.in(tmp.resolve("l1"));
    first = start(one, url, config);
    second = start(BrokerSandbox.in(tmp.resolve("l2")), url, config);
    String id = "claude-1a0d0001";
    Path wt = GitRepos.addWorktree(repo, tmp.resolve("wt").resolve(id), "instance/" + id);
    BrokerSandbox.assertExit(
        one.cliIn(wt, Map.of(), "register", "--role", "developer", "--id", id), 0, "register");
    Files.writeString(wt.resolve("a.txt"), "a\n");
    GitRepos.git(wt, "add", "-A");
    GitRepos.git(wt, "commit", "-q", "-m", "add a.txt");
    BrokerSandbox.assertExit(one.cliIn(repo, Map.of(), "land", "--instance", id), 0, "land");
    await("node 1 runs the land's check")
        .atMost(Duration.ofSeconds(30))
        .until(() -> lines(runs) == 1);

    try (BrokerClient two = second.unixClient()) {
      // node 2 looks for unfinished lands every 10 s: it must leave this one alone
      long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
      while (System.nanoTime() < end) {
        assertThat(lines(runs))
            .as("checks run while node 1 runs the land; node 2 said:%n%s", tail(second))
            .isEqualTo(1);
        assertThat(two.land(1).status()).isEqualTo("started");
        Thread.sleep(200);
      }

      first.sigkill();
      first.waitFor(Duration.ofSeconds(30));
      await("node 2 takes up the land and lands it")
          .atMost(Duration.ofSeconds(60))
          .until(() -> two.land(1).finished());
      assertThat(two.land(1).status()).isEqualTo("landed");
    }
    assertThat(lines(runs)).as("the check ran once on each node").isEqualTo(2);
    assertThat(GitRepos.git(repo, "log", "--format=%s", "main").strip().split("\n"))
        .containsExactly("add a.txt", "init");
    assertThat(GitRepos.git(repo, "worktree", "list")).contains("lands/land-");

    first = start(one, url, config);
    assertThat(GitRepos.git(repo, "worktree", "list"))
        .as("node 1, started again, removed the scratch worktree it left")
        .doesNotContain("land-");
  }

  private static String tail(BrokerProcess broker) {
    String log = broker.stderr();
    return log.substring(Math.max(0, log.length() - 1500));
  }

  private static long lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file).size() : 0;
  }

  private static boolean keepsHouse(BrokerProcess broker) {
    return broker.stderr().contains("this node keeps house");
  }

  private String register(BrokerClient client, String role) {
    return client.register(new RegisterBody(role, repo.toString(), null, "shell")).instance().id();
  }

  private static HttpResponse acquireNow(BrokerClient client, String instance) {
    return client.send(
        "POST",
        "/v1/leases",
        Map.of(),
        Json.MAPPER.writeValueAsBytes(
            new AcquireBody(instance, "src/app.py", null, null, null, null, null, null)));
  }

  /** The instances a conflict answer to the prober lists as waiting for src/app.py. */
  private static List<String> waitingNamedBy(BrokerClient client, String prober) {
    HttpResponse r = acquireNow(client, prober);
    List<String> names = new ArrayList<>();
    if (r.status() == 409) {
      Json.MAPPER
          .readTree(r.body())
          .path("error")
          .path("waiting")
          .forEach(w -> names.add(w.path("instance").asString()));
    }
    return names;
  }

  /** The next event on the stream; the wait is bounded and says what it waited for. */
  private static JsonNode nextEvent(EventStreamReader stream, String what) throws Exception {
    ServerSentEvent sse =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return stream.next();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                })
            .completeOnTimeout(null, 10, TimeUnit.SECONDS)
            .get();
    assertThat(sse).as("within 10 s: " + what).isNotNull();
    return Json.MAPPER.readTree(sse.data());
  }

  private BrokerProcess start(BrokerSandbox where, String url) {
    return start(where, url, CONFIG);
  }

  private BrokerProcess start(BrokerSandbox where, String url, String config) {
    BrokerProcess broker =
        where.start("--config", where.writeConfig("baton.yaml", config).toString(), "--store", url);
    brokers.add(broker);
    return broker;
  }
}
