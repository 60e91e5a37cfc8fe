package dev.baton.api;

import dev.baton.core.BatonException;
import dev.baton.core.InvalidInputException;
import dev.baton.git.WorktreeService;
import dev.baton.registry.InstanceFilter;
import dev.baton.registry.InstanceService;
import dev.baton.registry.RegisterRequest;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The v1 routes of the broker's foundation: health, instances, events and metrics. */
public final class ApiRoutes {
  private static final String REGISTER_EXAMPLE =
      "{\"role\": \"developer\", \"workspace\": \"/path/to/repo\", \"worktree\": true}";

  private final InstanceService instances;
  private final EventStreams events;
  private final PrometheusRegistry metrics;
  private final Supplier<BrokerInfo> info;
  private final Clock clock;
  private final WorktreeService worktrees;

  public ApiRoutes(
      InstanceService instances,
      EventStreams events,
      PrometheusRegistry metrics,
      Supplier<BrokerInfo> info,
      Clock clock) {
    this(instances, null, events, metrics, info, clock);
  }

  /**
   * @param worktrees gives instances worktrees ({@code "worktree": true}); null when this broker
   *     has none
   */
  public ApiRoutes(
      InstanceService instances,
      WorktreeService worktrees,
      EventStreams events,
      PrometheusRegistry metrics,
      Supplier<BrokerInfo> info,
      Clock clock) {
    this.worktrees = worktrees;
    this.instances = instances;
    this.events = events;
    this.metrics = metrics;
    this.info = info;
    this.clock = clock;
  }

  public Router addTo(Router router) {
    return router
        .add("GET", "/v1/health", ex -> health())
        .add("POST", "/v1/instances", this::register)
        .add("GET", "/v1/instances", this::list)
        .add(
            "GET",
            "/v1/instances/{id}",
            ex -> Reply.ok(InstanceJson.from(instances.get(ex.pathParam("id")))))
        .add(
            "POST",
            "/v1/instances/{id}/heartbeat",
            ex -> Reply.ok(RegistrationJson.from(instances.heartbeat(ex.pathParam("id")))))
        .add(
            "DELETE",
            "/v1/instances/{id}",
            ex ->
                Reply.ok(
                    new DeregisteredJson(
                        InstanceJson.from(instances.deregister(ex.pathParam("id"))), true)))
        .add("GET", "/v1/events", events::open)
        .add("GET", "/metrics", ex -> metrics());
  }

  private Reply register(Exchange ex) {
    RegisterBody body = ex.body(RegisterBody.class, REGISTER_EXAMPLE);
    RegisterRequest request =
        new RegisterRequest(body.role(), body.workspace(), body.id(), body.client());
    boolean wanted = Boolean.TRUE.equals(body.worktree());
    if (wanted && worktrees == null) {
      throw new InvalidInputException("this broker does not make worktrees");
    }
    // an id that had a worktree gets its own back, asked for or not
    boolean hadOne =
        worktrees != null && body.id() != null && worktrees.find(body.id()).isPresent();
    var registration =
        wanted || hadOne ? worktrees.register(request, body.base()) : instances.register(request);
    RegistrationJson json = RegistrationJson.from(registration);
    return registration.created() ? Reply.created(json) : Reply.ok(json);
  }

  private Reply list(Exchange ex) {
    List<InstanceJson> list =
        instances.list(new InstanceFilter(ex.query("workspace"), ex.query("role"))).stream()
            .map(InstanceJson::from)
            .toList();
    return Reply.ok(new InstanceListJson(list, list.size()));
  }

  private Reply health() {
    BrokerInfo broker = info.get();
    long uptime = Duration.between(broker.startedAt(), clock.instant()).toSeconds();
    try {
      Map<String, Long> byRole = instances.countByRole();
      long total = byRole.values().stream().mapToLong(Long::longValue).sum();
      return Reply.ok(health("ok", broker, total, byRole, events.lastEventId(), uptime));
    } catch (BatonException e) {
      // Counting instances reads the store and nothing else: a failure of it is the store's.
      if (!HttpErrors.brokerFailed(e.code())) {
        throw e;
      }
      return new Reply.JsonReply(
          503, health("store_unavailable", broker, -1, Map.of(), -1, uptime));
    }
  }

  private static HealthJson health(
      String status,
      BrokerInfo b,
      long total,
      Map<String, Long> byRole,
      long lastEventId,
      long uptime) {
    return new HealthJson(
        status,
        b.version(),
        b.store(),
        b.storeLocation(),
        total,
        byRole,
        lastEventId,
        b.startedAt(),
        uptime,
        b.pid(),
        b.socket(),
        b.tcp());
  }

  private Reply metrics() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, metrics.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Reply.TextReply(
        200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toString(StandardCharsets.UTF_8));
  }
}
