package dev.baton.gateway;

/**
 * How full one downstream server's connection pools are, summed over its pools (one for a shared
 * server, one per workspace or instance otherwise).
 *
 * @param server the server's name
 * @param size the most connections its open pools may hold (its {@code pool} setting per pool; 0
 *     while none is open)
 * @param inUse connections with a call in flight
 * @param waiters calls waiting for a pool to hand them a connection (one is being started, or a
 *     crashed server is being restarted)
 */
public record PoolSnapshot(String server, int size, int inUse, int waiters) {}
