package dev.baton.api;

import java.time.Instant;
import java.util.Map;

/**
 * The answer to {@code GET /v1/health}.
 *
 * @param status {@code ok}, or {@code store_unavailable} (with HTTP 503)
 * @param store the backend kind, {@code sqlite} or {@code postgresql}
 * @param storeLocation where the store is, without secrets
 * @param instances live instances
 * @param instancesByRole live instances per role
 * @param lastEventId the newest event id; a client that resumes the stream after it misses nothing
 * @param tcp the TCP address, or null when TCP is off
 */
public record HealthJson(
    String status,
    String version,
    String store,
    String storeLocation,
    long instances,
    Map<String, Long> instancesByRole,
    long lastEventId,
    Instant startedAt,
    long uptimeSeconds,
    long pid,
    String socket,
    String tcp) {}
