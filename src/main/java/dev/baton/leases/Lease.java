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
 * @param provisional taken by a hook before the client's permission check: it lasts the short
 *     provisional TTL and goes when the edit is refused, unless the edit is confirmed
 * @param follows asked for without a TTL: renewed for as long as the holder's agent process lives
 * @param orphanedAt when its holder was orphaned, or null; an orphaned lease waits for the same
 *     session until it expires, and only that session or a forced release takes it
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
    Instant expiresAt,
    boolean provisional,
    boolean follows,
    Instant orphanedAt) {

  /** A lease with an explicit TTL, neither provisional nor orphaned. */
  public Lease(
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
    this(
        id,
        workspace,
        instance,
        role,
        pattern,
        mode,
        reason,
        fencingToken,
        ttl,
        acquiredAt,
        renewedAt,
        expiresAt,
        false,
        false,
        null);
  }

  /**
   * True when this lease and a lease in {@code mode} on {@code other} by another instance clash.
   */
  public boolean clashesWith(PathPattern other, LeaseMode otherMode) {
    return mode.clashesWith(otherMode) && pattern.overlaps(other);
  }

  /** The same lease expiring at another time. */
  public Lease expiringAt(Instant expiry) {
    return with(ttl, renewedAt, expiry, provisional, follows);
  }

  public Lease renewedAt(Instant now, Duration newTtl) {
    return with(newTtl, now, now.plus(newTtl), provisional, follows);
  }

  /** The edit it was taken for happened: a lease like any other from {@code now}. */
  public Lease confirmedAt(Instant now, Duration newTtl, boolean following) {
    return with(newTtl, now, now.plus(newTtl), false, following);
  }

  private Lease with(
      Duration newTtl, Instant renewed, Instant expiry, boolean isProvisional, boolean following) {
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
        expiry,
        isProvisional,
        following,
        orphanedAt);
  }
}
