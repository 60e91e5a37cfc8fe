package dev.baton.config;

import dev.baton.events.EventsConfig;
import dev.baton.focus.FocusConfig;
import dev.baton.gateway.GatewayConfig;
import dev.baton.git.GitConfig;
import dev.baton.handoff.HandoffConfig;
import dev.baton.leases.LeaseConfig;
import dev.baton.mcp.CoordinationConfig;
import dev.baton.memory.MemoryConfig;
import dev.baton.registry.RegistryConfig;
import dev.baton.store.StoreConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The whole, validated, immutable configuration of one broker.
 *
 * @param file the YAML file it was read from, if any
 * @param dataDir where the SQLite file, the token and the lock live
 * @param server listeners
 * @param store the backend
 * @param registry instance liveness and roles
 * @param events event history
 * @param leases lease timing
 * @param roles every known role by name, sorted
 * @param gateway downstream MCP servers and what each role sees of them
 * @param handoff handoffs, messages and checkpoints
 * @param git worktrees per instance and landing
 * @param logLevel root log level of {@code baton serve}
 * @param focus the focus timer: blocks, breaks, hyperfocus
 * @param coordination which coordination tools the MCP endpoints list
 */
public record BatonConfig(
    Optional<Path> file,
    Path dataDir,
    ServerConfig server,
    StoreConfig store,
    RegistryConfig registry,
    EventsConfig events,
    LeaseConfig leases,
    Map<String, RoleConfig> roles,
    GatewayConfig gateway,
    MemoryConfig memory,
    HandoffConfig handoff,
    GitConfig git,
    String logLevel,
    FocusConfig focus,
    CoordinationConfig coordination) {

  public BatonConfig {
    roles = Map.copyOf(roles);
  }

  /** Where the bearer token for TCP clients is kept (0600). */
  public Path tokenFile() {
    return dataDir.resolve("token");
  }

  /** Held by the running broker so that only one broker opens this data directory. */
  public Path lockFile() {
    return dataDir.resolve("broker.lock");
  }
}
