package dev.baton.api;

import java.time.Instant;

/**
 * Facts about the running broker that {@code /v1/health} reports.
 *
 * @param store the backend kind
 * @param storeLocation where the store is, without secrets
 * @param socket the Unix socket path
 * @param tcp {@code host:port}, or null when TCP is off
 */
public record BrokerInfo(
    String version,
    Instant startedAt,
    long pid,
    String store,
    String storeLocation,
    String socket,
    String tcp) {}
