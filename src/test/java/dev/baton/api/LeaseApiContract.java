package dev.baton.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.EventStreamReader;
import dev.baton.api.client.EventStreamReader.ServerSentEvent;
import dev.baton.api.client.HttpResponse;
import dev.baton.server.Broker;
import dev.baton.testing.GitRepos;
import dev.baton.testing.TestBroker;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The lease routes of the HTTP API as a client sees them, over one listener and one store backend;
 * subclassed per transport (Unix socket, TCP) and backend (SQLite, PostgreSQL). Every bad input is
 * a 4xx with the JSON error shape and changes no stored lease and appends no event.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LeaseApiContract {
  /** The broker's leases.max-wait. */
  private static final long MAX_WAIT_MS = 30_000;

  /** How long a waiting client may take; longer than any wait the broker allows. */
  private static final Duration CLIENT_TIMEOUT = Duration.ofMillis(MAX_WAIT_MS + 20_000);

  private static final String CONFIG =
      "registry:\n  instance-ttl: 10m\nleases:\n  max-wait: " + MAX_WAIT_MS / 1000 + "s\n";

  @TempDir static Path dir;
  protected Broker broker;
  protected BrokerClient client;
  protected Path repo;
  private final List<BrokerClient> extraClients = new ArrayList<>();
  private ExecutorService waiters;

  /** A client of the listener under test that waits up to {@code timeout} for an answer. */
  protected abstract BrokerClient connect(Broker broker, Duration timeout);

  protected String storeUrl() {
    return "sqlite";
  }

  @BeforeAll
  void startBroker() {
    broker = TestBroker.start(dir.resolve("broker"), storeUrl(), CONFIG);
    client = connect(broker, BrokerClient.DEFAULT_TIMEOUT);
    repo = GitRepos.create(dir.resolve("repo"));
  }

  @AfterAll
  void stopBroker() {
    if (client != null) {
      client.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @BeforeEach
  void forgetInstances() {
    waiters = Executors.newCachedThreadPool();
    for (InstanceJson i : client.instances(null, null).instances()) {
      client.deregister(i.id());
    }
  }

  @AfterEach
  void closeExtraClients() throws InterruptedException {
    waiters.shutdownNow();
    waiters.awaitTermination(10, TimeUnit.SECONDS);
    extraClients.forEach(BrokerClient::close);
    extraClients.clear();
  }

  // ---- helpers ----

  private String register(String role) {
    return client.register(new RegisterBody(role, repo.toString(), null, "claude")).instance().id();
  }

  private static String json(Map<String, ?> fields) {
    return Json.MAPPER.writeValueAsString(fields);
  }

  private static Map<String, Object> body(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  private HttpResponse send(String method, String path, String body) {
    return sendWith(client, method, path, body);
  }

  private static HttpResponse sendWith(
      BrokerClient c, String method, String path, String bodyText) {
    return c.send(
        method,
        path,
        Map.of(),
        bodyText == null ? null : bodyText.getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse acquire(Object... keyValues) {
    return send("POST", "/v1/leases", json(body(keyValues)));
  }

  /** Acquires and returns the one granted lease, failing the test on any other answer. */
  private JsonNode granted(Object... keyValues) {
    HttpResponse r = acquire(keyValues);
    assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    JsonNode leases = tree(r).path("leases");
    assertThat(leases).as(r.bodyText()).hasSize(1);
    return leases.get(0);
  }

  private static JsonNode tree(HttpResponse r) {
    return Json.MAPPER.readTree(r.body());
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Asserts the JSON error shape, and returns the error object. */
  private static JsonNode error(HttpResponse r, int status, String code) {
    assertThat(r.status()).as(r.bodyText()).isEqualTo(status);
    assertThat(r.header("content-type")).startsWith("application/json");
    JsonNode error = tree(r).path("error");
    assertThat(error.path("code").asString()).as(r.bodyText()).isEqualTo(code);
    assertThat(error.path("message").asString()).isNotBlank();
    return error;
  }

  /** Every stored lease (all workspaces) and the newest event id. */
  private record State(List<LeaseJson> leases, long lastEventId) {}

  private State state() {
    return new State(client.leases(null, null).leases(), client.health().lastEventId());
  }

  private JsonNode refusedWithoutChange(
      String method, String path, String bodyText, int status, String code) {
    State before = state();
    JsonNode error = error(send(method, path, bodyText), status, code);
    assertThat(state()).as("stored leases and events after %s %s", method, path).isEqualTo(before);
    return error;
  }

  private JsonNode acquireRefused(int status, String code, Object... keyValues) {
    return refusedWithoutChange("POST", "/v1/leases", json(body(keyValues)), status, code);
  }

  /** The events after {@code after} up to the newest one, as JSON objects. */
  private List<JsonNode> eventsAfter(long after) throws Exception {
    long last = client.health().lastEventId();
    List<JsonNode> out = new ArrayList<>();
    if (last <= after) {
      return out;
    }
    try (EventStreamReader stream = client.events(after)) {
      assertThat(stream.status()).isEqualTo(200);
      while (true) {
        JsonNode e = Json.MAPPER.readTree(next(stream).data());
        out.add(e);
        if (e.path("id").asLong() >= last) {
          return out;
        }
      }
    }
  }

  private static ServerSentEvent next(EventStreamReader stream) throws Exception {
    ServerSentEvent e =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return stream.next();
                  } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                  }
                })
            .get(10, TimeUnit.SECONDS);
    assertThat(e).as("stream ended").isNotNull();
    return e;
  }

  private static List<JsonNode> ofType(List<JsonNode> events, String type) {
    return events.stream().filter(e -> e.path("type").asString().equals(type)).toList();
  }

  /** A request on its own connection, answered on another thread (waiting acquires). */
  private CompletableFuture<HttpResponse> async(String method, String path, String bodyText) {
    BrokerClient own = connect(broker, CLIENT_TIMEOUT);
    extraClients.add(own);
    return CompletableFuture.supplyAsync(() -> sendWith(own, method, path, bodyText), waiters);
  }

  /** A connection to the listener under test, for requests sent and abandoned by hand. */
  protected SocketChannel openChannel() throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(broker.socket()));
    return channel;
  }

  /** Headers the listener under test needs on a hand-made request, e.g. a bearer token. */
  protected String extraHeaders() {
    return "";
  }

  /** Sends {@code POST /v1/leases} by hand and leaves the connection open, unread. */
  private SocketChannel openRaw(String json) throws IOException {
    SocketChannel channel = openChannel();
    byte[] bodyBytes = json.getBytes(StandardCharsets.UTF_8);
    String head =
        "POST /v1/leases HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + extraHeaders()
            + "Content-Length: "
            + bodyBytes.length
            + "\r\n\r\n";
    ByteBuffer out = ByteBuffer.allocate(head.length() + bodyBytes.length);
    out.put(head.getBytes(StandardCharsets.US_ASCII)).put(bodyBytes).flip();
    while (out.hasRemaining()) {
      channel.write(out);
    }
    return channel;
  }

  private CompletableFuture<HttpResponse> acquireAsync(Object... keyValues) {
    return async("POST", "/v1/leases", json(body(keyValues)));
  }

  /** The waiting requests a probing acquire of {@code path} by {@code prober} is told about. */
  private int waitingFor(String prober, String path) {
    HttpResponse r = acquire("instance", prober, "path", path);
    return r.status() == 409 ? tree(r).path("error").path("waiting").size() : -1;
  }

  private void release(String leaseId, String instance) {
    HttpResponse r = send("DELETE", "/v1/leases/" + leaseId + "?instance=" + q(instance), null);
    assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
  }

  private static JsonNode done(CompletableFuture<HttpResponse> f, Duration within) {
    return done(f, within, "the waiting acquire's answer");
  }

  private static JsonNode done(CompletableFuture<HttpResponse> f, Duration within, String what) {
    await(what)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .atMost(within)
        .until(f::isDone);
    HttpResponse r = f.join();
    assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    return tree(r).path("leases");
  }

  // ---- acquire and conflict ----

  @Test
  void anExclusiveLeaseIsGrantedWithItsIdTokenAndExpiry() {
    String a = register("developer");
    Instant before = Instant.now();

    HttpResponse r =
        acquire("instance", a, "path", "src/app.py", "reason", "refactor auth", "ttlMs", 120_000);

    assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    assertThat(r.header("content-type")).startsWith("application/json");
    JsonNode answer = tree(r);
    assertThat(answer.path("count").asInt()).isEqualTo(1);
    JsonNode lease = answer.path("leases").get(0);
    assertThat(lease.path("id").asString()).matches("L\\d+");
    assertThat(lease.path("workspace").asString()).isEqualTo(repo.toString());
    assertThat(lease.path("instance").asString()).isEqualTo(a);
    assertThat(lease.path("role").asString()).isEqualTo("developer");
    assertThat(lease.path("path").asString()).isEqualTo("src/app.py");
    assertThat(lease.path("glob").asBoolean()).isFalse();
    assertThat(lease.path("mode").asString()).isEqualTo("exclusive");
    assertThat(lease.path("reason").asString()).isEqualTo("refactor auth");
    assertThat(lease.path("fencingToken").asLong()).isPositive();
    assertThat(lease.path("ttlMs").asLong()).isEqualTo(120_000);
    Instant acquiredAt = Instant.parse(lease.path("acquiredAt").asString());
    assertThat(acquiredAt).isBetween(before.minusSeconds(1), Instant.now().plusSeconds(1));
    assertThat(Instant.parse(lease.path("expiresAt").asString()))
        .isEqualTo(acquiredAt.plusMillis(120_000));
    HttpResponse shown = send("GET", "/v1/leases/" + lease.path("id").asString(), null);
    assertThat(tree(shown)).isEqualTo(lease);
  }

  @Test
  void withoutATtlTheLeaseGetsTheDefaultOfTenMinutesAndTheModeDefaultsToExclusive() {
    String a = register("developer");

    JsonNode lease = granted("instance", a, "path", "README.md");

    assertThat(lease.path("ttlMs").asLong()).isEqualTo(Duration.ofMinutes(10).toMillis());
    assertThat(lease.path("mode").asString()).isEqualTo("exclusive");
    assertThat(lease.has("reason")).isFalse();
  }

  @Test
  void anAbsolutePathInTheWorkspaceOrALinkedWorktreeIsStoredRelativeToTheRoot() {
    Path worktree =
        GitRepos.addWorktree(
            repo, dir.resolve("wt-" + System.nanoTime()), "wt" + System.nanoTime());
    String a = register("developer");

    JsonNode main = granted("instance", a, "path", repo.resolve("src/app.py").toString());
    JsonNode viaWorktree =
        granted("instance", a, "path", worktree.resolve("docs/guide.md").toString());

    assertThat(main.path("path").asString()).isEqualTo("src/app.py");
    assertThat(viaWorktree.path("path").asString()).isEqualTo("docs/guide.md");
    assertThat(viaWorktree.path("workspace").asString()).isEqualTo(repo.toString());
  }

  @Test
  void aGlobIsGrantedAsAGlob() {
    String a = register("developer");

    JsonNode lease = granted("instance", a, "path", "src/**/*.py");

    assertThat(lease.path("path").asString()).isEqualTo("src/**/*.py");
    assertThat(lease.path("glob").asBoolean()).isTrue();
  }

  @Test
  void aConflictIsA409NamingEveryHolderAndChangesNothing() {
    String a = register("developer");
    String b = register("research");
    JsonNode held =
        granted("instance", a, "path", "src/app.py", "reason", "refactor auth", "ttlMs", 300_000);

    JsonNode e =
        acquireRefused(409, "lease_conflict", "instance", b, "path", "src/**", "mode", "shared");

    assertThat(e.path("message").asString())
        .startsWith("lease on src/** not granted: src/app.py held exclusively by " + a)
        .contains("(developer, 'refactor auth') since ")
        .containsPattern("expires in (299|300) s");
    assertThat(e.path("requested").asString()).isEqualTo("src/**");
    assertThat(e.path("waiting")).isEmpty();
    assertThat(e.path("holders")).hasSize(1);
    JsonNode holder = e.path("holders").get(0);
    assertThat(holder.path("lease").asString()).isEqualTo(held.path("id").asString());
    assertThat(holder.path("instance").asString()).isEqualTo(a);
    assertThat(holder.path("role").asString()).isEqualTo("developer");
    assertThat(holder.path("path").asString()).isEqualTo("src/app.py");
    assertThat(holder.path("mode").asString()).isEqualTo("exclusive");
    assertThat(holder.path("reason").asString()).isEqualTo("refactor auth");
    assertThat(holder.path("since").asString()).isEqualTo(held.path("acquiredAt").asString());
    assertThat(holder.path("expiresAt").asString()).isEqualTo(held.path("expiresAt").asString());
    assertThat(holder.path("expiresInMs").asLong()).isBetween(290_000L, 300_000L);
    assertThat(holder.path("requested").asString()).isEqualTo("src/**");
  }

  @Test
  void everyClashingLeaseIsNamedOnce() {
    String a = register("developer");
    String b = register("debugger");
    String c = register("reviewer");
    granted("instance", a, "path", "src/app.py");
    granted("instance", b, "path", "src/util.py", "mode", "shared");

    JsonNode e = acquireRefused(409, "lease_conflict", "instance", c, "path", "src/*.py");

    assertThat(e.path("holders"))
        .extracting(h -> h.path("instance").asString() + " " + h.path("mode").asString())
        .containsExactlyInAnyOrder(a + " exclusive", b + " shared");
  }

  @Test
  void sharedLeasesCoexistButKeepAnExclusiveOneOut() {
    String a = register("developer");
    String b = register("research");
    String c = register("reviewer");

    granted("instance", a, "path", "docs/guide.md", "mode", "shared");
    granted("instance", b, "path", "docs/guide.md", "mode", "shared");
    JsonNode e = acquireRefused(409, "lease_conflict", "instance", c, "path", "docs/**");
    JsonNode blocked =
        acquireRefused(409, "lease_conflict", "instance", c, "path", "docs", "mode", "exclusive");

    assertThat(e.path("holders")).hasSize(2);
    assertThat(blocked.path("holders")).hasSize(2);
  }

  @Test
  void anExclusiveLeaseKeepsSharedRequestsOut() {
    String a = register("developer");
    String b = register("research");
    granted("instance", a, "path", "docs");

    acquireRefused(409, "lease_conflict", "instance", b, "path", "docs/guide.md", "mode", "shared");
  }

  @Test
  void overlappingGlobsConflictAndDisjointOnesDoNot() {
    String a = register("developer");
    String b = register("research");
    granted("instance", a, "path", "src/*.py");

    acquireRefused(409, "lease_conflict", "instance", b, "path", "**/app.py");
    acquireRefused(409, "lease_conflict", "instance", b, "path", "src/{main,app}.py");
    acquireRefused(409, "lease_conflict", "instance", b, "path", "src");
    JsonNode disjoint = granted("instance", b, "path", "src/*.ts");
    JsonNode deeper = granted("instance", b, "path", "src/lib/*.py");

    assertThat(disjoint.path("path").asString()).isEqualTo("src/*.ts");
    assertThat(deeper.path("path").asString()).isEqualTo("src/lib/*.py");
  }

  @Test
  void severalPathsAreGrantedAllOrNone() {
    String a = register("developer");
    String b = register("research");
    granted("instance", a, "path", "src/app.py");

    acquireRefused(
        409, "lease_conflict", "instance", b, "paths", List.of("free.txt", "src/app.py"));
    HttpResponse both = acquire("instance", b, "paths", List.of("free.txt", "other.txt"));

    assertThat(tree(both).path("count").asInt()).as(both.bodyText()).isEqualTo(2);
    assertThat(tree(both).path("leases"))
        .extracting(l -> l.path("path").asString())
        .containsExactly("free.txt", "other.txt");
  }

  @Test
  void anInstanceNeverConflictsWithItselfAndReacquiringRenews() {
    String a = register("developer");
    JsonNode first = granted("instance", a, "path", "src/app.py", "ttlMs", 60_000);

    JsonNode again = granted("instance", a, "path", "src/app.py", "ttlMs", 120_000);
    JsonNode inside = granted("instance", a, "path", "src/**");

    assertThat(again.path("id").asString()).isEqualTo(first.path("id").asString());
    assertThat(again.path("fencingToken").asLong()).isEqualTo(first.path("fencingToken").asLong());
    assertThat(again.path("ttlMs").asLong()).isEqualTo(120_000);
    assertThat(Instant.parse(again.path("expiresAt").asString()))
        .isAfter(Instant.parse(first.path("expiresAt").asString()));
    assertThat(inside.path("id").asString()).isNotEqualTo(first.path("id").asString());
  }

  @Test
  void aSharedLeaseIsUpgradedToExclusiveUnderANewTokenWhenNobodyElseHoldsIt() throws Exception {
    String a = register("developer");
    String b = register("research");
    JsonNode shared = granted("instance", a, "path", "docs/guide.md", "mode", "shared");
    JsonNode other = granted("instance", b, "path", "docs/guide.md", "mode", "shared");

    acquireRefused(409, "lease_conflict", "instance", a, "path", "docs/guide.md");
    release(other.path("id").asString(), b);
    long mark = client.health().lastEventId();
    JsonNode upgraded = granted("instance", a, "path", "docs/guide.md", "mode", "exclusive");

    assertThat(upgraded.path("id").asString()).isEqualTo(shared.path("id").asString());
    assertThat(upgraded.path("mode").asString()).isEqualTo("exclusive");
    assertThat(upgraded.path("fencingToken").asLong())
        .isGreaterThan(other.path("fencingToken").asLong());
    JsonNode event = ofType(eventsAfter(mark), "lease.acquired").get(0);
    assertThat(event.path("data").path("upgraded").asBoolean()).isTrue();
    assertThat(event.path("data").path("fencingToken").asLong())
        .isEqualTo(upgraded.path("fencingToken").asLong());
    acquireRefused(409, "lease_conflict", "instance", b, "path", "docs/guide.md", "mode", "shared");
  }

  @Test
  void fencingTokensGrowWithEveryGrantInTheWorkspace() {
    String a = register("developer");
    String b = register("research");
    List<Long> tokens = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      JsonNode l = granted("instance", i % 2 == 0 ? a : b, "path", "tokens/f" + i);
      tokens.add(l.path("fencingToken").asLong());
      if (i % 2 == 1) {
        release(l.path("id").asString(), b);
      }
    }

    assertThat(tokens).isSorted().doesNotHaveDuplicates();
  }

  // ---- waiting ----

  @Test
  void aWaitingAcquireIsAnsweredAsSoonAsTheHolderReleases() throws Exception {
    String a = register("developer");
    String b = register("research");
    String c = register("reviewer");
    JsonNode held = granted("instance", a, "path", "src/app.py");

    CompletableFuture<HttpResponse> waiting =
        acquireAsync("instance", b, "path", "src/app.py", "waitMs", MAX_WAIT_MS);
    await().atMost(Duration.ofSeconds(10)).until(() -> waitingFor(c, "src/app.py") == 1);
    assertThat(waiting).isNotDone();
    JsonNode queued =
        acquireRefused(409, "lease_conflict", "instance", c, "path", "src/app.py")
            .path("waiting")
            .get(0);
    release(held.path("id").asString(), a);

    JsonNode grant = done(waiting, Duration.ofSeconds(10)).get(0);
    assertThat(queued.path("instance").asString()).isEqualTo(b);
    assertThat(queued.path("role").asString()).isEqualTo("research");
    assertThat(queued.path("paths")).extracting(JsonNode::asString).containsExactly("src/app.py");
    assertThat(grant.path("instance").asString()).isEqualTo(b);
    assertThat(grant.path("fencingToken").asLong())
        .isGreaterThan(held.path("fencingToken").asLong());
  }

  @Test
  void aWaitIsListedAndAnnouncedWhileItLastsAndItsEndSaysWhy() throws Exception {
    String a = register("developer");
    String b = register("research");
    JsonNode held = granted("instance", a, "path", "src/app.py");
    long mark = client.health().lastEventId();

    CompletableFuture<HttpResponse> waiting =
        acquireAsync("instance", b, "path", "src/app.py", "waitMs", MAX_WAIT_MS);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> client.waiting(repo.toString()).count() == 1);
    var queued = client.waiting(repo.toString()).waiting().get(0);
    assertThat(queued.instance()).isEqualTo(b);
    assertThat(queued.role()).isEqualTo("research");
    assertThat(queued.paths()).containsExactly("src/app.py");
    release(held.path("id").asString(), a);
    done(waiting, Duration.ofSeconds(10));

    assertThat(client.waiting(repo.toString()).count()).isZero();
    List<JsonNode> events = eventsAfter(mark);
    JsonNode started = ofType(events, "lease.waiting").get(0);
    assertThat(started.path("instance").asString()).isEqualTo(b);
    assertThat(started.path("data").path("paths").get(0).asString()).isEqualTo("src/app.py");
    JsonNode ended = ofType(events, "lease.wait_ended").get(0);
    assertThat(ended.path("instance").asString()).isEqualTo(b);
    assertThat(ended.path("data").path("outcome").asString()).isEqualTo("granted");
    assertThat(ended.path("id").asLong()).isGreaterThan(started.path("id").asLong());

    HttpResponse noWorkspace = send("GET", "/v1/leases/waiting", null);
    assertThat(noWorkspace.status()).isEqualTo(400);
    assertThat(noWorkspace.bodyText()).contains("workspace is required");
  }

  @Test
  void waitersAreServedFirstComeFirstServed() {
    String a = register("developer");
    String b = register("research");
    String c = register("reviewer");
    String probe = register("ops");
    JsonNode held = granted("instance", a, "path", "src/app.py");
    CompletableFuture<HttpResponse> first =
        acquireAsync("instance", b, "path", "src/app.py", "waitMs", MAX_WAIT_MS);
    await().atMost(Duration.ofSeconds(10)).until(() -> waitingFor(probe, "src/app.py") == 1);
    CompletableFuture<HttpResponse> second =
        acquireAsync("instance", c, "path", "src/**", "waitMs", MAX_WAIT_MS);
    await().atMost(Duration.ofSeconds(10)).until(() -> waitingFor(probe, "src/app.py") == 2);

    release(held.path("id").asString(), a);
    JsonNode toB = done(first, Duration.ofSeconds(10)).get(0);
    assertThat(second).isNotDone();
    release(toB.path("id").asString(), b);
    JsonNode toC = done(second, Duration.ofSeconds(10)).get(0);

    assertThat(toB.path("instance").asString()).isEqualTo(b);
    assertThat(toC.path("instance").asString()).isEqualTo(c);
    assertThat(toC.path("fencingToken").asLong()).isGreaterThan(toB.path("fencingToken").asLong());
  }

  @Test
  void aLaterRequestDoesNotOvertakeAnEarlierWaiterItClashesWith() {
    String a = register("developer");
    String b = register("research");
    String c = register("reviewer");
    granted("instance", a, "path", "src/app.py");
    CompletableFuture<HttpResponse> waiting =
        acquireAsync("instance", b, "path", "src/**", "waitMs", MAX_WAIT_MS);
    await().atMost(Duration.ofSeconds(10)).until(() -> waitingFor(c, "src/**") == 1);

    JsonNode e = acquireRefused(409, "lease_conflict", "instance", c, "path", "src/util.py");

    assertThat(e.path("holders")).isEmpty();
    assertThat(e.path("waiting")).extracting(w -> w.path("instance").asString()).containsExactly(b);
    assertThat(e.path("message").asString()).contains(b + " (research) has waited for src/**");
    assertThat(waiting).isNotDone();
  }

  @Test
  void aWaiterWhoseInstanceIsDeregisteredStopsWaitingAndHoldsNobodyBack() throws Exception {
    String a = register("developer");
    String b = register("research");
    String c = register("reviewer");
    granted("instance", a, "path", "src/app.py");
    CompletableFuture<HttpResponse> waiting =
        acquireAsync("instance", b, "path", "src/**", "waitMs", MAX_WAIT_MS);
    await().atMost(Duration.ofSeconds(10)).until(() -> waitingFor(c, "src/**") == 1);

    client.deregister(b);

    HttpResponse answer = waiting.get(10, TimeUnit.SECONDS);
    error(answer, 404, "instance_not_found");
    await().atMost(Duration.ofSeconds(10)).until(() -> waitingFor(c, "src/**") == 0);
    JsonNode lease = granted("instance", c, "path", "src/util.py");
    assertThat(lease.path("instance").asString()).isEqualTo(c);
  }

  @Test
  void aWaitThatRunsOutIsA409SayingHowLongItWaitedAndNamingTheHolder() {
    String a = register("developer");
    String b = register("research");
    granted("instance", a, "path", "src/app.py", "reason", "long job");

    HttpResponse r = acquire("instance", b, "path", "src/app.py", "waitMs", 300);

    JsonNode e = error(r, 409, "lease_conflict");
    assertThat(e.path("message").asString())
        .containsPattern("not granted after \\d+ ms: src/app.py held exclusively by " + a);
    assertThat(e.path("holders")).extracting(h -> h.path("instance").asString()).containsExactly(a);
    assertThat(client.leases(null, b).leases()).isEmpty();
  }

  /**
   * A request that arrives while the broker is granting the queue's last waiters must still be
   * woken by the next release. Found by this test: it used to wait out its whole timeout.
   */
  @Test
  void aRequestArrivingWhileTheQueueIsServedIsWokenByTheNextRelease() {
    String a = register("developer");
    String c = register("reviewer");
    List<String> readers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      readers.add(register("research"));
    }
    for (int round = 0; round < 3; round++) {
      JsonNode held = granted("instance", a, "path", "queue/x");
      List<CompletableFuture<HttpResponse>> shared = new ArrayList<>();
      for (String r : readers) {
        shared.add(
            acquireAsync(
                "instance", r, "path", "queue/x", "mode", "shared", "waitMs", MAX_WAIT_MS));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> waitingFor(c, "queue/x") == 20);

      release(held.path("id").asString(), a);
      CompletableFuture<HttpResponse> late =
          acquireAsync("instance", c, "path", "queue/x", "waitMs", 15_000);
      List<String> sharedIds = new ArrayList<>();
      for (CompletableFuture<HttpResponse> f : shared) {
        sharedIds.add(done(f, Duration.ofSeconds(20)).get(0).path("id").asString());
      }
      for (int i = 0; i < readers.size(); i++) {
        release(sharedIds.get(i), readers.get(i));
      }

      JsonNode toC =
          done(
                  late,
                  Duration.ofSeconds(10),
                  "round "
                      + round
                      + ": the grant to a request that arrived while 20 waiters were being served,"
                      + " after every holder released (it waits up to 15 s)")
              .get(0);
      assertThat(toC.path("instance").asString()).as("round %d", round).isEqualTo(c);
      release(toC.path("id").asString(), c);
    }
  }

  /**
   * A client that waits and then hangs up (Ctrl-C on {@code baton lease acquire --wait}) must not
   * be granted the lease later: nobody would know it holds the file, and every other agent would be
   * kept out for the lease's whole TTL. (It used to be granted; the broker now gives it back when
   * the answer cannot be delivered.)
   */
  @Test
  void aWaiterThatHungUpIsNotGrantedTheLease() throws Exception {
    String a = register("developer");
    String b = register("research");
    String c = register("reviewer");
    JsonNode held = granted("instance", a, "path", "src/app.py");
    String request = json(body("instance", b, "path", "src/app.py", "waitMs", 20_000));

    SocketChannel hungUp = openRaw(request);
    await("the acquire that will hang up queues")
        .atMost(Duration.ofSeconds(10))
        .until(() -> waitingFor(c, "src/app.py") == 1);
    hungUp.close();
    // The broker learns of a hang-up when its connection reads the end of the stream. A grant
    // that races that read is written to a socket whose peer has gone, and the write succeeds
    // (nothing can tell a sender that bytes were not read): so wait until the waiter has left.
    await("the broker drops the waiter whose client hung up")
        .atMost(Duration.ofSeconds(10))
        .until(() -> waitingFor(c, "src/app.py") == 0);
    release(held.path("id").asString(), a);

    await("another agent gets the file its holder released")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              HttpResponse r = acquire("instance", c, "path", "src/app.py");
              assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
            });
    assertThat(client.leases(null, b).leases()).as("leases of the client that hung up").isEmpty();
  }

  /**
   * A client that sends more bytes while its acquire waits (a pipelined request) still gets its
   * grant; the bytes cannot be given back to the connection, so the answer closes it.
   */
  @Test
  void aWaiterThatSendsMoreGetsItsGrantAndTheConnectionCloses() throws Exception {
    String a = register("developer");
    String b = register("research");
    String c = register("reviewer");
    JsonNode held = granted("instance", a, "path", "src/app.py");
    SocketChannel waiting =
        openRaw(json(body("instance", b, "path", "src/app.py", "waitMs", 20_000)));
    await("the acquire queues")
        .atMost(Duration.ofSeconds(10))
        .until(() -> waitingFor(c, "src/app.py") == 1);
    String more = "GET /v1/health HTTP/1.1\r\nHost: localhost\r\n" + extraHeaders() + "\r\n";
    waiting.write(ByteBuffer.wrap(more.getBytes(StandardCharsets.US_ASCII)));
    release(held.path("id").asString(), a);

    String answer;
    try (waiting) {
      answer =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return new String(
                          java.nio.channels.Channels.newInputStream(waiting).readAllBytes(),
                          StandardCharsets.UTF_8);
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
    assertThat(client.leases(null, b).leases()).as("leases of the waiter").hasSize(1);
  }

  /** A waiting acquire holds no broker thread: more waiters than Jetty has threads all work. */
  @Test
  void moreWaitersThanTheBrokerHasThreadsAreAllAnswered() {
    int count = 250;
    String a = register("developer");
    String probe = register("ops");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(register("research"));
    }
    JsonNode held = granted("instance", a, "path", "src/app.py");
    List<CompletableFuture<HttpResponse>> answers = new ArrayList<>();
    for (String id : ids) {
      answers.add(
          acquireAsync("instance", id, "path", "src/app.py", "mode", "shared", "waitMs", 25_000));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> waitingFor(probe, "src/app.py") == count);

    assertThat(send("GET", "/v1/health", null).status()).isEqualTo(200);
    release(held.path("id").asString(), a);
    for (CompletableFuture<HttpResponse> f : answers) {
      assertThat(done(f, Duration.ofSeconds(20)).get(0).path("mode").asString())
          .isEqualTo("shared");
    }
    assertThat(client.leases(repo.toString(), null).count()).isEqualTo(count);
  }

  @Test
  void anExpiredLeaseIsReleasedByTheBrokerWithoutAnyRequest() throws Exception {
    String a = register("developer");
    long mark = client.health().lastEventId();
    JsonNode lease = granted("instance", a, "path", "src/app.py", "ttlMs", 1000);

    await("the lease.expired event, with no lease request made")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !ofType(eventsAfter(mark), "lease.expired").isEmpty());

    JsonNode expired = ofType(eventsAfter(mark), "lease.expired").get(0);
    assertThat(expired.path("instance").asString()).isEqualTo(a);
    assertThat(expired.path("data").path("lease").asString())
        .isEqualTo(lease.path("id").asString());
    assertThat(Instant.parse(expired.path("at").asString()))
        .isAfterOrEqualTo(Instant.parse(lease.path("expiresAt").asString()));
    assertThat(client.leases(null, a).leases()).isEmpty();
  }

  @Test
  void heartbeatsKeepTheInstanceAliveButNotItsLeases() throws Exception {
    String a = register("developer");
    long mark = client.health().lastEventId();
    granted("instance", a, "path", "src/app.py", "ttlMs", 1000);

    await("the lease expires although its instance heartbeats")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              client.heartbeat(a);
              return !ofType(eventsAfter(mark), "lease.expired").isEmpty();
            });

    assertThat(client.instance(a).id()).isEqualTo(a);
    assertThat(client.leases(null, a).leases()).isEmpty();
  }

  @Test
  void aWaiterIsGrantedWhenTheHoldersLeaseExpires() throws Exception {
    String a = register("developer");
    String b = register("research");
    long mark = client.health().lastEventId();
    JsonNode held = granted("instance", a, "path", "src/app.py", "ttlMs", 1000);

    CompletableFuture<HttpResponse> waiting =
        acquireAsync("instance", b, "path", "src/app.py", "waitMs", 20_000);

    JsonNode grant = done(waiting, Duration.ofSeconds(15)).get(0);
    assertThat(grant.path("instance").asString()).isEqualTo(b);
    List<String> order =
        eventsAfter(mark).stream()
            .filter(e -> e.path("type").asString().startsWith("lease."))
            .map(e -> e.path("type").asString() + " " + e.path("data").path("lease").asString())
            .toList();
    assertThat(order)
        .containsSubsequence(
            "lease.acquired " + held.path("id").asString(),
            "lease.expired " + held.path("id").asString(),
            "lease.acquired " + grant.path("id").asString());
  }

  // ---- renew, release, list, check ----

  @Test
  void renewExtendsTheLeaseAndKeepsItsToken() {
    String a = register("developer");
    JsonNode lease = granted("instance", a, "path", "src/app.py", "ttlMs", 60_000);

    HttpResponse r =
        send(
            "POST",
            "/v1/leases/" + lease.path("id").asString() + "/renew",
            json(body("instance", a, "ttlMs", 600_000)));
    HttpResponse again =
        send(
            "POST",
            "/v1/leases/" + lease.path("id").asString() + "/renew",
            json(body("instance", a)));

    assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    JsonNode renewed = tree(r);
    assertThat(renewed.path("id").asString()).isEqualTo(lease.path("id").asString());
    assertThat(renewed.path("fencingToken").asLong())
        .isEqualTo(lease.path("fencingToken").asLong());
    assertThat(renewed.path("ttlMs").asLong()).isEqualTo(600_000);
    Instant renewedAt = Instant.parse(renewed.path("renewedAt").asString());
    assertThat(Instant.parse(renewed.path("expiresAt").asString()))
        .isEqualTo(renewedAt.plusMillis(600_000));
    assertThat(renewed.path("acquiredAt").asString())
        .isEqualTo(lease.path("acquiredAt").asString());
    assertThat(tree(again).path("ttlMs").asLong())
        .as("no ttlMs keeps the lease's own")
        .isEqualTo(600_000);
  }

  @Test
  void theHolderReleasesItsLeaseAndTheEventSaysSo() throws Exception {
    String a = register("developer");
    String b = register("research");
    JsonNode lease = granted("instance", a, "path", "src/app.py");
    long mark = client.health().lastEventId();

    HttpResponse r =
        send("DELETE", "/v1/leases/" + lease.path("id").asString() + "?instance=" + q(a), null);

    assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    assertThat(tree(r).path("released").asBoolean()).isTrue();
    assertThat(tree(r).path("lease").path("id").asString()).isEqualTo(lease.path("id").asString());
    error(send("GET", "/v1/leases/" + lease.path("id").asString(), null), 404, "lease_not_found");
    List<JsonNode> released = ofType(eventsAfter(mark), "lease.released");
    assertThat(released).hasSize(1);
    assertThat(released.get(0).path("instance").asString()).isEqualTo(a);
    assertThat(released.get(0).path("workspace").asString()).isEqualTo(repo.toString());
    assertThat(released.get(0).path("data").path("lease").asString())
        .isEqualTo(lease.path("id").asString());
    assertThat(released.get(0).path("data").path("forced").asBoolean()).isFalse();
    granted("instance", b, "path", "src/app.py");
  }

  @Test
  void aForcedReleaseTellsTheHolderThroughTheEventStream() throws Exception {
    String a = register("developer");
    JsonNode lease = granted("instance", a, "path", "src/app.py", "reason", "stuck agent");
    long mark = client.health().lastEventId();

    HttpResponse r =
        send("DELETE", "/v1/leases/" + lease.path("id").asString() + "?force=true&by=alice", null);

    assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    assertThat(tree(r).path("lease").path("instance").asString()).isEqualTo(a);
    assertThat(client.leases(null, a).leases()).isEmpty();
    List<JsonNode> released = ofType(eventsAfter(mark), "lease.released");
    assertThat(released).hasSize(1);
    JsonNode e = released.get(0);
    assertThat(e.path("instance").asString()).as("the holder is told").isEqualTo(a);
    assertThat(e.path("data").path("forced").asBoolean()).isTrue();
    assertThat(e.path("data").path("by").asString()).isEqualTo("alice");
    assertThat(e.path("data").path("path").asString()).isEqualTo("src/app.py");
    assertThat(e.path("data").path("reason").asString()).isEqualTo("stuck agent");
  }

  @Test
  void aForcedReleaseWithoutANameIsByAHuman() throws Exception {
    String a = register("developer");
    JsonNode lease = granted("instance", a, "path", "src/app.py");
    long mark = client.health().lastEventId();

    HttpResponse r =
        send("DELETE", "/v1/leases/" + lease.path("id").asString() + "?force=true", null);

    assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    JsonNode e = ofType(eventsAfter(mark), "lease.released").get(0);
    assertThat(e.path("data").path("forced").asBoolean()).isTrue();
    assertThat(e.path("data").path("by").asString()).isEqualTo("human");
  }

  @Test
  void deregisteringAnInstanceReleasesAllItsLeasesWithOneEventEach() throws Exception {
    String a = register("developer");
    String b = register("research");
    granted("instance", a, "path", "src/app.py");
    granted("instance", a, "path", "docs/**", "mode", "shared");
    long mark = client.health().lastEventId();

    client.deregister(a);

    assertThat(client.leases(null, a).count()).isZero();
    List<JsonNode> released = ofType(eventsAfter(mark), "lease.released");
    assertThat(released)
        .extracting(e -> e.path("data").path("path").asString())
        .containsExactlyInAnyOrder("src/app.py", "docs/**");
    assertThat(released)
        .allSatisfy(e -> assertThat(e.path("data").path("cause").asString()).isNotBlank());
    granted("instance", b, "path", "src/app.py");
  }

  @Test
  void listFiltersByWorkspaceAndInstance() {
    Path other = GitRepos.create(dir.resolve("other-" + System.nanoTime()));
    String a = register("developer");
    String b = register("research");
    String elsewhere =
        client
            .register(new RegisterBody("developer", other.toString(), null, null))
            .instance()
            .id();
    granted("instance", a, "path", "src/app.py");
    granted("instance", b, "path", "docs/**");
    granted("instance", elsewhere, "path", "src/app.py");

    HttpResponse all = send("GET", "/v1/leases", null);
    HttpResponse inRepo =
        send("GET", "/v1/leases?workspace=" + q(repo.resolve("src").toString()), null);
    HttpResponse ofB =
        send("GET", "/v1/leases?workspace=" + q(repo.toString()) + "&instance=" + q(b), null);

    assertThat(tree(all).path("count").asInt()).isEqualTo(3);
    assertThat(tree(inRepo).path("leases"))
        .extracting(l -> l.path("instance").asString())
        .containsExactlyInAnyOrder(a, b);
    assertThat(tree(ofB).path("leases"))
        .extracting(l -> l.path("path").asString())
        .containsExactly("docs/**");
    assertThat(tree(ofB).path("count").asInt()).isEqualTo(1);
  }

  @Test
  void checkNamesTheLeasesThatCoverAPath() {
    String a = register("developer");
    String b = register("research");
    JsonNode glob = granted("instance", a, "path", "src/**/*.py");
    JsonNode dirLease = granted("instance", b, "path", "docs", "mode", "shared");

    JsonNode covered =
        tree(
            send(
                "GET",
                "/v1/leases/check?workspace=" + q(repo.toString()) + "&path=src/lib/x.py",
                null));
    JsonNode beneath =
        tree(
            send(
                "GET",
                "/v1/leases/check?path=" + q(repo.resolve("docs/guide.md").toString()),
                null));
    JsonNode free =
        tree(
            send("GET", "/v1/leases/check?workspace=" + q(repo.toString()) + "&path=README", null));

    assertThat(covered.path("free").asBoolean()).isFalse();
    assertThat(covered.path("path").asString()).isEqualTo("src/lib/x.py");
    assertThat(covered.path("workspace").asString()).isEqualTo(repo.toString());
    assertThat(covered.path("leases"))
        .extracting(l -> l.path("id").asString())
        .containsExactly(glob.path("id").asString());
    assertThat(covered.has("tokenValid")).isFalse();
    assertThat(beneath.path("leases"))
        .extracting(l -> l.path("id").asString())
        .containsExactly(dirLease.path("id").asString());
    assertThat(free.path("free").asBoolean()).isTrue();
    assertThat(free.path("leases")).isEmpty();
  }

  @Test
  void checkTellsWhetherAFencingTokenIsStillValid() {
    String a = register("developer");
    String b = register("research");
    JsonNode first = granted("instance", a, "path", "src/app.py");
    String token = first.path("fencingToken").asString();
    String check = "/v1/leases/check?workspace=" + q(repo.toString()) + "&path=src/app.py";

    JsonNode valid = tree(send("GET", check + "&fencingToken=" + token, null));
    JsonNode wrong =
        tree(
            send(
                "GET",
                check + "&fencingToken=" + (first.path("fencingToken").asLong() + 1000),
                null));
    release(first.path("id").asString(), a);
    JsonNode next = granted("instance", b, "path", "src/app.py");
    JsonNode stale = tree(send("GET", check + "&fencingToken=" + token, null));
    JsonNode current =
        tree(send("GET", check + "&fencingToken=" + next.path("fencingToken").asLong(), null));

    assertThat(valid.path("tokenValid").asBoolean()).isTrue();
    assertThat(wrong.path("tokenValid").asBoolean()).isFalse();
    assertThat(stale.path("tokenValid").asBoolean()).as("a released holder's token").isFalse();
    assertThat(current.path("tokenValid").asBoolean()).isTrue();
  }

  @Test
  void theGuardRefusesStagedPathsUnderAnotherInstancesExclusiveLease() {
    String a = register("developer");
    String b = register("research");
    granted("instance", a, "path", "src/**", "reason", "big refactor");
    granted("instance", b, "path", "docs/guide.md");
    String url = "/v1/guard/pre-commit?workspace=" + q(repo.toString()) + "&instance=" + q(b);

    JsonNode e =
        refusedWithoutChange(
            "POST", url, "docs/guide.md\nsrc/app.py\nREADME\n", 409, "lease_conflict");
    HttpResponse text = send("POST", url + "&format=text", "src/app.py\n");
    HttpResponse own = send("POST", url, "docs/guide.md\nREADME\n");
    HttpResponse asA =
        send(
            "POST",
            "/v1/guard/pre-commit?workspace=" + q(repo.toString()) + "&instance=" + q(a),
            "src/app.py\n");

    assertThat(e.path("holders"))
        .extracting(h -> h.path("instance").asString() + " " + h.path("requested").asString())
        .containsExactly(a + " src/app.py");
    assertThat(text.status()).isEqualTo(409);
    assertThat(text.bodyText())
        .startsWith("baton: commit refused")
        .contains("src/** held exclusively by " + a + " (developer, 'big refactor')")
        .contains("BATON_GUARD=off");
    assertThat(own.status()).as(own.bodyText()).isEqualTo(200);
    assertThat(asA.status()).as(asA.bodyText()).isEqualTo(200);
  }

  // ---- bad input: each is a 4xx with the JSON error shape, and nothing stored changes ----

  /** A lease held throughout, so that "nothing changed" has something to compare. */
  private String holderWithALease() {
    String a = register("developer");
    granted("instance", a, "path", "src/app.py", "ttlMs", 600_000);
    return a;
  }

  @Test
  void anUnknownInstanceCannotAcquire() {
    holderWithALease();

    JsonNode e = acquireRefused(404, "instance_not_found", "instance", "ghost-1", "path", "x.txt");

    assertThat(e.path("message").asString()).startsWith("instance ghost-1 is not registered");
    assertThat(e.path("instance").asString()).isEqualTo("ghost-1");
  }

  @Test
  void anAcquireWithoutAnInstanceIsRefused() {
    holderWithALease();

    JsonNode e = acquireRefused(400, "invalid_request", "path", "x.txt");

    assertThat(e.path("message").asString()).isEqualTo("field 'instance' is required");
    assertThat(e.path("field").asString()).isEqualTo("instance");
  }

  @Test
  void unknownLeaseIdsAre404() {
    String a = holderWithALease();
    for (String id : List.of("L999999", "bogus", "L")) {
      for (String[] call :
          new String[][] {
            {"GET", "/v1/leases/" + id, null},
            {"POST", "/v1/leases/" + id + "/renew", json(body("instance", a))},
            {"DELETE", "/v1/leases/" + id + "?instance=" + q(a), null},
            {"DELETE", "/v1/leases/" + id + "?force=true&by=alice", null}
          }) {
        JsonNode e = refusedWithoutChange(call[0], call[1], call[2], 404, "lease_not_found");
        assertThat(e.path("message").asString()).startsWith("lease " + id + " does not exist");
        assertThat(e.path("lease").asString()).isEqualTo(id);
      }
    }
  }

  @Test
  void pathsOutsideTheWorkspaceAreRefused() throws Exception {
    String a = holderWithALease();
    Path other = GitRepos.create(dir.resolve("foreign-" + System.nanoTime()));
    for (String path :
        List.of(
            "/etc/passwd",
            other.resolve("src/app.py").toString(),
            repo.getParent().resolve("x.txt").toString())) {
      JsonNode e = acquireRefused(400, "path_outside_workspace", "instance", a, "path", path);
      assertThat(e.path("message").asString())
          .isEqualTo("path '" + path + "' is outside the workspace " + repo);
      assertThat(e.path("path").asString()).isEqualTo(path);
    }
  }

  @Test
  void dotDotThatLeavesTheWorkspaceIsRefused() {
    String a = holderWithALease();
    for (String path : List.of("../x.txt", "src/../../x.txt", "../*.py", "**/../x", "src/../..")) {
      JsonNode e = acquireRefused(400, "path_outside_workspace", "instance", a, "path", path);
      assertThat(e.path("message").asString()).contains("'" + path + "'");
    }
    acquireRefused(
        400, "path_outside_workspace", "instance", a, "paths", List.of("ok.txt", "../x.txt"));
    assertThat(client.leases(null, a).leases())
        .extracting(LeaseJson::path)
        .containsExactly("src/app.py");
  }

  @Test
  void aSymlinkThatLeadsOutOfTheWorkspaceIsRefused() throws Exception {
    String a = holderWithALease();
    Path outside = Files.createDirectories(dir.resolve("outside-" + System.nanoTime()));
    Path link = repo.resolve("link-" + System.nanoTime());
    Files.createSymbolicLink(link, outside);
    try {
      JsonNode e =
          acquireRefused(
              400,
              "path_outside_workspace",
              "instance",
              a,
              "path",
              link.getFileName() + "/secret.txt");
      assertThat(e.path("message").asString()).contains("symlink").contains(outside.toString());
    } finally {
      Files.delete(link);
    }
  }

  @Test
  void emptyPathsAreRefused() {
    String a = holderWithALease();

    JsonNode none = acquireRefused(400, "invalid_request", "instance", a);
    JsonNode emptyList = acquireRefused(400, "invalid_request", "instance", a, "paths", List.of());
    JsonNode emptyString =
        acquireRefused(400, "invalid_request", "instance", a, "paths", List.of(""));
    JsonNode blank = acquireRefused(400, "invalid_request", "instance", a, "path", "   ");
    JsonNode root = acquireRefused(400, "invalid_request", "instance", a, "path", ".");

    assertThat(none.path("field").asString()).isEqualTo("paths");
    assertThat(emptyList.path("message").asString())
        .isEqualTo("field 'paths' is required: the files or globs to lease");
    assertThat(emptyString.path("message").asString()).isEqualTo("an empty path was given");
    assertThat(blank.path("field").asString()).isEqualTo("paths");
    assertThat(root.path("message").asString()).contains("names the workspace itself");
  }

  @Test
  void aModeOtherThanExclusiveOrSharedIsRefused() {
    String a = holderWithALease();

    JsonNode e =
        acquireRefused(400, "invalid_request", "instance", a, "path", "x.txt", "mode", "mine");

    assertThat(e.path("message").asString())
        .isEqualTo("mode 'mine' is neither exclusive nor shared");
    assertThat(e.path("field").asString()).isEqualTo("mode");
  }

  @Test
  void aTtlThatIsNegativeOrOutOfRangeIsRefused() {
    String a = holderWithALease();

    JsonNode negative =
        acquireRefused(400, "invalid_request", "instance", a, "path", "x.txt", "ttlMs", -5);
    JsonNode tooShort =
        acquireRefused(400, "invalid_request", "instance", a, "path", "x.txt", "ttlMs", 10);
    JsonNode tooLong =
        acquireRefused(
            400,
            "invalid_request",
            "instance",
            a,
            "path",
            "x.txt",
            "ttlMs",
            Duration.ofDays(2).toMillis());

    assertThat(negative.path("message").asString()).isEqualTo("ttlMs -5 is negative");
    assertThat(negative.path("field").asString()).isEqualTo("ttlMs");
    assertThat(tooShort.path("message").asString()).contains("10 ms is outside");
    assertThat(tooLong.path("message").asString()).contains("(leases.max-ttl)");
  }

  @Test
  void aWaitOverTheMaximumOrNegativeIsRefused() {
    String a = holderWithALease();

    JsonNode over =
        acquireRefused(
            400, "invalid_request", "instance", a, "path", "x.txt", "waitMs", MAX_WAIT_MS + 1);
    JsonNode negative =
        acquireRefused(400, "invalid_request", "instance", a, "path", "x.txt", "waitMs", -1);

    assertThat(over.path("message").asString())
        .isEqualTo(
            "wait "
                + (MAX_WAIT_MS + 1)
                + " ms is outside 0.."
                + MAX_WAIT_MS
                + " ms (leases.max-wait)");
    assertThat(over.path("field").asString()).isEqualTo("waitMs");
    assertThat(negative.path("field").asString()).isEqualTo("waitMs");
  }

  @Test
  void malformedOrMistypedAcquireBodiesAreRefused() {
    String a = holderWithALease();

    refusedWithoutChange("POST", "/v1/leases", "{\"instance\": ", 400, "invalid_json");
    refusedWithoutChange("POST", "/v1/leases", "", 400, "invalid_request");
    refusedWithoutChange("POST", "/v1/leases", "[\"x\"]", 400, "invalid_request");
    JsonNode e =
        refusedWithoutChange(
            "POST",
            "/v1/leases",
            "{\"instance\": \"" + a + "\", \"paths\": \"src/x\"}",
            400,
            "invalid_request");
    JsonNode ttl =
        refusedWithoutChange(
            "POST",
            "/v1/leases",
            "{\"instance\": \"" + a + "\", \"path\": \"x\", \"ttlMs\": \"soon\"}",
            400,
            "invalid_request");

    assertThat(e.path("field").asString()).isEqualTo("paths");
    assertThat(ttl.path("field").asString()).isEqualTo("ttlMs");
  }

  @Test
  void aReleaseWithoutInstanceOrForceIsRefused() {
    String a = holderWithALease();
    String id = client.leases(null, a).leases().get(0).id();

    JsonNode e = refusedWithoutChange("DELETE", "/v1/leases/" + id, null, 400, "invalid_request");
    refusedWithoutChange("DELETE", "/v1/leases/" + id + "?instance=", null, 400, "invalid_request");
    refusedWithoutChange(
        "DELETE", "/v1/leases/" + id + "?force=false", null, 400, "invalid_request");

    assertThat(e.path("message").asString()).contains("?instance=ID").contains("?force=true");
    assertThat(e.path("field").asString()).isEqualTo("instance");
  }

  @Test
  void onlyTheHolderRenewsOrReleases() {
    String a = holderWithALease();
    String b = register("research");
    String id = client.leases(null, a).leases().get(0).id();

    JsonNode renew =
        refusedWithoutChange(
            "POST",
            "/v1/leases/" + id + "/renew",
            json(body("instance", b)),
            409,
            "lease_not_held");
    JsonNode release =
        refusedWithoutChange(
            "DELETE", "/v1/leases/" + id + "?instance=" + q(b), null, 409, "lease_not_held");

    assertThat(renew.path("message").asString())
        .startsWith("lease " + id + " on src/app.py is held by " + a + ", not by " + b)
        .contains("baton lease release --force " + id);
    assertThat(renew.path("holder").asString()).isEqualTo(a);
    assertThat(release.path("lease").asString()).isEqualTo(id);
  }

  @Test
  void aRenewWithoutInstanceOrWithABadTtlIsRefused() {
    String a = holderWithALease();
    String id = client.leases(null, a).leases().get(0).id();

    JsonNode missing =
        refusedWithoutChange("POST", "/v1/leases/" + id + "/renew", "{}", 400, "invalid_request");
    JsonNode negative =
        refusedWithoutChange(
            "POST",
            "/v1/leases/" + id + "/renew",
            json(body("instance", a, "ttlMs", -1)),
            400,
            "invalid_request");
    refusedWithoutChange(
        "POST",
        "/v1/leases/" + id + "/renew",
        json(body("instance", a, "ttlMs", Duration.ofDays(2).toMillis())),
        400,
        "invalid_request");

    assertThat(missing.path("field").asString()).isEqualTo("instance");
    assertThat(negative.path("field").asString()).isEqualTo("ttlMs");
  }

  @Test
  void aCheckWithoutPathOrWithABadTokenOrWorkspaceIsRefused() {
    holderWithALease();
    String ws = "workspace=" + q(repo.toString());

    JsonNode noPath =
        refusedWithoutChange("GET", "/v1/leases/check?" + ws, null, 400, "invalid_request");
    JsonNode badToken =
        refusedWithoutChange(
            "GET",
            "/v1/leases/check?" + ws + "&path=src/app.py&fencingToken=x",
            null,
            400,
            "invalid_request");
    JsonNode relativeWithoutWorkspace =
        refusedWithoutChange(
            "GET", "/v1/leases/check?path=src/app.py", null, 400, "invalid_request");
    refusedWithoutChange(
        "GET", "/v1/leases/check?" + ws + "&path=../../etc", null, 400, "path_outside_workspace");
    refusedWithoutChange(
        "GET",
        "/v1/leases/check?workspace=" + q(dir.resolve("missing").toString()) + "&path=a",
        null,
        400,
        "invalid_workspace");

    assertThat(noPath.path("field").asString()).isEqualTo("path");
    assertThat(badToken.path("message").asString()).isEqualTo("fencingToken 'x' is not a number");
    assertThat(relativeWithoutWorkspace.path("field").asString()).isEqualTo("workspace");
  }

  @Test
  void theGuardRefusesARelativeWorkspace() {
    holderWithALease();

    JsonNode e =
        refusedWithoutChange(
            "POST", "/v1/guard/pre-commit?workspace=repo", "src/app.py\n", 400, "invalid_request");

    assertThat(e.path("field").asString()).isEqualTo("workspace");
  }

  @Test
  void theBrokerStillGrantsAfterBadInput() {
    String a = holderWithALease();
    acquire("instance", a, "path", "../x");
    send("POST", "/v1/leases", "{{{");
    send("DELETE", "/v1/leases/L1", null);

    JsonNode lease = granted("instance", a, "path", "after/bad-input.txt");

    assertThat(lease.path("path").asString()).isEqualTo("after/bad-input.txt");
  }
}
