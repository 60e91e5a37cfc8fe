package dev.baton.leases;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A granted lease.
 *
 * @param id e.g. {@code L42}
 * @param workspace the workspace root the pattern is relative to
 * @param instance the holder
 * @param role the holder's role
 * @param pattern the path or glob, in normal form
 * @param mode exclusive or shared
 * @param reason why the holder wants it, or null
 * @param fencingToken strictly greater than every earlier grant in the workspace
 * @param ttl how long each grant or renewal lasts
 * @param acquiredAt when it was granted (or upgraded)
 * @param renewedAt when it was last granted or renewed
 * @param expiresAt when the broker releases it unless it is renewed
 */
public record Lease(
    String id,
    Path workspace,
    String instance,
    String role,
    PathPattern pattern,
    LeaseMode mode,
    String reason,
    long fencingToken,
    Duration ttl,
    Instant acquiredAt,
    Instant renewedAt,
    Instant expiresAt) {

  /**
   * True when this lease and a lease in {@code mode} on {@code other} by another instance clash.
   */
  public boolean clashesWith(PathPattern other, LeaseMode otherMode) {
    return mode.clashesWith(otherMode) && pattern.overlaps(other);
  }

  /** The same lease expiring at another time. */
  public Lease expiringAt(Instant expiry) {
    return with(ttl, renewedAt, expiry);
  }

  public Lease renewedAt(Instant now, Duration newTtl) {
    return with(newTtl, now, now.plus(newTtl));
  }

  private Lease with(Duration newTtl, Instant renewed, Instant expiry) {
    return new Lease(
        id,
        workspace,
        instance,
        role,
        pattern,
        mode,
        reason,
        fencingToken,
        newTtl,
        acquiredAt,
        renewed,
        expiry);
  }
}
