package dev.baton.api;

import java.util.List;

/**
 * The answer to {@code GET /v1/leases/check}.
 *
 * @param path the path relative to the workspace root
 * @param free true when no lease covers it
 * @param leases the leases that cover it or lie beneath it
 * @param tokenValid when a fencing token was presented: whether a live lease covering the path
 *     carries it
 */
public record CoverageJson(
    String workspace, String path, boolean free, List<LeaseJson> leases, Boolean tokenValid) {}
