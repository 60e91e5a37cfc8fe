package dev.baton.store.internal;

/**
 * How full a store's connection pool is.
 *
 * @param size the most connections it holds
 * @param inUse connections lent out now
 * @param waiters callers waiting for a connection
 */
record PoolUsage(int size, int inUse, int waiters) {}
