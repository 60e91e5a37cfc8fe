package dev.baton.leases;

import java.time.Duration;

/**
 * Lease timing.
 *
 * @param defaultTtl how long a grant lasts when the request names no TTL
 * @param maxTtl the longest TTL a request may ask for
 * @param maxWait the longest an acquire may wait for a conflicting lease to go
 * @param idleTtl when an agent stops (Claude Code's Stop hook), its leases expire within this
 *     unless it edits again
 */
public record LeaseConfig(
    Duration defaultTtl, Duration maxTtl, Duration maxWait, Duration idleTtl) {
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
  public static final Duration DEFAULT_MAX_TTL = Duration.ofHours(24);
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_IDLE_TTL = Duration.ofMinutes(5);

  public static LeaseConfig defaults() {
    return new LeaseConfig(DEFAULT_TTL, DEFAULT_MAX_TTL, DEFAULT_MAX_WAIT, DEFAULT_IDLE_TTL);
  }
}
