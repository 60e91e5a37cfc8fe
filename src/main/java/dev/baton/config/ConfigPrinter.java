package dev.baton.config;

import dev.baton.core.Units;
import dev.baton.gateway.DownstreamConfig;
import dev.baton.gateway.RoleTools;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prints the effective configuration as YAML that {@link ConfigLoader} reads back, each value that
 * is not a built-in default followed by a comment that says where it came from.
 */
public final class ConfigPrinter {
  private ConfigPrinter() {}

  /** The configuration with where each value came from ({@link ConfigLoader.Loaded#origins}). */
  public static String toYaml(ConfigLoader.Loaded loaded) {
    return toYaml(loaded.config(), loaded.origins());
  }

  /** The configuration without its origins. */
  public static String toYaml(BatonConfig config) {
    return toYaml(config, Map.of());
  }

  private static String toYaml(BatonConfig config, Map<String, String> origins) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("data-dir", config.dataDir().toString());
    Map<String, Object> server = new LinkedHashMap<>();
    server.put("socket", config.server().socket().toString());
    server.put(
        "tcp",
        config
            .server()
            .tcp()
            .map(
                a ->
                    (a.getAddress().getHostAddress().contains(":")
                            ? "[" + a.getAddress().getHostAddress() + "]"
                            : a.getAddress().getHostAddress())
                        + ":"
                        + a.getPort())
            .orElse("off"));
    server.put("max-body", Units.formatSize(config.server().maxBodyBytes()));
    server.put("shutdown-timeout", Units.formatDuration(config.server().shutdownTimeout()));
    root.put("server", server);
    Map<String, Object> store = new LinkedHashMap<>();
    store.put("url", config.store().describe());
    store.put("pool-size", config.store().poolSize());
    root.put("store", store);
    Map<String, Object> registry = new LinkedHashMap<>();
    registry.put("instance-ttl", Units.formatDuration(config.registry().instanceTtl()));
    registry.put("heartbeat-interval", Units.formatDuration(config.registry().heartbeatInterval()));
    registry.put("sweep-interval", Units.formatDuration(config.registry().sweepInterval()));
    root.put("registry", registry);
    root.put("events", Map.of("retention", Units.formatDuration(config.events().retention())));
    Map<String, Object> leases = new LinkedHashMap<>();
    leases.put("default-ttl", Units.formatDuration(config.leases().defaultTtl()));
    leases.put("max-ttl", Units.formatDuration(config.leases().maxTtl()));
    leases.put("max-wait", Units.formatDuration(config.leases().maxWait()));
    leases.put("idle-ttl", Units.formatDuration(config.leases().idleTtl()));
    leases.put("provisional-ttl", Units.formatDuration(config.leases().provisionalTtl()));
    leases.put("orphan-grace", Units.formatDuration(config.registry().orphanGrace()));
    root.put("leases", leases);
    Map<String, Object> roles = new LinkedHashMap<>();
    config.roles().values().stream()
        .sorted(java.util.Comparator.comparing(RoleConfig::name))
        .forEach(
            r -> {
              Map<String, Object> role = new LinkedHashMap<>();
              role.put("description", r.description());
              RoleTools tools = config.gateway().role(r.name());
              if (!tools.servers().isEmpty()) {
                role.put("servers", tools.servers());
              }
              if (!tools.allow().isEmpty()) {
                role.put("allow", tools.allow());
              }
              if (!tools.deny().isEmpty()) {
                role.put("deny", tools.deny());
              }
              role.put("tools", tools.metaOnly() ? "meta" : "all");
              roles.put(r.name(), role);
            });
    root.put("roles", roles);
    Map<String, Object> gateway = new LinkedHashMap<>();
    gateway.put("stdio-pool", config.gateway().stdioPool());
    gateway.put("http-pool", config.gateway().httpPool());
    gateway.put("ws-pool", config.gateway().wsPool());
    gateway.put("start-timeout", Units.formatDuration(config.gateway().startTimeout()));
    gateway.put("list-wait", Units.formatDuration(config.gateway().listWait()));
    gateway.put("max-restarts", config.gateway().maxRestarts());
    root.put("gateway", gateway);
    Map<String, Object> memory = new LinkedHashMap<>();
    memory.put("tools", config.memory().tools().wireName());
    memory.put("max-item-chars", config.memory().maxItemChars());
    root.put("memory", memory);
    Map<String, Object> handoff = new LinkedHashMap<>();
    handoff.put("expire-after", Units.formatDuration(config.handoff().expireAfter()));
    handoff.put("checkpoint-interval", Units.formatDuration(config.handoff().checkpointInterval()));
    handoff.put("digest-interval", Units.formatDuration(config.handoff().digestInterval()));
    handoff.put("max-message-chars", config.handoff().maxMessageChars());
    handoff.put("tools", config.handoff().tools() ? "on" : "off");
    handoff.put("retention", Units.formatDuration(config.handoff().retention()));
    root.put("handoff", handoff);
    root.put("coordination", Map.of("tools", config.coordination().tools().wireName()));
    Map<String, Object> git = new LinkedHashMap<>();
    config.git().worktreeRootIfSet().ifPresent(p -> git.put("worktree-root", p.toString()));
    config.git().landCheckIfSet().ifPresent(c -> git.put("land-check", c));
    git.put("worktree-retention", Units.formatDuration(config.git().worktreeRetention()));
    git.put("timeout", Units.formatDuration(config.git().timeout()));
    root.put("git", git);
    Map<String, Object> focus = new LinkedHashMap<>();
    focus.put("block", Units.formatDuration(config.focus().block()));
    focus.put("break", Units.formatDuration(config.focus().shortBreak()));
    focus.put("long-break", Units.formatDuration(config.focus().longBreak()));
    focus.put("long-every", config.focus().longEvery());
    focus.put("auto", config.focus().auto() ? "on" : "off");
    focus.put("hyperfocus-after", Units.formatDuration(config.focus().hyperfocusAfter()));
    focus.put("hyperfocus-every", Units.formatDuration(config.focus().hyperfocusEvery()));
    focus.put("snooze", Units.formatDuration(config.focus().snooze()));
    focus.put("max-snoozes", config.focus().maxSnoozes());
    root.put("focus", focus);
    Map<String, Object> servers = new LinkedHashMap<>();
    for (DownstreamConfig d : config.gateway().servers().values()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      if (d.stdio()) {
        entry.put("command", d.command());
        entry.put("args", d.args());
        if (!d.env().isEmpty()) {
          // Values are often secrets (API keys): names only.
          entry.put("env", new java.util.TreeSet<>(d.env().keySet()));
        }
        if (d.cwd() != null) {
          entry.put("cwd", d.cwd());
        }
      } else {
        entry.put("url", d.url());
        if (!d.headers().isEmpty()) {
          // Header values are often secrets: names only.
          entry.put("headers", new java.util.TreeSet<>(d.headers().keySet()));
        }
      }
      entry.put("scope", d.scope().wireName());
      entry.put("start", d.eager() ? "eager" : "lazy");
      entry.put("idle-timeout", Units.formatDuration(d.idleTimeout()));
      entry.put("pool", d.pool());
      entry.put("call-timeout", Units.formatDuration(d.callTimeout()));
      entry.put("roots", d.roots());
      if (!d.writes().isEmpty()) {
        entry.put("writes", d.writes());
      }
      servers.put(d.name(), entry);
    }
    root.put("servers", servers);
    root.put("log", Map.of("level", config.logLevel()));
    String header =
        "# effective baton configuration, from "
            + config.file().map(Object::toString).orElse("built-in defaults (no config file)")
            + "\n";
    if (!origins.isEmpty()) {
      header +=
          "# a comment after a value says where it came from; values without one are defaults\n";
    }
    return header + AnnotatedYaml.write(root, origins);
  }
}
