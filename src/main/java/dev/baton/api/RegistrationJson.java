package dev.baton.api;

import dev.baton.registry.Registration;

/**
 * The answer to a registration or a heartbeat.
 *
 * @param created true when the call created the instance
 * @param ttlMs the instance expires this long after its last heartbeat
 * @param heartbeatIntervalMs heartbeat at least this often
 */
public record RegistrationJson(
    InstanceJson instance, boolean created, long ttlMs, long heartbeatIntervalMs) {
  public static RegistrationJson from(Registration r) {
    return new RegistrationJson(
        InstanceJson.from(r.instance()),
        r.created(),
        r.ttl().toMillis(),
        r.heartbeatInterval().toMillis());
  }
}
