/**
 * How the broker runs git: {@code Git} starts non-interactive git processes with a time limit,
 * {@code GitQueue} serialises the work that touches a repository's shared state, {@code
 * DefaultLandService} takes each repository's lands in order and {@code Landing} does one land's
 * git work (rebase, land-check, compare-and-swap of the base, the agent's branch) in the
 * repository's scratch worktree, which {@code Scratch} hands on from land to land while it is clean
 * and removes after the last. Thread-safe.
 */
package dev.baton.git.internal;
