package dev.baton.api.client;

import dev.baton.api.AcquireBody;
import dev.baton.api.CoverageJson;
import dev.baton.api.DeregisteredJson;
import dev.baton.api.FleetSessionBody;
import dev.baton.api.HealthJson;
import dev.baton.api.InstanceJson;
import dev.baton.api.InstanceListJson;
import dev.baton.api.Json;
import dev.baton.api.LandBody;
import dev.baton.api.LandJson;
import dev.baton.api.LandListJson;
import dev.baton.api.LeaseJson;
import dev.baton.api.LeaseListJson;
import dev.baton.api.RegisterBody;
import dev.baton.api.RegistrationJson;
import dev.baton.api.ReleasedJson;
import dev.baton.api.RenewBody;
import dev.baton.core.ErrorCode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The broker's v1 API for the CLI, hooks and tests. Every failure is a {@link
 * dev.baton.core.BatonException}: {@link BrokerUnreachableException} when the broker cannot be
 * reached, {@link BrokerErrorException} when it answers with an error. Thread-safe.
 */
public final class BrokerClient implements AutoCloseable {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final HttpTransport transport;
  private final String token;
  private final Path socket;

  private BrokerClient(HttpTransport transport, String token, Path socket) {
    this.transport = transport;
    this.token = token;
    this.socket = socket;
  }

  public static BrokerClient overUnixSocket(Path socket, boolean keepAlive, Duration timeout) {
    return new BrokerClient(HttpTransport.unix(socket, keepAlive, timeout), null, socket);
  }

  public static BrokerClient overTcp(
      InetSocketAddress address, String token, boolean keepAlive, Duration timeout) {
    return new BrokerClient(HttpTransport.tcp(address, keepAlive, timeout), token, null);
  }

  public String describe() {
    return transport.describe();
  }

  public HealthJson health() {
    return call("GET", "/v1/health", null, HealthJson.class);
  }

  public RegistrationJson register(RegisterBody body) {
    return call("POST", "/v1/instances", body, RegistrationJson.class);
  }

  public RegistrationJson heartbeat(String id) {
    return call("POST", "/v1/instances/" + encode(id) + "/heartbeat", null, RegistrationJson.class);
  }

  public InstanceJson instance(String id) {
    return call("GET", "/v1/instances/" + encode(id), null, InstanceJson.class);
  }

  /** {@code GET /v1/worktrees}: null workspace for every repository. */
  public dev.baton.api.WorktreeListJson worktrees(String workspace, boolean removed) {
    Map<String, String> query = new LinkedHashMap<>();
    if (workspace != null) {
      query.put("workspace", workspace);
    }
    if (removed) {
      query.put("removed", "true");
    }
    return call(
        "GET", "/v1/worktrees" + queryString(query), null, dev.baton.api.WorktreeListJson.class);
  }

  public dev.baton.api.WorktreeJson worktree(String instance) {
    return call("GET", "/v1/worktrees/" + encode(instance), null, dev.baton.api.WorktreeJson.class);
  }

  /** Gives an instance its worktree: its own back, or a new one from {@code base}. */
  public dev.baton.api.WorktreeJson openWorktree(String instance, String base) {
    return call(
        "POST",
        "/v1/worktrees",
        new dev.baton.api.WorktreeRoutes.OpenBody(instance, base),
        dev.baton.api.WorktreeJson.class);
  }

  public dev.baton.api.RemovalJson removeWorktree(String instance, boolean force) {
    return call(
        "DELETE",
        "/v1/worktrees/" + encode(instance) + (force ? "?force=true" : ""),
        null,
        dev.baton.api.RemovalJson.class);
  }

  public dev.baton.api.WorktreeJson restoreWorktree(String instance, String ref) {
    return call(
        "POST",
        "/v1/worktrees/" + encode(instance) + "/restore",
        new dev.baton.api.WorktreeRoutes.RestoreBody(ref),
        dev.baton.api.WorktreeJson.class);
  }

  public InstanceListJson instances(String workspace, String role) {
    Map<String, String> query = new LinkedHashMap<>();
    if (workspace != null) {
      query.put("workspace", workspace);
    }
    if (role != null) {
      query.put("role", role);
    }
    return call("GET", "/v1/instances" + queryString(query), null, InstanceListJson.class);
  }

  public DeregisteredJson deregister(String id) {
    return call("DELETE", "/v1/instances/" + encode(id), null, DeregisteredJson.class);
  }

  public LeaseListJson acquire(AcquireBody body) {
    return call("POST", "/v1/leases", body, LeaseListJson.class);
  }

  public LeaseJson renew(String id, RenewBody body) {
    return call("POST", "/v1/leases/" + encode(id) + "/renew", body, LeaseJson.class);
  }

  /** Releases as the holder, or with {@code force} as {@code by}. */
  public ReleasedJson release(String id, String instance, boolean force, String by) {
    Map<String, String> query = new LinkedHashMap<>();
    if (instance != null) {
      query.put("instance", instance);
    }
    if (force) {
      query.put("force", "true");
      query.put("by", by == null ? "human" : by);
    }
    return call(
        "DELETE", "/v1/leases/" + encode(id) + queryString(query), null, ReleasedJson.class);
  }

  public LeaseListJson leases(String workspace, String instance) {
    Map<String, String> query = new LinkedHashMap<>();
    if (workspace != null) {
      query.put("workspace", workspace);
    }
    if (instance != null) {
      query.put("instance", instance);
    }
    return call("GET", "/v1/leases" + queryString(query), null, LeaseListJson.class);
  }

  /** The lease requests waiting in the workspace, oldest first. */
  public dev.baton.api.WaitingListJson waiting(String workspace) {
    return call(
        "GET",
        "/v1/leases/waiting" + queryString(Map.of("workspace", workspace)),
        null,
        dev.baton.api.WaitingListJson.class);
  }

  public CoverageJson check(String workspace, String path) {
    Map<String, String> query = new LinkedHashMap<>();
    if (workspace != null) {
      query.put("workspace", workspace);
    }
    query.put("path", path);
    return call("GET", "/v1/leases/check" + queryString(query), null, CoverageJson.class);
  }

  /** Queues an instance's branch to land on its base. */
  /** The person's focus timer. */
  public dev.baton.api.FocusJson focus() {
    return call("GET", "/v1/focus", null, dev.baton.api.FocusJson.class);
  }

  /** Starts a block, a break, a snooze, or stops the timer; the timer after it. */
  public dev.baton.api.FocusJson focus(dev.baton.api.FocusBody body) {
    return call("POST", "/v1/focus", body, dev.baton.api.FocusJson.class);
  }

  public LandJson land(LandBody body) {
    return call("POST", "/v1/lands", body, LandJson.class);
  }

  public LandJson land(long id) {
    return call("GET", "/v1/lands/" + id, null, LandJson.class);
  }

  /** The queue and recent lands, oldest first. */
  public LandListJson lands(String workspace, String instance, Integer limit) {
    Map<String, String> query = new LinkedHashMap<>();
    if (workspace != null) {
      query.put("workspace", workspace);
    }
    if (instance != null) {
      query.put("instance", instance);
    }
    if (limit != null) {
      query.put("limit", limit.toString());
    }
    return call("GET", "/v1/lands" + queryString(query), null, LandListJson.class);
  }

  /**
   * Reminders of breaks and messages go to this tmux session too ({@code POST /v1/fleet/sessions}).
   */
  public void remindIn(FleetSessionBody session) {
    call("POST", "/v1/fleet/sessions", session, FleetSessionBody.class);
  }

  /** Reminders no longer go to this tmux session ({@code DELETE /v1/fleet/sessions}). */
  public void stopRemindingIn(FleetSessionBody session) {
    call("DELETE", "/v1/fleet/sessions", session, JsonNode.class);
  }

  /** The tmux status line ({@code GET /v1/status/line}), without its line break. */
  public String statusLine() {
    HttpResponse response = send("GET", "/v1/status/line", Map.of(), null);
    if (response.status() >= 400) {
      throw error(response);
    }
    return response.bodyText().strip();
  }

  /** Sends a request and maps an error answer to {@link BrokerErrorException}. */
  public <T> T call(String method, String path, Object body, Class<T> type) {
    HttpResponse response =
        send(method, path, Map.of(), body == null ? null : Json.MAPPER.writeValueAsBytes(body));
    if (response.status() >= 400) {
      throw error(response);
    }
    try {
      return Json.MAPPER.readValue(response.body(), type);
    } catch (JacksonException e) {
      throw new BrokerErrorException(
          response.status(),
          ErrorCode.INTERNAL,
          "broker answered " + path + " with unreadable JSON: " + e.getOriginalMessage(),
          Map.of());
    }
  }

  /** Sends a request as given and returns the raw answer, whatever its status. */
  public HttpResponse send(String method, String path, Map<String, String> headers, byte[] body) {
    Map<String, String> all = new LinkedHashMap<>();
    if (token != null) {
      all.put("Authorization", "Bearer " + token);
    }
    all.putAll(headers);
    try {
      return transport.exchange(method, path, all, body);
    } catch (HttpTransport.TimeoutIOException e) {
      throw new BrokerUnreachableException(
          "broker at " + describe() + " did not answer: " + e.getMessage(), e);
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  /** Opens {@code GET /v1/events}; resumes after {@code afterId} when it is not null. */
  public EventStreamReader events(Long afterId) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "text/event-stream");
    if (token != null) {
      headers.put("Authorization", "Bearer " + token);
    }
    if (afterId != null) {
      headers.put("Last-Event-ID", afterId.toString());
    }
    try {
      return transport.stream("/v1/events", headers);
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  private BrokerUnreachableException unreachable(IOException e) {
    String how = "start it with 'baton serve'";
    if (socket != null && !Files.exists(socket)) {
      return new BrokerUnreachableException(
          "broker is not running: no socket at " + socket + "; " + how, e);
    }
    if (e instanceof ConnectException || String.valueOf(e.getMessage()).contains("refused")) {
      return new BrokerUnreachableException(
          "broker is not running: nothing answers at " + describe() + "; " + how, e);
    }
    return new BrokerUnreachableException(
        "lost the connection to the broker at " + describe() + ": " + e.getMessage(), e);
  }

  static BrokerErrorException error(HttpResponse response) {
    try {
      JsonNode error = Json.MAPPER.readTree(response.body()).path("error");
      String codeText = error.path("code").asString("");
      ErrorCode code = ErrorCode.fromCode(codeText).orElse(ErrorCode.INTERNAL);
      Map<String, Object> details = new LinkedHashMap<>();
      error
          .properties()
          .forEach(
              e -> {
                if (!e.getKey().equals("code") && !e.getKey().equals("message")) {
                  details.put(e.getKey(), Json.MAPPER.treeToValue(e.getValue(), Object.class));
                }
              });
      String message = error.path("message").asString("HTTP " + response.status());
      return new BrokerErrorException(response.status(), code, message, details);
    } catch (JacksonException e) {
      return new BrokerErrorException(
          response.status(),
          ErrorCode.INTERNAL,
          "broker answered HTTP " + response.status() + ": " + response.bodyText(),
          Map.of());
    }
  }

  private static String queryString(Map<String, String> query) {
    if (query.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("?");
    query.forEach(
        (k, v) ->
            out.append(out.length() > 1 ? "&" : "")
                .append(encode(k))
                .append('=')
                .append(encode(v)));
    return out.toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() {
    transport.close();
  }
}
