package dev.baton.events;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An event about to be appended; it receives its id and time when its transaction commits.
 *
 * @param type dotted name, e.g. {@code instance.registered}
 * @param workspace the workspace it concerns, or null
 * @param instance the instance it concerns, or null
 * @param data details; keys keep their order
 */
public record NewEvent(String type, String workspace, String instance, Map<String, Object> data) {
  public NewEvent {
    Objects.requireNonNull(type, "type");
    data =
        data == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }
}
