package dev.baton.api;

import dev.baton.events.Event;
import java.time.Instant;
import java.util.Map;

/** One event on the wire (the {@code data:} of a server-sent event). */
public record EventJson(
    long id, String type, Instant at, String workspace, String instance, Map<String, Object> data) {
  public static EventJson from(Event e) {
    return new EventJson(e.id(), e.type(), e.at(), e.workspace(), e.instance(), e.data());
  }
}
