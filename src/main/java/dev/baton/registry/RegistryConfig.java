package dev.baton.registry;

import dev.baton.core.ConfigSection;
import dev.baton.core.Units;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

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

  /**
   * Reads the {@code registry:} section of the configuration, and {@code leases.orphan-grace}.
   *
   * @param roles every known role
   * @param warnings takes each risky value worth a warning at start-up
   */
  public static RegistryConfig from(
      ConfigSection section, ConfigSection leases, List<String> roles, Consumer<String> warnings) {
    section.allowOnly("instance-ttl", "heartbeat-interval", "sweep-interval");
    Duration ttl = section.positive("instance-ttl", DEFAULT_TTL);
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw section.error(
          section.path("instance-ttl"),
          Units.formatDuration(ttl) + " is too short; use at least 1s");
    }
    Duration heartbeat = section.positive("heartbeat-interval", ttl.dividedBy(3));
    if (heartbeat.compareTo(ttl) >= 0) {
      throw section.error(
          section.path("heartbeat-interval"),
          Units.formatDuration(heartbeat)
              + " is not shorter than registry.instance-ttl "
              + Units.formatDuration(ttl)
              + "; every instance would expire between two heartbeats");
    }
    if (heartbeat.compareTo(ttl.dividedBy(2)) > 0) {
      warnings.accept(
          "registry.heartbeat-interval "
              + Units.formatDuration(heartbeat)
              + " is more than half of registry.instance-ttl "
              + Units.formatDuration(ttl)
              + ": one late heartbeat expires an instance");
    }
    Duration sweep = section.positive("sweep-interval", Duration.ofSeconds(1));
    if (sweep.compareTo(ttl) > 0) {
      warnings.accept(
          "registry.sweep-interval "
              + Units.formatDuration(sweep)
              + " is longer than the instance TTL: expiry will be late");
    }
    Duration orphanGrace = leases.positive("orphan-grace", DEFAULT_ORPHAN_GRACE);
    return new RegistryConfig(ttl, heartbeat, sweep, roles, orphanGrace);
  }
}
