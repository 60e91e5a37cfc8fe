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
 */
public record AcquireRequest(
    String instance,
    List<String> paths,
    boolean literal,
    LeaseMode mode,
    Duration ttl,
    Duration waitFor,
    String reason) {
  public AcquireRequest {
    paths = paths == null ? List.of() : List.copyOf(paths);
  }
}
