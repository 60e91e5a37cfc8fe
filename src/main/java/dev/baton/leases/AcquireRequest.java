package dev.baton.leases;

import java.time.Duration;
import java.util.List;

/**
 * What an instance asks for. All paths are granted together or none is.
 *
 * @param instance the holder-to-be
 * @param paths absolute, or relative to the workspace root; globs unless {@code literal}
 * @param literal true when the paths are concrete files (hooks), never globs
 * @param mode exclusive or shared
 * @param ttl null for the configured default
 * @param waitFor how long to wait for conflicting leases to go; null or zero answers at once
 * @param reason shown to others in conflict answers; may be null
 * @param provisional taken before the client's permission check (a hook's PreToolUse): it lasts
 *     {@code leases.provisional-ttl} unless {@link LeaseService#confirm} makes it a lease like any
 *     other; a path the instance already holds stays as it is (renewed)
 */
public record AcquireRequest(
    String instance,
    List<String> paths,
    boolean literal,
    LeaseMode mode,
    Duration ttl,
    Duration waitFor,
    String reason,
    boolean provisional) {
  public AcquireRequest {
    paths = paths == null ? List.of() : List.copyOf(paths);
  }

  public AcquireRequest(
      String instance,
      List<String> paths,
      boolean literal,
      LeaseMode mode,
      Duration ttl,
      Duration waitFor,
      String reason) {
    this(instance, paths, literal, mode, ttl, waitFor, reason, false);
  }
}
