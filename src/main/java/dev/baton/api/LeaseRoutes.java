package dev.baton.api;

import dev.baton.core.InvalidInputException;
import dev.baton.leases.AcquireRequest;
import dev.baton.leases.Coverage;
import dev.baton.leases.Lease;
import dev.baton.leases.LeaseMode;
import dev.baton.leases.LeaseService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code /v1/leases}: acquire, renew, release, list and check file leases. */
public final class LeaseRoutes {
  private static final String ACQUIRE_EXAMPLE =
      "{\"instance\": \"claude-1a2b3c4d\", \"paths\": [\"src/app.py\"], \"mode\": \"exclusive\"}";

  private final LeaseService leases;

  public LeaseRoutes(LeaseService leases) {
    this.leases = leases;
  }

  public Router addTo(Router router) {
    return router
        .add("POST", "/v1/leases", this::acquire)
        .add(
            "GET",
            "/v1/leases",
            ex ->
                Reply.ok(
                    LeaseListJson.of(leases.list(ex.query("workspace"), ex.query("instance")))))
        .add("GET", "/v1/leases/check", this::check)
        .add("GET", "/v1/leases/waiting", this::waiting)
        .add(
            "GET",
            "/v1/leases/{id}",
            ex -> Reply.ok(LeaseJson.from(leases.get(ex.pathParam("id")))))
        .add("POST", "/v1/leases/{id}/renew", this::renew)
        .add("DELETE", "/v1/leases/{id}", this::release);
  }

  /** {@code GET /v1/leases/waiting?workspace=W}: the requests queued behind other holders. */
  private Reply waiting(Exchange ex) {
    String workspace = ex.query("workspace");
    if (workspace == null || workspace.isBlank()) {
      throw new InvalidInputException(
          "workspace is required: the repository whose lease queue to show, e.g."
              + " ?workspace=/home/me/project",
          Map.of("field", "workspace"));
    }
    return Reply.ok(WaitingListJson.of(leases.waiting(workspace)));
  }

  private Reply acquire(Exchange ex) {
    AcquireBody body = ex.body(AcquireBody.class, ACQUIRE_EXAMPLE);
    List<String> paths = new ArrayList<>();
    if (body.path() != null) {
      paths.add(body.path());
    }
    if (body.paths() != null) {
      paths.addAll(body.paths());
    }
    LeaseMode mode;
    try {
      mode = LeaseMode.parse(body.mode());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage(), Map.of("field", "mode"));
    }
    AcquireRequest request =
        new AcquireRequest(
            body.instance(),
            paths,
            Boolean.TRUE.equals(body.literal()),
            mode,
            millis(body.ttlMs(), "ttlMs"),
            millis(body.waitMs(), "waitMs"),
            body.reason());
    CompletableFuture<List<Lease>> granting = leases.acquire(request);
    Runnable abandon =
        () -> {
          // Still waiting: leave the queue. Already granted but not delivered: give it back.
          if (!granting.cancel(false) && !granting.isCompletedExceptionally()) {
            for (Lease l : granting.join()) {
              try {
                leases.release(l.id(), request.instance(), false);
              } catch (RuntimeException e) {
                // released or expired meanwhile
              }
            }
          }
        };
    return new Reply.Deferred(
        granting.thenApply(granted -> Reply.ok(LeaseListJson.of(granted))), abandon);
  }

  private Reply renew(Exchange ex) {
    RenewBody body = ex.body(RenewBody.class, "{\"instance\": \"claude-1a2b3c4d\"}");
    return Reply.ok(
        LeaseJson.from(
            leases.renew(ex.pathParam("id"), body.instance(), millis(body.ttlMs(), "ttlMs"))));
  }

  private Reply release(Exchange ex) {
    boolean force = "true".equalsIgnoreCase(ex.query("force"));
    String instance = ex.query("instance");
    String by = instance != null ? instance : ex.query("by");
    if (!force && (instance == null || instance.isBlank())) {
      throw new InvalidInputException(
          "give ?instance=ID (the holder releases its lease) or ?force=true (a person takes it away)",
          Map.of("field", "instance"));
    }
    Lease released =
        leases.release(ex.pathParam("id"), by == null || by.isBlank() ? "human" : by, force);
    return Reply.ok(new ReleasedJson(LeaseJson.from(released), true));
  }

  private Reply check(Exchange ex) {
    Coverage coverage = leases.check(ex.query("workspace"), ex.query("path"));
    Boolean tokenValid = null;
    String token = ex.query("fencingToken");
    if (token != null) {
      long value;
      try {
        value = Long.parseLong(token.trim());
      } catch (NumberFormatException e) {
        throw new InvalidInputException(
            "fencingToken '" + token + "' is not a number", Map.of("field", "fencingToken"));
      }
      tokenValid = coverage.leases().stream().anyMatch(l -> l.fencingToken() == value);
    }
    List<LeaseJson> json = coverage.leases().stream().map(LeaseJson::from).toList();
    return Reply.ok(
        new CoverageJson(
            coverage.workspace().toString(), coverage.path(), json.isEmpty(), json, tokenValid));
  }

  private static Duration millis(Long value, String field) {
    if (value == null) {
      return null;
    }
    if (value < 0) {
      throw new InvalidInputException(field + " " + value + " is negative", Map.of("field", field));
    }
    return Duration.ofMillis(value);
  }
}
