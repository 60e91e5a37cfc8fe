package dev.baton.api;

import dev.baton.core.InvalidInputException;
import dev.baton.core.Units;
import dev.baton.focus.FocusService;
import dev.baton.focus.FocusSnapshot;
import java.time.Duration;
import java.util.Map;

/** {@code /v1/focus}: the person's focus timer, shared by the whole fleet. */
public final class FocusRoutes {
  private static final String EXAMPLE = "{\"action\": \"start\", \"duration\": \"25m\"}";

  private final FocusService focus;

  public FocusRoutes(FocusService focus) {
    this.focus = focus;
  }

  public Router addTo(Router router) {
    return router
        .add("GET", "/v1/focus", ex -> Reply.ok(FocusJson.from(focus.status())))
        .add("POST", "/v1/focus", this::act);
  }

  private Reply act(Exchange ex) {
    FocusBody body = ex.body(FocusBody.class, EXAMPLE);
    if (body.action() == null || body.action().isBlank()) {
      throw new InvalidInputException(
          "action is required: start, break, stop or snooze, e.g. " + EXAMPLE,
          Map.of("field", "action"));
    }
    if (!java.util.List.of("start", "break", "stop", "snooze").contains(body.action())) {
      throw new InvalidInputException(
          "action '" + body.action() + "' is not one of start, break, stop, snooze",
          Map.of("field", "action"));
    }
    Duration duration = duration(body.duration());
    FocusSnapshot after =
        switch (body.action()) {
          case "start" -> focus.start(duration);
          case "break" -> focus.takeBreak(duration);
          case "snooze" -> focus.snooze(duration);
          case "stop" -> {
            if (duration != null) {
              throw new InvalidInputException(
                  "duration does not apply to stop; leave it out", Map.of("field", "duration"));
            }
            yield focus.stop();
          }
          default -> throw new IllegalStateException(body.action());
        };
    return Reply.ok(FocusJson.from(after));
  }

  /** The duration field, parsed, or null when absent; refused with the field named. */
  private static Duration duration(String text) {
    if (text == null) {
      return null;
    }
    Duration d;
    try {
      d = Units.parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("duration " + e.getMessage(), Map.of("field", "duration"));
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofHours(24)) > 0) {
      throw new InvalidInputException(
          "duration '" + text + "' is out of range; use 1s to 24h", Map.of("field", "duration"));
    }
    return d;
  }
}
