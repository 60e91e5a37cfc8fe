package dev.baton.registry;

/**
 * What a client asks for when it registers.
 *
 * @param role required; one of the configured roles
 * @param workspace required; any directory inside the repository (a worktree or subdirectory is
 *     resolved to the main repository's top level)
 * @param id optional; when absent an id {@code <client>-<8 hex>} is generated
 * @param client optional kind of client, default {@code agent}
 */
public record RegisterRequest(String role, String workspace, String id, String client) {}
