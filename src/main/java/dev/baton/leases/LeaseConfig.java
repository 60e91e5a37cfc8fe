package dev.baton.leases;

import dev.baton.core.ConfigSection;
import dev.baton.core.Units;
import java.time.Duration;

/**
 * Lease timing.
 *
 * @param defaultTtl how long a grant lasts when the request names no TTL (renewed for as long as
 *     the holder's agent process lives, when the holder has one)
 * @param maxTtl the longest TTL a request may ask for
 * @param maxWait the longest an acquire may wait for a conflicting lease to go
 * @param idleTtl when an agent that reports no process stops (Claude Code's Stop hook), its leases
 *     expire within this unless it edits again
 * @param provisionalTtl how long a lease taken by a hook before the client's permission check lasts
 *     unless the edit is confirmed
 */
public record LeaseConfig(
    Duration defaultTtl,
    Duration maxTtl,
    Duration maxWait,
    Duration idleTtl,
    Duration provisionalTtl) {
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
  public static final Duration DEFAULT_MAX_TTL = Duration.ofHours(24);
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_IDLE_TTL = Duration.ofMinutes(5);
  public static final Duration DEFAULT_PROVISIONAL_TTL = Duration.ofSeconds(60);

  public LeaseConfig(Duration defaultTtl, Duration maxTtl, Duration maxWait, Duration idleTtl) {
    this(defaultTtl, maxTtl, maxWait, idleTtl, DEFAULT_PROVISIONAL_TTL);
  }

  public static LeaseConfig defaults() {
    return new LeaseConfig(DEFAULT_TTL, DEFAULT_MAX_TTL, DEFAULT_MAX_WAIT, DEFAULT_IDLE_TTL);
  }

  /** Reads the {@code leases:} section of the configuration. */
  public static LeaseConfig from(ConfigSection section) {
    section.allowOnly(
        "default-ttl", "max-ttl", "max-wait", "idle-ttl", "provisional-ttl", "orphan-grace");
    Duration ttl = section.positive("default-ttl", DEFAULT_TTL);
    Duration max = section.positive("max-ttl", DEFAULT_MAX_TTL);
    if (ttl.compareTo(max) > 0) {
      throw section.error(
          section.path("default-ttl"),
          Units.formatDuration(ttl)
              + " is longer than leases.max-ttl "
              + Units.formatDuration(max));
    }
    Duration wait = section.positive("max-wait", DEFAULT_MAX_WAIT);
    Duration idle = section.positive("idle-ttl", DEFAULT_IDLE_TTL);
    Duration provisional = section.positive("provisional-ttl", DEFAULT_PROVISIONAL_TTL);
    if (provisional.compareTo(Duration.ofSeconds(1)) < 0 || provisional.compareTo(max) > 0) {
      throw section.error(
          section.path("provisional-ttl"),
          Units.formatDuration(provisional)
              + " is outside 1s.."
              + Units.formatDuration(max)
              + " (leases.max-ttl)");
    }
    return new LeaseConfig(ttl, max, wait, idle, provisional);
  }
}
