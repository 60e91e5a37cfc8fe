package dev.baton.git;

/**
 * A request to land an instance's branch.
 *
 * @param instance required; the instance whose worktree branch lands
 * @param base the branch to land on, or null for the branch checked out in the repository's main
 *     worktree
 */
public record LandRequest(String instance, String base) {}
