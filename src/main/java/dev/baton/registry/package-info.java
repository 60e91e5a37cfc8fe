/**
 * The instance registry: one row per running agent session, with its role, workspace (the main
 * repository's top level), worktree and branch. Invariants: ids are unique among live instances; an
 * instance lives until it is deregistered or misses its TTL, after which the janitor expires it and
 * emits {@code instance.expired}. Heartbeats move the expiry and are not events (they would drown
 * the stream). Services are thread-safe; records are immutable.
 */
package dev.baton.registry;
