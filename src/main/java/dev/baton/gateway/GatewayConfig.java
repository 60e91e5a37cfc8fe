package dev.baton.gateway;

import dev.baton.core.ConfigSection;
import java.time.Duration;
import java.util.Map;

/**
 * Downstream MCP servers and what each role sees of them ({@code servers:} and {@code
 * roles.<role>.servers} in the config). No servers is valid: every endpoint then has baton's own
 * tools only.
 *
 * @param servers by name
 * @param roles by role name; a role without an entry sees no downstream tools
 * @param startTimeout how long a server may take to start and answer {@code initialize} (npx may
 *     download the package first)
 * @param maxRestarts a server that crashed this many times in a row is not started again until a
 *     later call after a quiet period
 * @param listWait how long an endpoint's first {@code tools/list} waits for servers that were never
 *     listed before (nothing in the cache): then it lists what there is, and the rest follows with
 *     {@code tools/list_changed}. None by default, so that the first listing never waits for a
 *     server to start; a client without {@code tools/list_changed} (Codex) sees a never-listed
 *     server's tools on its first run only if it is given time here
 * @param stdioPool the pool size of a stdio server that gives none ({@code gateway.stdio-pool})
 * @param httpPool the pool size of an HTTP server that gives none ({@code gateway.http-pool})
 * @param wsPool the pool size of a WebSocket server that gives none ({@code gateway.ws-pool})
 */
public record GatewayConfig(
    Map<String, DownstreamConfig> servers,
    Map<String, RoleTools> roles,
    Duration startTimeout,
    int maxRestarts,
    Duration listWait,
    int stdioPool,
    int httpPool,
    int wsPool) {

  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_RESTARTS = 5;
  public static final int DEFAULT_STDIO_POOL = 5;
  public static final int DEFAULT_HTTP_POOL = 10;
  public static final int DEFAULT_WS_POOL = 10;
  public static final Duration DEFAULT_LIST_WAIT = Duration.ZERO;

  public GatewayConfig(
      Map<String, DownstreamConfig> servers,
      Map<String, RoleTools> roles,
      Duration startTimeout,
      int maxRestarts) {
    this(
        servers,
        roles,
        startTimeout,
        maxRestarts,
        DEFAULT_LIST_WAIT,
        DEFAULT_STDIO_POOL,
        DEFAULT_HTTP_POOL,
        DEFAULT_WS_POOL);
  }

  public GatewayConfig {
    servers = Map.copyOf(servers);
    roles = Map.copyOf(roles);
  }

  public static GatewayConfig none() {
    return new GatewayConfig(Map.of(), Map.of(), DEFAULT_START_TIMEOUT, DEFAULT_MAX_RESTARTS);
  }

  public RoleTools role(String role) {
    return roles.getOrDefault(role, RoleTools.none());
  }

  /**
   * Reads the {@code gateway:} and {@code servers:} sections of the configuration and what each
   * role under {@code roles} sees of the servers.
   */
  public static GatewayConfig from(
      ConfigSection gateway, ConfigSection servers, ConfigSection roles) {
    return GatewayConfigReader.read(gateway, servers, roles);
  }
}
