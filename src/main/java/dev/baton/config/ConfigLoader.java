package dev.baton.config;

import dev.baton.events.EventsConfig;
import dev.baton.gateway.DownstreamConfig;
import dev.baton.gateway.GatewayConfig;
import dev.baton.gateway.RoleTools;
import dev.baton.git.GitConfig;
import dev.baton.handoff.HandoffConfig;
import dev.baton.leases.LeaseConfig;
import dev.baton.memory.MemoryConfig;
import dev.baton.registry.RegistryConfig;
import dev.baton.store.StoreConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads the YAML configuration, expands {@code ${VAR:-default}}, applies overrides and validates
 * the result. Precedence, highest first: command-line flags, environment ({@code BATON_SOCKET},
 * {@code BATON_TCP}, {@code BATON_STORE}, {@code BATON_DATA_DIR}, {@code BATON_LOG_LEVEL}), the
 * file, built-in defaults. No file at all is valid.
 */
public final class ConfigLoader {
  private static final Pattern ROLE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  /** Tools are named {@code <server>__<tool>}, so a server name has no {@code __} of its own. */
  private static final Pattern SERVER_NAME =
      Pattern.compile("(?!.*__)[A-Za-z][A-Za-z0-9_-]{0,23}(?<!_)");

  private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error");

  private static final Map<String, String> BUILT_IN_ROLE_DESCRIPTIONS =
      Map.of(
          "architect", "designs structure and interfaces",
          "debugger", "reproduces and fixes defects",
          "developer", "writes and changes code",
          "ops", "builds, deploys and runs things",
          "planner", "breaks work down and hands it out",
          "research", "reads, searches and reports",
          "reviewer", "reviews changes");

  /** Command-line values that beat everything else; null means not given. */
  public record Overrides(Path configFile, String store, String socket, String tcp, Path dataDir) {
    public static Overrides none() {
      return new Overrides(null, null, null, null, null);
    }
  }

  /**
   * A loaded configuration and the risky values worth a warning at start-up.
   *
   * @param origins where each setting that is not a built-in default came from, by dotted path
   *     ({@code store.pool-size}): {@code baton.yaml:14}, {@code --store}, {@code STORE_POOL}
   */
  public record Loaded(BatonConfig config, List<String> warnings, Map<String, String> origins) {
    public Loaded {
      warnings = List.copyOf(warnings);
      origins = Map.copyOf(origins);
    }
  }

  private final Map<String, String> env;
  private final Path home;
  private final long uid;
  private final Substitution substitution;

  public ConfigLoader(Map<String, String> env, Path home, long uid) {
    this.env = Map.copyOf(env);
    this.home = home;
    this.uid = uid;
    this.substitution = new Substitution(this.env);
  }

  /** A loader for this process's environment and user ({@code $HOME}, else the account's home). */
  public static ConfigLoader forThisProcess() {
    String home = System.getenv("HOME");
    return new ConfigLoader(
        System.getenv(),
        Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home),
        Os.uid());
  }

  /**
   * Loads and validates the configuration.
   *
   * @throws ConfigException naming the file (or flag, or variable) and the setting
   */
  public Loaded load(Overrides overrides) {
    Optional<Path> file = configFile(overrides);
    String source = file.map(Path::toString).orElse("built-in defaults");
    Optional<String> text = file.map(ConfigLoader::read);
    JsonNode tree =
        file.map(f -> parse(f, text.get())).orElse(YAMLMapper.shared().createObjectNode());
    Origins origins =
        file.map(f -> Origins.of(f.getFileName().toString(), text.get())).orElse(Origins.none());
    Section root =
        new Section(source, "", tree, substitution, origins)
            .allowOnly(
                "data-dir",
                "server",
                "store",
                "registry",
                "events",
                "leases",
                "roles",
                "servers",
                "gateway",
                "memory",
                "handoff",
                "git",
                "log");
    List<String> warnings = new ArrayList<>();

    Path dataDir =
        setting(
                root,
                "data-dir",
                overrides.dataDir() == null ? null : overrides.dataDir().toString(),
                "--data-dir")
            .map(s -> s.path(this))
            .orElseGet(this::defaultDataDir);

    Section server =
        root.section("server").allowOnly("socket", "tcp", "max-body", "shutdown-timeout");
    Path socket =
        setting(server, "socket", overrides.socket(), "--socket")
            .map(s -> s.socketPath(this))
            .orElseGet(this::defaultSocket);
    Optional<InetSocketAddress> tcp =
        setting(server, "tcp", overrides.tcp(), "--tcp")
            .map(Setting::tcp)
            .orElse(
                Optional.of(
                    new InetSocketAddress(
                        InetAddress.getLoopbackAddress(), ServerConfig.DEFAULT_PORT)));
    long maxBody =
        server.parsed("max-body", Units::parseSize).orElse(ServerConfig.DEFAULT_MAX_BODY_BYTES);
    if (maxBody < 1024 || maxBody > 64L * 1024 * 1024) {
      throw server.error(
          server.path("max-body"),
          Units.formatSize(maxBody) + " is out of range; use 1KiB to 64MiB");
    }
    Duration shutdownTimeout =
        positive(server, "shutdown-timeout", ServerConfig.DEFAULT_SHUTDOWN_TIMEOUT);

    Section store = root.section("store").allowOnly("url", "pool-size");
    int poolSize = pool(store, "pool-size", "STORE_POOL", StoreConfig.DEFAULT_POOL_SIZE, 64);
    StoreConfig storeConfig =
        setting(store, "url", overrides.store(), "--store")
            .map(s -> s.store(dataDir, poolSize))
            .orElseGet(() -> StoreConfig.parse("sqlite", dataDir, poolSize));

    Map<String, RoleConfig> roles = roles(root.section("roles"));
    RegistryConfig registry =
        registry(root.section("registry"), root.section("leases"), roles, warnings);
    GatewayConfig gateway =
        gateway(root.section("gateway"), root.section("servers"), root.section("roles"), roles);

    Section events = root.section("events").allowOnly("retention");
    EventsConfig eventsConfig =
        new EventsConfig(positive(events, "retention", EventsConfig.DEFAULT_RETENTION));
    LeaseConfig leases = leases(root.section("leases"));
    MemoryConfig memory = memory(root.section("memory"));
    HandoffConfig handoff = handoff(root.section("handoff"));
    GitConfig git = git(root.section("git"));

    Section log = root.section("log").allowOnly("level");
    if (env.get("BATON_LOG_LEVEL") != null) {
      log.origin("level", "BATON_LOG_LEVEL");
    }
    String level =
        Optional.ofNullable(env.get("BATON_LOG_LEVEL"))
            .or(() -> log.string("level"))
            .orElse("info")
            .toLowerCase(Locale.ROOT);
    if (!LOG_LEVELS.contains(level)) {
      throw log.error(
          log.path("level"),
          "'" + level + "' is not a log level; use one of " + new java.util.TreeSet<>(LOG_LEVELS));
    }

    BatonConfig config =
        new BatonConfig(
            file,
            dataDir,
            new ServerConfig(socket, tcp, maxBody, shutdownTimeout),
            storeConfig,
            registry,
            eventsConfig,
            leases,
            roles,
            gateway,
            memory,
            handoff,
            git,
            level);
    return new Loaded(config, warnings, origins.toMap());
  }

  private GitConfig git(Section section) {
    section.allowOnly("worktree-root", "land-check", "worktree-retention", "timeout");
    GitConfig d = GitConfig.DEFAULTS;
    Path root = section.setting("worktree-root").map(s -> s.path(this)).orElse(null);
    String check =
        section.string("land-check").map(String::strip).filter(c -> !c.isEmpty()).orElse(null);
    return new GitConfig(
        root,
        check,
        positive(section, "worktree-retention", d.worktreeRetention()),
        positive(section, "timeout", d.timeout()));
  }

  private HandoffConfig handoff(Section section) {
    section.allowOnly(
        "expire-after",
        "checkpoint-interval",
        "digest-interval",
        "max-message-chars",
        "tools",
        "retention");
    String tools = section.string("tools").orElse("on").toLowerCase(Locale.ROOT);
    if (!tools.equals("on") && !tools.equals("off")) {
      throw section.error(section.path("tools"), "'" + tools + "' is not on or off");
    }
    HandoffConfig d = HandoffConfig.DEFAULTS;
    return new HandoffConfig(
        positive(section, "expire-after", d.expireAfter()),
        positive(section, "checkpoint-interval", d.checkpointInterval()),
        positive(section, "digest-interval", d.digestInterval()),
        range(section, "max-message-chars", d.maxMessageChars(), 100, 1024 * 1024),
        tools.equals("on"),
        positive(section, "retention", d.retention()));
  }

  private MemoryConfig memory(Section section) {
    section.allowOnly("tools", "max-item-chars");
    String tools = section.string("tools").orElse("compact").toLowerCase(Locale.ROOT);
    MemoryConfig.ToolSet set;
    try {
      set = MemoryConfig.ToolSet.valueOf(tools.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw section.error(
          section.path("tools"), "'" + tools + "' is not a tool set; use compact, full or off");
    }
    return new MemoryConfig(
        range(
            section, "max-item-chars", MemoryConfig.DEFAULT_MAX_ITEM_CHARS, 100, 16 * 1024 * 1024),
        MemoryConfig.DEFAULTS.maxResults(),
        set);
  }

  private RegistryConfig registry(
      Section section, Section leases, Map<String, RoleConfig> roles, List<String> warnings) {
    section.allowOnly("instance-ttl", "heartbeat-interval", "sweep-interval");
    Duration ttl = positive(section, "instance-ttl", RegistryConfig.DEFAULT_TTL);
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw section.error(
          section.path("instance-ttl"),
          Units.formatDuration(ttl) + " is too short; use at least 1s");
    }
    Duration heartbeat = positive(section, "heartbeat-interval", ttl.dividedBy(3));
    if (heartbeat.compareTo(ttl) >= 0) {
      throw section.error(
          section.path("heartbeat-interval"),
          Units.formatDuration(heartbeat)
              + " is not shorter than registry.instance-ttl "
              + Units.formatDuration(ttl)
              + "; every instance would expire between two heartbeats");
    }
    if (heartbeat.compareTo(ttl.dividedBy(2)) > 0) {
      warnings.add(
          "registry.heartbeat-interval "
              + Units.formatDuration(heartbeat)
              + " is more than half of registry.instance-ttl "
              + Units.formatDuration(ttl)
              + ": one late heartbeat expires an instance");
    }
    Duration sweep = positive(section, "sweep-interval", Duration.ofSeconds(1));
    if (sweep.compareTo(ttl) > 0) {
      warnings.add(
          "registry.sweep-interval "
              + Units.formatDuration(sweep)
              + " is longer than the instance TTL: expiry will be late");
    }
    Duration orphanGrace = positive(leases, "orphan-grace", RegistryConfig.DEFAULT_ORPHAN_GRACE);
    return new RegistryConfig(ttl, heartbeat, sweep, List.copyOf(roles.keySet()), orphanGrace);
  }

  private static LeaseConfig leases(Section section) {
    section.allowOnly(
        "default-ttl", "max-ttl", "max-wait", "idle-ttl", "provisional-ttl", "orphan-grace");
    Duration ttl = positive(section, "default-ttl", LeaseConfig.DEFAULT_TTL);
    Duration max = positive(section, "max-ttl", LeaseConfig.DEFAULT_MAX_TTL);
    if (ttl.compareTo(max) > 0) {
      throw section.error(
          section.path("default-ttl"),
          Units.formatDuration(ttl)
              + " is longer than leases.max-ttl "
              + Units.formatDuration(max));
    }
    Duration wait = positive(section, "max-wait", LeaseConfig.DEFAULT_MAX_WAIT);
    Duration idle = positive(section, "idle-ttl", LeaseConfig.DEFAULT_IDLE_TTL);
    Duration provisional =
        positive(section, "provisional-ttl", LeaseConfig.DEFAULT_PROVISIONAL_TTL);
    if (provisional.compareTo(Duration.ofSeconds(1)) < 0 || provisional.compareTo(max) > 0) {
      throw section.error(
          section.path("provisional-ttl"),
          Units.formatDuration(provisional)
              + " is outside 1s.."
              + Units.formatDuration(max)
              + " (leases.max-ttl)");
    }
    return new LeaseConfig(ttl, max, wait, idle, provisional);
  }

  /**
   * A WebSocket URL that the JDK's client can open: it parses (with {@code ${workspace}} and the
   * other placeholders standing for a path segment), names a host, and has no fragment.
   */
  private static void webSocketUrl(Section server, String url) {
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
  private static Map<String, List<String>> writes(Section server) {
    Map<String, List<String>> writes = new java.util.LinkedHashMap<>();
    if (!server.has("writes")) {
      return writes;
    }
    Section w = server.section("writes");
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

  private Map<String, RoleConfig> roles(Section section) {
    Map<String, RoleConfig> roles = new TreeMap<>();
    BUILT_IN_ROLE_DESCRIPTIONS.forEach(
        (name, description) -> roles.put(name, new RoleConfig(name, description)));
    for (String name : section.keys()) {
      if (!ROLE_NAME.matcher(name).matches()) {
        throw section.error(
            section.path(name),
            "'"
                + name
                + "' is not a valid role name; use lower-case letters, digits and '-', starting with a letter");
      }
      Section role =
          section.section(name).allowOnly("description", "servers", "allow", "deny", "tools");
      String description =
          role.string("description")
              .orElse(roles.containsKey(name) ? roles.get(name).description() : "");
      roles.put(name, new RoleConfig(name, description));
    }
    return roles;
  }

  private GatewayConfig gateway(
      Section gateway, Section servers, Section roleSection, Map<String, RoleConfig> roles) {
    gateway.allowOnly(
        "stdio-pool", "http-pool", "ws-pool", "start-timeout", "max-restarts", "list-wait");
    int stdioPool = pool(gateway, "stdio-pool", "STDIO_POOL", GatewayConfig.DEFAULT_STDIO_POOL, 64);
    int httpPool = pool(gateway, "http-pool", "HTTP_POOL", GatewayConfig.DEFAULT_HTTP_POOL, 256);
    int wsPool = pool(gateway, "ws-pool", "WS_POOL", GatewayConfig.DEFAULT_WS_POOL, 256);
    Duration startTimeout = positive(gateway, "start-timeout", GatewayConfig.DEFAULT_START_TIMEOUT);
    int maxRestarts = range(gateway, "max-restarts", GatewayConfig.DEFAULT_MAX_RESTARTS, 0, 100);
    Map<String, DownstreamConfig> downstream = new TreeMap<>();
    for (String name : servers.keys()) {
      if (!SERVER_NAME.matcher(name).matches()) {
        throw servers.error(
            servers.path(name),
            "'"
                + name
                + "' is not a valid server name; use letters, digits, '-' and single '_' (at most 24), starting with a letter");
      }
      Section s =
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
              positive(s, "idle-timeout", DownstreamConfig.DEFAULT_IDLE_TIMEOUT),
              range(s, "pool", command != null ? stdioPool : webSocket ? wsPool : httpPool, 1, 256),
              positive(s, "call-timeout", DownstreamConfig.DEFAULT_CALL_TIMEOUT),
              s.bool("roots").orElse(false),
              writes(s)));
    }
    Map<String, RoleTools> roleTools = new TreeMap<>();
    for (String name : roleSection.keys()) {
      Section role = roleSection.section(name);
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
    Duration listWait = notNegative(gateway, "list-wait", GatewayConfig.DEFAULT_LIST_WAIT);
    return new GatewayConfig(
        downstream, roleTools, startTimeout, maxRestarts, listWait, stdioPool, httpPool, wsPool);
  }

  /**
   * A pool size, 1 to {@code max}: the setting in the file, else the environment variable, else
   * {@code fallback}. Pools are sized from the environment without a config file, as the README's
   * defaults ({@code ${STDIO_POOL:-5}}) say; a bad value in the variable is refused even when the
   * file wins.
   */
  private int pool(Section section, String key, String variable, int fallback, int max) {
    Optional<Integer> fromEnvironment = fromEnvironment(variable, 1, max);
    if (!section.has(key) && fromEnvironment.isPresent()) {
      section.origin(key, variable);
    }
    return range(section, key, fromEnvironment.orElse(fallback), 1, max);
  }

  private Optional<Integer> fromEnvironment(String variable, int min, int max) {
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    int n;
    try {
      n = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new ConfigException(
          "environment variable " + variable + "='" + value + "' is not a whole number");
    }
    if (n < min || n > max) {
      throw new ConfigException(
          "environment variable "
              + variable
              + "="
              + n
              + " is out of range; use "
              + min
              + " to "
              + max);
    }
    return Optional.of(n);
  }

  private static int range(Section section, String key, int fallback, int min, int max) {
    int value = section.integer(key).orElse(fallback);
    if (value < min || value > max) {
      throw section.error(section.path(key), value + " is out of range; use " + min + " to " + max);
    }
    return value;
  }

  private static Duration notNegative(Section section, String key, Duration fallback) {
    Duration d = section.duration(key).orElse(fallback);
    if (d.isNegative()) {
      throw section.error(section.path(key), Units.formatDuration(d) + " must not be negative");
    }
    return d;
  }

  private static Duration positive(Section section, String key, Duration fallback) {
    Duration d = section.duration(key).orElse(fallback);
    if (d.isZero() || d.isNegative()) {
      throw section.error(section.path(key), Units.formatDuration(d) + " must be longer than zero");
    }
    return d;
  }

  /**
   * The flag ({@code --store}), else its environment variable ({@code BATON_STORE}), else the
   * setting {@code key} of the file; notes where the value came from.
   */
  private Optional<Setting> setting(Section section, String key, String flagValue, String flag) {
    String variable = "BATON_" + flag.substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
    String fromEnv = env.get(variable);
    if (flagValue != null) {
      section.origin(key, flag);
      return Optional.of(new Setting(flagValue, flag, "command line"));
    }
    if (fromEnv != null && !fromEnv.isBlank()) {
      section.origin(key, variable);
      return Optional.of(new Setting(fromEnv, variable, "environment"));
    }
    return section.setting(key);
  }

  private Optional<Path> configFile(Overrides overrides) {
    Path explicit = overrides.configFile();
    String origin = "--config";
    if (explicit == null && env.get("BATON_CONFIG") != null && !env.get("BATON_CONFIG").isBlank()) {
      explicit = Path.of(env.get("BATON_CONFIG"));
      origin = "BATON_CONFIG";
    }
    if (explicit != null) {
      if (!Files.isRegularFile(explicit)) {
        throw new ConfigException(
            origin
                + ": configuration file "
                + explicit.toAbsolutePath()
                + " does not exist or is not a file");
      }
      return Optional.of(explicit.toAbsolutePath().normalize());
    }
    Path standard = configHome().resolve("baton").resolve("baton.yaml");
    return Files.isRegularFile(standard) ? Optional.of(standard) : Optional.empty();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read configuration: " + e.getMessage(), e);
    }
  }

  private static JsonNode parse(Path file, String text) {
    try {
      if (text.isBlank()) {
        return YAMLMapper.shared().createObjectNode();
      }
      JsonNode tree = YAMLMapper.shared().readTree(text);
      if (tree == null || tree.isNull() || tree.isMissingNode()) {
        return YAMLMapper.shared().createObjectNode();
      }
      if (!tree.isObject()) {
        throw new ConfigException(
            file + ": the top level must be a mapping of settings, e.g. 'store:'");
      }
      return tree;
    } catch (JacksonException e) {
      throw new ConfigException(file + ": not valid YAML: " + e.getOriginalMessage(), e);
    }
  }

  /** The user's configuration directory: {@code $XDG_CONFIG_HOME}, else {@code ~/.config}. */
  public Path configHome() {
    String xdg = env.get("XDG_CONFIG_HOME");
    return xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".config");
  }

  private Path defaultDataDir() {
    String xdg = env.get("XDG_DATA_HOME");
    Path base =
        xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local").resolve("share");
    return base.resolve("baton");
  }

  /**
   * Where a broker started without a configured socket may listen, most likely first: the path this
   * environment's broker would choose, then the others a broker of the same user chooses in another
   * environment ({@code /run/user/<uid>} when started from a desktop session, whose {@code
   * XDG_RUNTIME_DIR} a client started with a stripped environment lacks, and {@code /tmp}).
   */
  public List<Path> defaultSockets() {
    List<Path> sockets = new java.util.ArrayList<>();
    sockets.add(defaultSocket());
    Path run = Path.of("/run/user", Long.toString(uid), "baton", "broker.sock");
    if (!sockets.contains(run)) {
      sockets.add(run);
    }
    Path tmp = Path.of("/tmp", "baton-" + uid, "broker.sock");
    if (!sockets.contains(tmp)) {
      sockets.add(tmp);
    }
    return List.copyOf(sockets);
  }

  private Path defaultSocket() {
    String runtime = env.get("XDG_RUNTIME_DIR");
    if (runtime != null && !runtime.isBlank() && Files.isDirectory(Path.of(runtime))) {
      return Path.of(runtime, "baton", "broker.sock");
    }
    return Path.of("/tmp", "baton-" + uid, "broker.sock");
  }

  Path expandHome(String text) {
    if (text.equals("~")) {
      return home;
    }
    if (text.startsWith("~/")) {
      return home.resolve(text.substring(2));
    }
    return Path.of(text);
  }
}
