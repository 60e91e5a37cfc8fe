/**
 * Git as baton sees it: finding the workspace (the main repository's top level) of any directory,
 * including linked worktrees and subdirectories, without a git process ({@link
 * dev.baton.git.GitCheckouts}); and a worktree per instance ({@link
 * dev.baton.git.WorktreeService}), on branch {@code instance/<id>}, locked, that is removed only
 * when nothing in it would be lost (no live instance, nothing uncommitted or untracked, every
 * commit in its base by ancestry, patch identity or equal trees), and never without first saving
 * its full state under {@code refs/baton/saved/<id>/<time>}. Every change to a repository's
 * worktrees and refs runs in that repository's git queue. Thread-safe.
 */
package dev.baton.git;
