package dev.baton.events;

import java.time.Instant;
import java.util.Map;

/**
 * One state change, as stored and as streamed.
 *
 * @param id strictly increasing; clients resume after the last id they saw
 * @param at when the change was committed
 * @param type dotted name, e.g. {@code instance.registered}
 * @param workspace the workspace it concerns, or null for broker-wide events
 * @param instance the instance it concerns, or null
 * @param data the event's details: strings, numbers, booleans, lists and maps
 */
public record Event(
    long id,
    Instant at,
    String type,
    String workspace,
    String instance,
    Map<String, Object> data) {}
