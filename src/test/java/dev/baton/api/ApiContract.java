package dev.baton.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.EventStreamReader;
import dev.baton.api.client.EventStreamReader.ServerSentEvent;
import dev.baton.api.client.HttpResponse;
import dev.baton.server.Broker;
import dev.baton.testing.GitRepos;
import dev.baton.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The HTTP API as a client sees it, over one listener and one store backend; subclassed per
 * transport (Unix socket, TCP) and backend. Bad input must get the JSON error shape and change
 * nothing that is stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ApiContract {
  @TempDir static Path dir;
  protected Broker broker;
  protected BrokerClient client;
  protected Path repo;

  /** A client of the listener under test. */
  protected abstract BrokerClient connect(Broker broker);

  protected String storeUrl() {
    return "sqlite";
  }

  @BeforeAll
  void startBroker() {
    broker =
        TestBroker.start(dir.resolve("broker"), storeUrl(), "registry:\n  instance-ttl: 10m\n");
    client = connect(broker);
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
    for (InstanceJson i : client.instances(null, null).instances()) {
      client.deregister(i.id());
    }
  }

  protected RegistrationJson register(String role) {
    return client.register(new RegisterBody(role, repo.toString(), null, "claude"));
  }

  private record State(long instances, long lastEventId) {}

  private State state() {
    HealthJson h = client.health();
    return new State(h.instances(), h.lastEventId());
  }

  private HttpResponse raw(String method, String path, Map<String, String> headers, String body) {
    return client.send(
        method, path, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  /** Asserts the JSON error shape, and returns the error object. */
  private static JsonNode error(HttpResponse r, int status, String code) {
    assertThat(r.status()).as(r.bodyText()).isEqualTo(status);
    assertThat(r.header("content-type")).startsWith("application/json");
    JsonNode error = Json.MAPPER.readTree(r.body()).path("error");
    assertThat(error.path("code").asString()).isEqualTo(code);
    assertThat(error.path("message").asString()).isNotBlank();
    return error;
  }

  private JsonNode refusedWithoutChange(
      String method,
      String path,
      Map<String, String> headers,
      String body,
      int status,
      String code) {
    State before = state();
    JsonNode error = error(raw(method, path, headers, body), status, code);
    assertThat(state()).isEqualTo(before);
    return error;
  }

  @Test
  void healthReportsStatusVersionStoreAndInstanceCount() {
    register("developer");
    register("developer");
    register("research");

    HealthJson h = client.health();

    assertThat(h.status()).isEqualTo("ok");
    assertThat(h.version()).isNotBlank();
    assertThat(h.store()).isEqualTo(storeUrl().startsWith("postgresql") ? "postgresql" : "sqlite");
    assertThat(h.instances()).isEqualTo(3);
    assertThat(h.instancesByRole()).containsEntry("developer", 2L).containsEntry("research", 1L);
    assertThat(h.socket()).isEqualTo(broker.socket().toString());
    assertThat(h.tcp()).isEqualTo("127.0.0.1:" + broker.tcpPort());
    assertThat(h.pid()).isEqualTo(ProcessHandle.current().pid());
  }

  @Test
  void anInstanceIsRegisteredListedShownHeartbeatenAndDeregistered() {
    RegistrationJson created = register("developer");
    String id = created.instance().id();

    assertThat(created.created()).isTrue();
    assertThat(created.ttlMs()).isEqualTo(600_000);
    assertThat(created.heartbeatIntervalMs()).isEqualTo(200_000);
    assertThat(created.instance().workspace()).isEqualTo(repo.toString());
    assertThat(client.instances(null, null).instances())
        .extracting(InstanceJson::id)
        .containsExactly(id);
    assertThat(client.instance(id)).isEqualTo(created.instance());
    RegistrationJson beat = client.heartbeat(id);
    assertThat(beat.instance().expiresAt()).isAfterOrEqualTo(created.instance().expiresAt());
    assertThat(client.deregister(id).deregistered()).isTrue();
    assertThat(client.instances(null, null).count()).isZero();
  }

  @Test
  void registeringTheSameIdAgainAnswers200NotCreated() {
    HttpResponse first =
        raw(
            "POST",
            "/v1/instances",
            Map.of(),
            "{\"role\":\"ops\",\"workspace\":\"" + repo + "\",\"id\":\"ops-1\"}");
    HttpResponse again =
        raw(
            "POST",
            "/v1/instances",
            Map.of(),
            "{\"role\":\"ops\",\"workspace\":\"" + repo + "/src\",\"id\":\"ops-1\"}");

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(again.body()).path("created").asBoolean()).isFalse();
  }

  @Test
  void aTakenIdWithAnotherRoleIsA409Conflict() {
    raw(
        "POST",
        "/v1/instances",
        Map.of(),
        "{\"role\":\"ops\",\"workspace\":\"" + repo + "\",\"id\":\"ops-2\"}");

    JsonNode e =
        refusedWithoutChange(
            "POST",
            "/v1/instances",
            Map.of(),
            "{\"role\":\"research\",\"workspace\":\"" + repo + "\",\"id\":\"ops-2\"}",
            409,
            "instance_exists");

    assertThat(e.path("message").asString())
        .startsWith("instance ops-2 is already registered as ops");
  }

  @Test
  void listFiltersByWorkspaceAndRole() throws Exception {
    Path other = GitRepos.create(dir.resolve("other-" + System.nanoTime()));
    String dev = register("developer").instance().id();
    register("research");
    client.register(new RegisterBody("developer", other.toString(), null, null));

    assertThat(client.instances(repo.resolve("src").toString(), "developer").instances())
        .extracting(InstanceJson::id)
        .containsExactly(dev);
    assertThat(client.instances(repo.toString(), null).count()).isEqualTo(2);
    assertThat(client.instances(null, "developer").count()).isEqualTo(2);
  }

  @Test
  void theEventStreamDeliversHistoryAfterLastEventIdThenLiveEventsInOrder() throws Exception {
    long start = client.health().lastEventId();
    String a = register("developer").instance().id();
    String b = register("research").instance().id();

    try (EventStreamReader stream = client.events(start)) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.headers().get("content-type")).startsWith("text/event-stream");
      ServerSentEvent first = next(stream);
      ServerSentEvent second = next(stream);
      assertThat(first.event()).isEqualTo("instance.registered");
      assertThat(Json.MAPPER.readTree(first.data()).path("instance").asString()).isEqualTo(a);
      assertThat(Json.MAPPER.readTree(second.data()).path("instance").asString()).isEqualTo(b);
      assertThat(Long.parseLong(second.id())).isGreaterThan(Long.parseLong(first.id()));

      client.deregister(a);
      ServerSentEvent live = next(stream);
      assertThat(live.event()).isEqualTo("instance.deregistered");
      assertThat(Json.MAPPER.readTree(live.data()).path("instance").asString()).isEqualTo(a);

      try (EventStreamReader resumed = client.events(Long.parseLong(second.id()))) {
        assertThat(next(resumed).id()).isEqualTo(live.id());
      }
    }
  }

  @Test
  void withoutAResumeIdTheStreamStartsWithNewEventsOnly() throws Exception {
    register("developer");

    try (EventStreamReader stream = client.events(null)) {
      String later = register("ops").instance().id();
      ServerSentEvent e = next(stream);
      assertThat(Json.MAPPER.readTree(e.data()).path("instance").asString()).isEqualTo(later);
    }
  }

  @Test
  void manyEventsArriveCompleteAndInOrder() throws Exception {
    long start = client.health().lastEventId();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      ids.add(register("developer").instance().id());
    }

    List<String> seen = new ArrayList<>();
    try (EventStreamReader stream = client.events(start)) {
      while (seen.size() < ids.size()) {
        seen.add(Json.MAPPER.readTree(next(stream).data()).path("instance").asString());
      }
    }
    assertThat(seen).containsExactlyElementsOf(ids);
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

  @Test
  void metricsExposeInstanceCountsRequestLatencyStoreLatencyAndTheStorePool() {
    register("developer");

    HttpResponse r = raw("GET", "/metrics", Map.of("Accept", "text/plain"), null);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).startsWith("text/plain");
    String backend = storeUrl().startsWith("postgresql") ? "postgresql" : "sqlite";
    assertThat(r.bodyText())
        .contains("baton_registry_instances{role=\"developer\"} 1")
        .contains("baton_registry_instances{role=\"planner\"} 0")
        .contains(
            "baton_api_request_duration_seconds_bucket{method=\"POST\",route=\"/v1/instances\",status=\"201\",le=")
        .contains(
            "baton_store_operation_duration_seconds_count{backend=\""
                + backend
                + "\",operation=\"instances.insert\"}")
        .contains(
            "baton_store_pool_size{backend=\""
                + backend
                + "\"} "
                + (double) broker.config().store().poolSize())
        .contains("baton_store_pool_waiters{backend=\"" + backend + "\"} 0.0")
        .contains("baton_store_writes_pending{backend=\"" + backend + "\"}");
    // the broker writes in the background too (janitor, lands taken up every 10 s): wait for a
    // scrape between two writes rather than hope the first one fell there
    org.awaitility.Awaitility.await("a scrape with no write pending")
        .atMost(java.time.Duration.ofSeconds(10))
        .until(
            () ->
                raw("GET", "/metrics", Map.of("Accept", "text/plain"), null)
                    .bodyText()
                    .contains("baton_store_writes_pending{backend=\"" + backend + "\"} 0.0"));
  }

  // ---- bad input: each is a 4xx with the JSON error shape, and nothing stored changes ----

  @Test
  void malformedJsonIsRefused() {
    JsonNode e =
        refusedWithoutChange(
            "POST", "/v1/instances", Map.of(), "{\"role\": \"developer\",", 400, "invalid_json");
    assertThat(e.path("message").asString()).startsWith("request body is not valid JSON:");
  }

  @Test
  void anEmptyBodyIsRefusedWithAnExample() {
    JsonNode e =
        refusedWithoutChange("POST", "/v1/instances", Map.of(), "", 400, "invalid_request");
    assertThat(e.path("message").asString()).startsWith("request body is required, e.g. {\"role\"");
  }

  @Test
  void aBodyThatIsNotAnObjectIsRefused() {
    JsonNode e =
        refusedWithoutChange("POST", "/v1/instances", Map.of(), "[1, 2]", 400, "invalid_request");
    assertThat(e.path("message").asString()).startsWith("request body must be a JSON object");
  }

  @Test
  void aFieldOfTheWrongTypeIsNamed() {
    JsonNode e =
        refusedWithoutChange(
            "POST",
            "/v1/instances",
            Map.of(),
            "{\"role\": {\"x\": 1}, \"workspace\": \"/\"}",
            400,
            "invalid_request");
    assertThat(e.path("message").asString()).startsWith("field 'role' has the wrong type");
    assertThat(e.path("field").asString()).isEqualTo("role");
  }

  /** Each of these once failed with a 500 (issue 12, H and J). */
  @Test
  void nullInAListAndANumberForAStringAreRefusedNamingTheField() {
    String me = register("developer").instance().id();
    String other = register("reviewer").instance().id();
    JsonNode paths =
        refusedWithoutChange(
            "POST",
            "/v1/leases",
            Map.of(),
            "{\"instance\": \"" + me + "\", \"paths\": [\"a\", null]}",
            400,
            "invalid_request");
    assertThat(paths.path("message").asString())
        .isEqualTo("field 'paths' has null at paths[1]; leave it out or give a value");
    assertThat(paths.path("field").asString()).isEqualTo("paths");
    JsonNode files =
        refusedWithoutChange(
            "POST",
            "/v1/handoffs",
            Map.of(),
            "{\"from\": \"" + me + "\", \"to\": \"" + other + "\", \"files\": [null]}",
            400,
            "invalid_request");
    assertThat(files.path("field").asString()).isEqualTo("files");
    JsonNode number =
        refusedWithoutChange(
            "POST",
            "/v1/instances",
            Map.of(),
            "{\"role\": \"developer\", \"workspace\": \"" + repo + "\", \"id\": true}",
            400,
            "invalid_request");
    assertThat(number.path("field").asString()).isEqualTo("id");
  }

  @Test
  void aMissingFieldIsNamed() {
    JsonNode e =
        refusedWithoutChange(
            "POST",
            "/v1/instances",
            Map.of(),
            "{\"workspace\": \"" + repo + "\"}",
            400,
            "invalid_request");
    assertThat(e.path("message").asString()).isEqualTo("field 'role' is required");
  }

  @Test
  void anUnknownRoleIsRefusedWithTheValidRoles() {
    JsonNode e =
        refusedWithoutChange(
            "POST",
            "/v1/instances",
            Map.of(),
            "{\"role\": \"wizard\", \"workspace\": \"" + repo + "\"}",
            400,
            "unknown_role");
    assertThat(e.path("message").asString())
        .isEqualTo(
            "unknown role 'wizard'; valid roles: architect, debugger, developer, ops, planner, research, reviewer");
    assertThat(e.path("validRoles")).hasSize(7);
  }

  @Test
  void unknownInstanceIdsAre404() {
    register("developer");
    for (String[] call :
        new String[][] {
          {"GET", "/v1/instances/ghost-1"},
          {"POST", "/v1/instances/ghost-1/heartbeat"},
          {"DELETE", "/v1/instances/ghost-1"}
        }) {
      JsonNode e =
          refusedWithoutChange(call[0], call[1], Map.of(), null, 404, "instance_not_found");
      assertThat(e.path("message").asString()).startsWith("instance ghost-1 is not registered");
      assertThat(e.path("instance").asString()).isEqualTo("ghost-1");
    }
  }

  @Test
  void aWorkspaceThatDoesNotExistIsRefused() {
    Path missing = dir.resolve("missing");
    JsonNode e =
        refusedWithoutChange(
            "POST",
            "/v1/instances",
            Map.of(),
            "{\"role\": \"developer\", \"workspace\": \"" + missing + "\"}",
            400,
            "invalid_workspace");
    assertThat(e.path("message").asString()).isEqualTo("workspace " + missing + " does not exist");
  }

  @Test
  void aWorkspaceOutsideGitIsRefused() throws Exception {
    Path plain = Files.createDirectories(dir.resolve("plain"));
    JsonNode e =
        refusedWithoutChange(
            "POST",
            "/v1/instances",
            Map.of(),
            "{\"role\": \"developer\", \"workspace\": \"" + plain + "\"}",
            400,
            "invalid_workspace");
    assertThat(e.path("message").asString())
        .startsWith("workspace " + plain + " is not inside a git repository");
  }

  @Test
  void anOversizedBodyIsRefusedBeforeItIsRead() {
    String huge =
        "{\"role\": \"developer\", \"workspace\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}";
    State before = state();

    HttpResponse r = raw("POST", "/v1/instances", Map.of(), huge);

    JsonNode e = error(r, 413, "body_too_large");
    assertThat(e.path("message").asString())
        .contains("exceeds the limit of 1048576 bytes (server.max-body)");
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void anOversizedChunkedBodyIsRefused() {
    byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < 20; i++) {
      body.writeBytes(
          (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      body.writeBytes(chunk);
      body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    body.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    State before = state();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Length", null);
    headers.put("Transfer-Encoding", "chunked");

    HttpResponse r = client.send("POST", "/v1/instances", headers, body.toByteArray());

    error(r, 413, "body_too_large");
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void aForeignHostHeaderIsRefused() {
    JsonNode e =
        refusedWithoutChange(
            "POST",
            "/v1/instances",
            Map.of("Host", "evil.example:8090"),
            "{\"role\": \"developer\", \"workspace\": \"" + repo + "\"}",
            403,
            "forbidden");
    assertThat(e.path("message").asString()).startsWith("Host 'evil.example:8090' is not loopback");
  }

  @Test
  void aForeignOriginIsRefused() {
    JsonNode e =
        refusedWithoutChange(
            "POST",
            "/v1/instances",
            Map.of("Origin", "http://evil.example"),
            "{\"role\": \"developer\", \"workspace\": \"" + repo + "\"}",
            403,
            "forbidden");
    assertThat(e.path("message").asString())
        .startsWith("Origin 'http://evil.example' is not loopback");
  }

  @Test
  void aLoopbackOriginIsAllowed() {
    HttpResponse r = raw("GET", "/v1/health", Map.of("Origin", "http://localhost:5173"), null);

    assertThat(r.status()).isEqualTo(200);
  }

  @Test
  void anUnknownRouteIs404AndAWrongMethodIs405WithAllow() {
    JsonNode e = refusedWithoutChange("GET", "/v1/nothing", Map.of(), null, 404, "not_found");
    assertThat(e.path("message").asString())
        .isEqualTo("no route for GET /v1/nothing; the API is under /v1");

    HttpResponse r = raw("PUT", "/v1/instances", Map.of(), "{}");
    error(r, 405, "method_not_allowed");
    assertThat(r.header("allow")).isEqualTo("GET, POST");
  }

  @Test
  void aMalformedResumeIdIsRefused() {
    JsonNode e =
        refusedWithoutChange(
            "GET", "/v1/events?after=yesterday", Map.of(), null, 400, "invalid_request");
    assertThat(e.path("message").asString())
        .isEqualTo("after 'yesterday' is not an event id; use a whole number such as 0");
  }

  @Test
  void aWorktreeIsMadeOnRegistrationAndItsRemovalIsRefusedWithTheReasons() {
    RegistrationJson r =
        client.register(
            new RegisterBody("developer", repo.toString(), "wt-api-1", "cli", true, "main"));

    assertThat(r.created()).isTrue();
    assertThat(r.instance().branch()).isEqualTo("instance/wt-api-1");
    assertThat(r.instance().worktree())
        .isEqualTo(repo.resolveSibling("repo.worktrees").resolve("wt-api-1").toString());
    WorktreeJson w = client.worktree("wt-api-1");
    assertThat(w.base()).isEqualTo("main");
    assertThat(w.live()).isTrue();
    assertThat(w.landed()).isTrue();
    assertThat(client.worktrees(repo.toString(), false).worktrees())
        .extracting(WorktreeJson::instance)
        .contains("wt-api-1");

    JsonNode kept =
        refusedWithoutChange(
            "DELETE", "/v1/worktrees/wt-api-1", Map.of(), null, 409, "worktree_kept");
    assertThat(kept.path("reasons").get(0).asString()).isEqualTo("instance wt-api-1 is live on it");
    assertThat(Path.of(r.instance().worktree())).isDirectory();
  }

  @Test
  void badWorktreeRequestsAreRefusedAndChangeNothing() throws Exception {
    JsonNode base =
        refusedWithoutChange(
            "POST",
            "/v1/instances",
            Map.of(),
            "{\"role\": \"developer\", \"workspace\": \""
                + repo
                + "\", \"worktree\": true, \"base\": \"nope\"}",
            400,
            "invalid_request");
    assertThat(base.path("message").asString()).contains("base 'nope' is not a branch");
    Path plain = Files.createDirectories(dir.resolve("not-git"));
    refusedWithoutChange(
        "POST",
        "/v1/instances",
        Map.of(),
        "{\"role\": \"developer\", \"workspace\": \"" + plain + "\", \"worktree\": true}",
        400,
        "invalid_workspace");
    refusedWithoutChange(
        "DELETE", "/v1/worktrees/ghost", Map.of(), null, 404, "worktree_not_found");
    refusedWithoutChange(
        "POST", "/v1/worktrees", Map.of(), "{\"instance\": \"ghost\"}", 404, "instance_not_found");
    refusedWithoutChange(
        "POST", "/v1/worktrees/ghost/restore", Map.of(), "{}", 404, "worktree_not_found");
  }

  @Test
  void theBrokerStillServesAfterBadInput() {
    raw("POST", "/v1/instances", Map.of(), "{{{{");
    raw("POST", "/v1/instances", Map.of("Host", "evil.example"), "{}");

    assertThat(register("developer").created()).isTrue();
  }
}
