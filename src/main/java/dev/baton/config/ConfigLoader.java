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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads the YAML configuration, expands {@code ${VAR:-default}}, applies overrides and validates
 * the result. Precedence, highest first: command-line flags, environment ({@code BATON_SOCKET},
 * {@code BATON_TCP}, {@code BATON_STORE}, {@code BATON_DATA_DIR}, {@code BATON_LOG_LEVEL}), the
 * file, built-in defaults. No file at all is valid.
 */
public final class ConfigLoader {
  private static final Pattern ROLE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

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
        file.map(f -> parse(f, text.get())).orElseGet(JsonNodeFactory.instance::objectNode);
    Origins origins =
        file.map(f -> Origins.of(f.getFileName().toString(), text.get())).orElse(Origins.none());
    Section root =
        new Section(source, "", tree, substitution, origins, this)
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
                "coordination",
                "git",
                "focus",
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

    ServerConfig server = ServerConfig.from(root.section("server"), this, overrides);

    Section store = root.section("store").allowOnly("url", "pool-size");
    int poolSize = pool(store, "pool-size", "STORE_POOL", StoreConfig.DEFAULT_POOL_SIZE, 64);
    StoreConfig storeConfig =
        setting(store, "url", overrides.store(), "--store")
            .map(s -> s.store(dataDir, poolSize))
            .orElseGet(() -> StoreConfig.parse("sqlite", dataDir, poolSize));

    Map<String, RoleConfig> roles = roles(root.section("roles"));
    RegistryConfig registry =
        RegistryConfig.from(
            root.section("registry"),
            root.section("leases"),
            List.copyOf(roles.keySet()),
            warnings::add);
    GatewayConfig gateway =
        GatewayConfig.from(root.section("gateway"), root.section("servers"), root.section("roles"));

    EventsConfig eventsConfig = EventsConfig.from(root.section("events"));
    LeaseConfig leases = LeaseConfig.from(root.section("leases"));
    MemoryConfig memory = MemoryConfig.from(root.section("memory"));
    HandoffConfig handoff = HandoffConfig.from(root.section("handoff"));
    CoordinationConfig coordination = CoordinationConfig.from(root.section("coordination"));
    GitConfig git = GitConfig.from(root.section("git"));
    FocusConfig focus = FocusConfig.from(root.section("focus"));

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
            server,
            storeConfig,
            registry,
            eventsConfig,
            leases,
            roles,
            gateway,
            memory,
            handoff,
            git,
            level,
            focus,
            coordination);
    return new Loaded(config, warnings, origins.toMap());
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

  /**
   * A pool size, 1 to {@code max}: the setting in the file, else the environment variable, else
   * {@code fallback}. Pools are sized from the environment without a config file, as the README's
   * defaults ({@code ${STDIO_POOL:-5}}) say; a bad value in the variable is refused even when the
   * file wins.
   */
  int pool(Section section, String key, String variable, int fallback, int max) {
    Optional<Integer> fromEnvironment = fromEnvironment(variable, 1, max);
    if (!section.has(key) && fromEnvironment.isPresent()) {
      section.origin(key, variable);
    }
    return section.range(key, fromEnvironment.orElse(fallback), 1, max);
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

  /**
   * The flag ({@code --store}), else its environment variable ({@code BATON_STORE}), else the
   * setting {@code key} of the file; notes where the value came from.
   */
  Optional<Setting> setting(Section section, String key, String flagValue, String flag) {
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
      if (text.isBlank()) { // no YAML mapper: building one costs a client command ~0.1 s
        return JsonNodeFactory.instance.objectNode();
      }
      JsonNode tree = YAMLMapper.shared().readTree(text);
      if (tree == null || tree.isNull() || tree.isMissingNode()) {
        return JsonNodeFactory.instance.objectNode();
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

  Path defaultSocket() {
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
