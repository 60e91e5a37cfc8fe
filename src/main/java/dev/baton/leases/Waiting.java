package dev.baton.leases;

import java.time.Instant;
import java.util.List;

/**
 * A request queued ahead of another.
 *
 * @param instance who waits
 * @param role its role
 * @param paths what it waits for
 * @param since when it started waiting
 */
public record Waiting(String instance, String role, List<String> paths, Instant since) {}
