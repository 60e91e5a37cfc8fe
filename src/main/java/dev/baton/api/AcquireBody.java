package dev.baton.api;

import java.util.List;

/**
 * The body of {@code POST /v1/leases}.
 *
 * @param instance the holder-to-be
 * @param path one path or glob (or use {@code paths})
 * @param paths several, granted together or not at all
 * @param mode {@code exclusive} (default) or {@code shared}
 * @param ttlMs null for the default (leases.default-ttl)
 * @param waitMs how long to wait for conflicting leases; null or 0 answers at once
 * @param reason shown to others in conflict answers
 * @param literal true when the paths are concrete files whose {@code *}, {@code ?} or braces are
 *     not glob operators
 */
public record AcquireBody(
    String instance,
    String path,
    List<String> paths,
    String mode,
    Long ttlMs,
    Long waitMs,
    String reason,
    Boolean literal) {}
