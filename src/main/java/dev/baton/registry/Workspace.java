package dev.baton.registry;

import java.nio.file.Path;

/**
 * Where a directory sits in git.
 *
 * @param root the main repository's top-level directory
 * @param worktree the linked worktree's top level, or null when the directory is in the main
 *     working tree
 * @param branch the checked-out branch, or null when HEAD is detached
 */
public record Workspace(Path root, Path worktree, String branch) {}
