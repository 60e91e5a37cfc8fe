package dev.baton.gateway;

import dev.baton.core.ConfigSection;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads {@code gateway:}, {@code servers:} and the role sections' {@code servers}, {@code allow},
 * {@code deny} and {@code tools} into a {@link GatewayConfig}; every error names the setting.
 */
final class GatewayConfigReader {
  /** Tools are named {@code <server>__<tool>}, so a server name has no {@code __} of its own. */
  private static final Pattern SERVER_NAME =
      Pattern.compile("(?!.*__)[A-Za-z][A-Za-z0-9_-]{0,23}(?<!_)");

  private GatewayConfigReader() {}

  /**
   * A WebSocket URL that the JDK's client can open: it parses (with {@code ${workspace}} and the
   * other placeholders standing for a path segment), names a host, and has no fragment.
   */
  private static void webSocketUrl(ConfigSection server, String url) {
    String probe = url.replaceAll("\\$\\{(workspace|worktree|instance|role)}", "x");
    String problem;
    try {
      java.net.URI uri = new java.net.URI(probe);
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        problem = "it names no host (ws://host:port/path)";
      } else if (uri.getRawFragment() != null) {
        problem = "a WebSocket URL cannot have a fragment (#...)";
      } else {
        return;
      }
    } catch (java.net.URISyntaxException e) {
      problem = e.getMessage();
    }
    throw server.error(
        server.path("url"), "'" + url + "' is not a valid WebSocket URL: " + problem);
  }

  /** {@code writes: {write_file: [path], move_file: [source, destination]}}. */
  private static Map<String, List<String>> writes(ConfigSection server) {
    Map<String, List<String>> writes = new java.util.LinkedHashMap<>();
    if (!server.has("writes")) {
      return writes;
    }
    ConfigSection w = server.section("writes");
    for (String tool : w.keys()) {
      List<String> args = w.strings(tool);
      if (args.isEmpty()) {
        throw w.error(
            w.path(tool), "name the arguments of '" + tool + "' that are paths, e.g. [path]");
      }
      writes.put(tool, args);
    }
    return writes;
  }

  static GatewayConfig read(
      ConfigSection gateway, ConfigSection servers, ConfigSection roleSection) {
    gateway.allowOnly(
        "stdio-pool", "http-pool", "ws-pool", "start-timeout", "max-restarts", "list-wait");
    int stdioPool =
        gateway.poolSize("stdio-pool", "STDIO_POOL", GatewayConfig.DEFAULT_STDIO_POOL, 64);
    int httpPool = gateway.poolSize("http-pool", "HTTP_POOL", GatewayConfig.DEFAULT_HTTP_POOL, 256);
    int wsPool = gateway.poolSize("ws-pool", "WS_POOL", GatewayConfig.DEFAULT_WS_POOL, 256);
    Duration startTimeout = gateway.positive("start-timeout", GatewayConfig.DEFAULT_START_TIMEOUT);
    int maxRestarts = gateway.range("max-restarts", GatewayConfig.DEFAULT_MAX_RESTARTS, 0, 100);
    Map<String, DownstreamConfig> downstream = new TreeMap<>();
    for (String name : servers.keys()) {
      if (!SERVER_NAME.matcher(name).matches()) {
        throw servers.error(
            servers.path(name),
            "'"
                + name
                + "' is not a valid server name; use letters, digits, '-' and single '_' (at most 24), starting with a letter");
      }
      ConfigSection s =
          servers
              .section(name)
              .allowOnly(
                  "command",
                  "args",
                  "env",
                  "cwd",
                  "url",
                  "headers",
                  "scope",
                  "start",
                  "idle-timeout",
                  "pool",
                  "call-timeout",
                  "roots",
                  "writes");
      String command = s.string("command").filter(c -> !c.isBlank()).orElse(null);
      String url = s.string("url").filter(u -> !u.isBlank()).orElse(null);
      if ((command == null) == (url == null)) {
        throw s.error(
            servers.path(name),
            "give either 'command' (a stdio server) or 'url' (a Streamable HTTP or WebSocket server)");
      }
      if (command == null && (s.has("args") || s.has("env") || s.has("cwd"))) {
        throw s.error(
            servers.path(name), "'args', 'env' and 'cwd' are for stdio servers ('command')");
      }
      boolean webSocket = url != null && (url.startsWith("ws://") || url.startsWith("wss://"));
      if (url != null && !webSocket && !url.startsWith("http://") && !url.startsWith("https://")) {
        throw s.error(
            s.path("url"), "'" + url + "' is not an http://, https://, ws:// or wss:// URL");
      }
      if (webSocket) {
        webSocketUrl(s, url);
      }
      if (command != null && s.has("headers")) {
        throw s.error(s.path("headers"), "'headers' are for HTTP and WebSocket servers ('url')");
      }
      String poolKey = command != null ? "stdio-pool" : webSocket ? "ws-pool" : "http-pool";
      String scopeText = s.string("scope").orElse("shared").toLowerCase(Locale.ROOT);
      DownstreamConfig.Scope scope;
      try {
        scope = DownstreamConfig.Scope.valueOf(scopeText.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw s.error(
            s.path("scope"),
            "'" + scopeText + "' is not a scope; use shared, workspace or instance");
      }
      String start = s.string("start").orElse("lazy").toLowerCase(Locale.ROOT);
      if (!start.equals("lazy") && !start.equals("eager")) {
        throw s.error(s.path("start"), "'" + start + "' is not a start mode; use lazy or eager");
      }
      if (!s.has("pool")) {
        s.sameOrigin("pool", gateway.path(poolKey));
      }
      downstream.put(
          name,
          new DownstreamConfig(
              name,
              command,
              s.strings("args"),
              s.stringMap("env"),
              s.string("cwd").orElse(null),
              url,
              s.stringMap("headers"),
              scope,
              start.equals("eager"),
              s.positive("idle-timeout", DownstreamConfig.DEFAULT_IDLE_TIMEOUT),
              s.range("pool", command != null ? stdioPool : webSocket ? wsPool : httpPool, 1, 256),
              s.positive("call-timeout", DownstreamConfig.DEFAULT_CALL_TIMEOUT),
              s.bool("roots").orElse(false),
              writes(s)));
    }
    Map<String, RoleTools> roleTools = new TreeMap<>();
    for (String name : roleSection.keys()) {
      ConfigSection role = roleSection.section(name);
      List<String> names = role.strings("servers");
      for (int i = 0; i < names.size(); i++) {
        if (!downstream.containsKey(names.get(i))) {
          throw role.error(
              role.path("servers") + "[" + i + "]",
              "no server '"
                  + names.get(i)
                  + "' under 'servers'"
                  + (downstream.isEmpty()
                      ? " (none is configured)"
                      : "; configured: " + String.join(", ", downstream.keySet())));
        }
      }
      String tools = role.string("tools").orElse("all").toLowerCase(Locale.ROOT);
      if (!tools.equals("all") && !tools.equals("meta")) {
        throw role.error(role.path("tools"), "'" + tools + "' is not a tool mode; use all or meta");
      }
      RoleTools rt =
          new RoleTools(names, role.strings("allow"), role.strings("deny"), tools.equals("meta"));
      if (!rt.equals(RoleTools.none())) {
        roleTools.put(name, rt);
      }
    }
    Duration listWait = gateway.notNegative("list-wait", GatewayConfig.DEFAULT_LIST_WAIT);
    return new GatewayConfig(
        downstream, roleTools, startTimeout, maxRestarts, listWait, stdioPool, httpPool, wsPool);
  }
}
