package dev.baton.registry;

import java.time.Duration;
import java.util.List;

/**
 * How the registry keeps instances alive.
 *
 * @param instanceTtl an instance that has not been heard from for this long is expired (unless the
 *     broker sees its agent process alive); after a broker start nothing expires for this long
 * @param heartbeatInterval how often clients are told to heartbeat (returned on registration)
 * @param sweepInterval how often the janitor looks for expired instances
 * @param roles the valid role names, sorted
 * @param orphanGrace how long an expired instance stays an orphan, its exclusive leases held for
 *     its session to come back ({@code leases.orphan-grace})
 */
public record RegistryConfig(
    Duration instanceTtl,
    Duration heartbeatInterval,
    Duration sweepInterval,
    List<String> roles,
    Duration orphanGrace) {

  /** The roles every broker knows without a configuration file. */
  public static final List<String> BUILT_IN_ROLES =
      List.of("architect", "debugger", "developer", "ops", "planner", "research", "reviewer");

  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_ORPHAN_GRACE = Duration.ofMinutes(10);

  public RegistryConfig {
    roles = List.copyOf(roles);
  }

  public RegistryConfig(
      Duration instanceTtl,
      Duration heartbeatInterval,
      Duration sweepInterval,
      List<String> roles) {
    this(instanceTtl, heartbeatInterval, sweepInterval, roles, DEFAULT_ORPHAN_GRACE);
  }
}
