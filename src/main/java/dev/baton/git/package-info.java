/**
 * Git as baton sees it: finding the workspace (the main repository's top level) of any directory,
 * including linked worktrees and subdirectories, without a git process; and landing instances'
 * branches on their base ({@link dev.baton.git.LandService}). Invariants of landing: lands of one
 * repository run one at a time in id order; the base only ever moves by compare-and-swap to a
 * descendant of where it was (history stays linear); a land is stored as landed only after the base
 * moved; nothing baton does to an agent's branch or worktree can lose a commit or an uncommitted
 * change. Thread-safe.
 */
package dev.baton.git;
