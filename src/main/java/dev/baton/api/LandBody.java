package dev.baton.api;

/**
 * The body of {@code POST /v1/lands}.
 *
 * @param instance the instance whose worktree branch lands
 * @param base the branch to land on; null for the branch checked out in the main worktree
 */
public record LandBody(String instance, String base) {}
