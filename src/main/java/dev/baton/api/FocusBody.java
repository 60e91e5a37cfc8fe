package dev.baton.api;

/**
 * The body of {@code POST /v1/focus}.
 *
 * @param action {@code start}, {@code break}, {@code stop} or {@code snooze}
 * @param duration how long, e.g. {@code 25m}; null for the configured length
 */
public record FocusBody(String action, String duration) {}
