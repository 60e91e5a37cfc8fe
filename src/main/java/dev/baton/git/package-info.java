/**
 * Git as baton sees it. For now: finding the workspace (the main repository's top level) of any
 * directory, including linked worktrees and subdirectories, without a git process. Worktrees per
 * instance and serialised git operations come later. Thread-safe.
 */
package dev.baton.git;
