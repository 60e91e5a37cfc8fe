package dev.baton.api;

import dev.baton.focus.FleetSession;
import dev.baton.focus.FleetSessions;
import java.util.Map;

/**
 * {@code /v1/fleet/sessions}: the tmux sessions of this machine's fleets ({@code baton up}
 * registers its own), where the person is reminded of breaks and told of messages.
 */
public final class FleetRoutes {
  private static final String EXAMPLE =
      "{\"socket\": \"/tmp/tmux-1000/default\", \"session\": \"baton-myrepo\"}";

  private final FleetSessions sessions;

  public FleetRoutes(FleetSessions sessions) {
    this.sessions = sessions;
  }

  public Router addTo(Router router) {
    return router
        .add("GET", "/v1/fleet/sessions", ex -> Reply.ok(Map.of("sessions", list())))
        .add("POST", "/v1/fleet/sessions", this::register)
        .add("DELETE", "/v1/fleet/sessions", this::forget);
  }

  private java.util.List<FleetSessionBody> list() {
    return sessions.list().stream()
        .map(s -> new FleetSessionBody(s.socket(), s.session()))
        .toList();
  }

  private Reply register(Exchange ex) {
    FleetSessionBody b = ex.body(FleetSessionBody.class, EXAMPLE);
    FleetSession s = sessions.register(new FleetSession(b.socket(), b.session()));
    return Reply.created(new FleetSessionBody(s.socket(), s.session()));
  }

  private Reply forget(Exchange ex) {
    FleetSessionBody b = ex.body(FleetSessionBody.class, EXAMPLE);
    boolean removed = sessions.forget(new FleetSession(b.socket(), b.session()));
    return Reply.ok(Map.of("removed", removed));
  }
}
