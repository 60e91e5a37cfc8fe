/**
 * File leases: an instance holds a path or a glob of its workspace, exclusive or shared, for a TTL.
 * Invariants: no path is ever covered by an exclusive lease of one instance and any lease of
 * another (overlap between globs is never missed: a check too costly to finish counts as an
 * overlap); every grant carries a fencing token strictly greater than every earlier grant in its
 * workspace; an instance never conflicts with itself; waiting requests are served first come, first
 * served; an instance that ends releases all its leases in the same transaction. Heartbeats keep
 * instances alive, not leases: leases are renewed by re-acquiring (every edit through the Claude
 * Code hook does) or by renew. Records are immutable; the service is thread-safe.
 */
package dev.baton.leases;
