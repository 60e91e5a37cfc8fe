package dev.baton.events;

import java.time.Duration;

/**
 * How long the event stream keeps history for clients that resume.
 *
 * @param retention events older than this are pruned by the janitor
 */
public record EventsConfig(Duration retention) {
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
}
