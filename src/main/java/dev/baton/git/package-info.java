/**
 * Git as baton sees it: finding the workspace (the main repository's top level) of any directory,
 * including linked worktrees and subdirectories, without a git process ({@link
 * dev.baton.git.GitCheckouts}); a worktree per instance ({@link dev.baton.git.WorktreeService}), on
 * branch {@code instance/<id>}, locked, that is removed only when nothing in it would be lost (no
 * live instance, nothing uncommitted or untracked, every commit in its base by ancestry, patch
 * identity or equal trees), and never without first saving its full state under {@code
 * refs/baton/saved/<id>/<time>}; and landing instances' branches on their base ({@link
 * dev.baton.git.LandService}).
 *
 * <p>Invariants of landing: lands of one repository run one at a time in id order; the base only
 * ever moves by compare-and-swap to a descendant of where it was (history stays linear); a land is
 * stored as landed only after the base moved; nothing baton does to an agent's branch or worktree
 * can lose a commit or an uncommitted change. Every change to a repository's worktrees and refs,
 * worktrees' and lands' alike, runs in that repository's one git queue. Thread-safe.
 */
package dev.baton.git;
