package dev.baton.api;

import dev.baton.leases.Lease;
import java.time.Instant;

/**
 * A lease on the wire; {@code path} is relative to the workspace root. {@code provisional} (taken
 * before the client's permission check), {@code follows} (renewed while its holder's agent lives)
 * and {@code orphanedAt} (its holder ended without releasing it) are absent when false or unset.
 */
public record LeaseJson(
    String id,
    String workspace,
    String instance,
    String role,
    String path,
    boolean glob,
    String mode,
    String reason,
    long fencingToken,
    long ttlMs,
    Instant acquiredAt,
    Instant renewedAt,
    Instant expiresAt,
    Boolean provisional,
    Boolean follows,
    Instant orphanedAt) {

  public static LeaseJson from(Lease l) {
    return new LeaseJson(
        l.id(),
        l.workspace().toString(),
        l.instance(),
        l.role(),
        l.pattern().text(),
        l.pattern().isGlob(),
        l.mode().wireName(),
        l.reason(),
        l.fencingToken(),
        l.ttl().toMillis(),
        l.acquiredAt(),
        l.renewedAt(),
        l.expiresAt(),
        l.provisional() ? Boolean.TRUE : null,
        l.follows() ? Boolean.TRUE : null,
        l.orphanedAt());
  }
}
