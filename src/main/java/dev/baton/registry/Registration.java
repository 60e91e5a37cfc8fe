package dev.baton.registry;

import java.time.Duration;

/**
 * The answer to a registration or a heartbeat.
 *
 * @param instance the instance as stored now
 * @param created true when this call created it, false when it already existed
 * @param ttl the instance expires this long after its last heartbeat
 * @param heartbeatInterval how often the client should heartbeat
 */
public record Registration(
    Instance instance, boolean created, Duration ttl, Duration heartbeatInterval) {}
