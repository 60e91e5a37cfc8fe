package dev.baton.events;

import dev.baton.core.ConfigSection;
import java.time.Duration;

/**
 * How long the event stream keeps history for clients that resume.
 *
 * @param retention events older than this are pruned by the janitor
 */
public record EventsConfig(Duration retention) {
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

  /** Reads the {@code events:} section of the configuration. */
  public static EventsConfig from(ConfigSection section) {
    section.allowOnly("retention");
    return new EventsConfig(section.positive("retention", DEFAULT_RETENTION));
  }
}
