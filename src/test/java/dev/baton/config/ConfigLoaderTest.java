package dev.baton.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.gateway.DownstreamConfig;
import dev.baton.gateway.GatewayConfig;
import dev.baton.git.GitConfig;
import dev.baton.mcp.CoordinationConfig;
import dev.baton.store.StoreKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;
  private final Map<String, String> env = new HashMap<>();

  private ConfigLoader loader() {
    return new ConfigLoader(env, dir.resolve("home"), 1234);
  }

  private BatonConfig load() {
    return loader().load(ConfigLoader.Overrides.none()).config();
  }

  private Path file(String yaml) throws IOException {
    Path f = dir.resolve("baton.yaml");
    Files.writeString(f, yaml);
    env.put("BATON_CONFIG", f.toString());
    return f;
  }

  @Test
  void noFileAtAllGivesTheBuiltInDefaults() {
    BatonConfig c = load();

    assertThat(c.file()).isEmpty();
    assertThat(c.dataDir()).isEqualTo(dir.resolve("home/.local/share/baton"));
    assertThat(c.server().socket()).isEqualTo(Path.of("/tmp/baton-1234/broker.sock"));
    assertThat(c.server().tcp()).contains(new InetSocketAddress("127.0.0.1", 8090));
    assertThat(c.server().maxBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(c.store().kind()).isEqualTo(StoreKind.SQLITE);
    assertThat(c.store().sqliteFile()).isEqualTo(dir.resolve("home/.local/share/baton/baton.db"));
    assertThat(c.registry().instanceTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.registry().heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.registry().roles())
        .containsExactly(
            "architect", "debugger", "developer", "ops", "planner", "research", "reviewer");
    assertThat(c.logLevel()).isEqualTo("info");
  }

  @Test
  void xdgDirectoriesAreHonoured() throws IOException {
    Path runtime = Files.createDirectories(dir.resolve("run"));
    env.put("XDG_RUNTIME_DIR", runtime.toString());
    env.put("XDG_DATA_HOME", dir.resolve("data").toString());

    BatonConfig c = load();

    assertThat(c.server().socket()).isEqualTo(runtime.resolve("baton/broker.sock"));
    assertThat(c.dataDir()).isEqualTo(dir.resolve("data/baton"));
  }

  @Test
  void theStandardConfigFileIsReadWhenItExists() throws IOException {
    Path standard = dir.resolve("home/.config/baton/baton.yaml");
    Files.createDirectories(standard.getParent());
    Files.writeString(standard, "registry:\n  instance-ttl: 45s\n");

    BatonConfig c = load();

    assertThat(c.file()).contains(standard);
    assertThat(c.registry().instanceTtl()).isEqualTo(Duration.ofSeconds(45));
    assertThat(c.registry().heartbeatInterval()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void everySettingIsReadFromTheFile() throws IOException {
    Path f =
        file(
            "data-dir: /var/lib/baton\n"
                + "server:\n  socket: /run/b/broker.sock\n  tcp: 127.0.0.1:9999\n  max-body: 64KiB\n  shutdown-timeout: 3s\n"
                + "store:\n  url: sqlite:/srv/b.db\n  pool-size: 3\n"
                + "registry:\n  instance-ttl: 2m\n  heartbeat-interval: 20s\n  sweep-interval: 500ms\n"
                + "events:\n  retention: 1d\n"
                + "roles:\n  tester:\n    description: runs the tests\n"
                + "log:\n  level: DEBUG\n");

    BatonConfig c = load();

    assertThat(c.file()).contains(f);
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/baton"));
    assertThat(c.server().socket()).isEqualTo(Path.of("/run/b/broker.sock"));
    assertThat(c.server().tcp()).contains(new InetSocketAddress("127.0.0.1", 9999));
    assertThat(c.server().maxBodyBytes()).isEqualTo(64 * 1024);
    assertThat(c.server().shutdownTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.store().sqliteFile()).isEqualTo(Path.of("/srv/b.db"));
    assertThat(c.store().poolSize()).isEqualTo(3);
    assertThat(c.registry().instanceTtl()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.registry().heartbeatInterval()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.registry().sweepInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.events().retention()).isEqualTo(Duration.ofDays(1));
    assertThat(c.roles()).containsKey("tester");
    assertThat(c.roles().get("tester").description()).isEqualTo("runs the tests");
    assertThat(c.registry().roles()).contains("tester", "developer");
    assertThat(c.logLevel()).isEqualTo("debug");
  }

  @Test
  void variablesAreSubstitutedWithTheirDefaults() throws IOException {
    file(
        "store:\n  pool-size: ${STORE_POOL:-5}\nregistry:\n  instance-ttl: ${TTL:-40s}\ndata-dir: ${BASE}/baton\n");
    env.put("TTL", "50s");
    env.put("BASE", "/opt");

    BatonConfig c = load();

    assertThat(c.store().poolSize()).isEqualTo(5);
    assertThat(c.registry().instanceTtl()).isEqualTo(Duration.ofSeconds(50));
    assertThat(c.dataDir()).isEqualTo(Path.of("/opt/baton"));
  }

  @Test
  void anEmptyVariableTakesTheColonDashDefaultButNotTheDashDefault() throws IOException {
    file("store:\n  pool-size: ${A:-6}\nregistry:\n  instance-ttl: ${B-33s}\n");
    env.put("A", "");

    BatonConfig c = load();

    assertThat(c.store().poolSize()).isEqualTo(6);
    assertThat(c.registry().instanceTtl()).isEqualTo(Duration.ofSeconds(33));
  }

  @Test
  void anUnsetVariableWithoutDefaultNamesTheVariableTheSettingAndTheFile() throws IOException {
    Path f = file("data-dir: ${NOT_SET_ANYWHERE}/baton\n");

    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            f
                + ": data-dir: environment variable NOT_SET_ANYWHERE is not set; set it or write ${NOT_SET_ANYWHERE:-default}");
  }

  @Test
  void doubleDollarKeepsALiteralReference() throws IOException {
    file("roles:\n  tester:\n    description: costs $${MONEY}\n");

    assertThat(load().roles().get("tester").description()).isEqualTo("costs ${MONEY}");
  }

  @Test
  void flagsBeatTheEnvironmentWhichBeatsTheFile() throws IOException {
    file("server:\n  socket: /from/file.sock\n  tcp: 127.0.0.1:1111\n");
    env.put("BATON_SOCKET", "/from/env.sock");
    env.put("BATON_TCP", "127.0.0.1:2222");

    BatonConfig fromEnv = load();
    BatonConfig fromFlags =
        loader()
            .load(
                new ConfigLoader.Overrides(
                    null, "sqlite:/flag.db", "/from/flag.sock", "off", Path.of("/flag-data")))
            .config();

    assertThat(fromEnv.server().socket()).isEqualTo(Path.of("/from/env.sock"));
    assertThat(fromEnv.server().tcp()).contains(new InetSocketAddress("127.0.0.1", 2222));
    assertThat(fromFlags.server().socket()).isEqualTo(Path.of("/from/flag.sock"));
    assertThat(fromFlags.server().tcp()).isEmpty();
    assertThat(fromFlags.store().sqliteFile()).isEqualTo(Path.of("/flag.db"));
    assertThat(fromFlags.dataDir()).isEqualTo(Path.of("/flag-data"));
  }

  @Test
  void anUnknownSettingIsRefusedWithTheKnownOnes() throws IOException {
    Path f = file("registry:\n  ttl: 30s\n");

    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            f
                + ": registry.ttl: unknown setting; known settings here: heartbeat-interval, instance-ttl, sweep-interval");
  }

  @Test
  void aMalformedDurationNamesTheFileTheSettingAndTheValue() throws IOException {
    Path f = file("registry:\n  instance-ttl: 5x\n");

    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            f
                + ": registry.instance-ttl: '5x' is not a duration; write a number and a unit: 500ms, 30s, 10m, 2h or 7d");
  }

  @Test
  void aHeartbeatIntervalNotShorterThanTheTtlIsRefused() throws IOException {
    Path f = file("registry:\n  instance-ttl: 10s\n  heartbeat-interval: 10s\n");

    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            f + ": registry.heartbeat-interval: 10s is not shorter than registry.instance-ttl 10s");
  }

  @Test
  void aRiskyHeartbeatIntervalIsWarnedAbout() throws IOException {
    file("registry:\n  instance-ttl: 10s\n  heartbeat-interval: 8s\n");

    ConfigLoader.Loaded loaded = loader().load(ConfigLoader.Overrides.none());

    assertThat(loaded.warnings())
        .singleElement()
        .asString()
        .contains("registry.heartbeat-interval 8s is more than half");
  }

  @Test
  void aNonLoopbackTcpAddressIsRefused() throws IOException {
    Path f = file("server:\n  tcp: 0.0.0.0:8090\n");

    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            f
                + ": server.tcp: '0.0.0.0:8090' is not a loopback address; baton listens only on 127.0.0.1, ::1 or localhost");
  }

  @Test
  void aBadTcpFromTheEnvironmentNamesTheVariable() {
    env.put("BATON_TCP", "127.0.0.1:99999");

    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessage("BATON_TCP: port 99999 is out of range 0-65535");
  }

  /**
   * As the README's defaults say, without a config file (issue 12: they were read only from one).
   */
  @Test
  void poolSizesComeFromTheEnvironmentWithoutAFileAndTheFileWins() throws IOException {
    env.put("STDIO_POOL", "7");
    env.put("HTTP_POOL", "20");
    env.put("STORE_POOL", "3");
    assertThat(load().store().poolSize()).as("no config file at all").isEqualTo(3);
    String servers =
        "servers:\n  files:\n    command: npx\n  remote:\n    url: http://127.0.0.1:1/mcp\n";
    file(servers);
    BatonConfig c = load();
    assertThat(c.gateway().servers().get("files").pool()).isEqualTo(7);
    assertThat(c.gateway().servers().get("remote").pool()).isEqualTo(20);
    assertThat(c.store().poolSize()).isEqualTo(3);

    file(servers + "gateway:\n  stdio-pool: 2\nstore:\n  pool-size: 4\n");
    assertThat(load().gateway().servers().get("files").pool()).isEqualTo(2);
    assertThat(load().gateway().servers().get("remote").pool()).isEqualTo(20);
    assertThat(load().store().poolSize()).isEqualTo(4);

    env.put("STDIO_POOL", "many");
    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessage("environment variable STDIO_POOL='many' is not a whole number");
    env.put("STDIO_POOL", "0");
    assertThatThrownBy(this::load)
        .hasMessage("environment variable STDIO_POOL=0 is out of range; use 1 to 64");
  }

  @Test
  void ipv6LoopbackAndLocalhostAreAccepted() {
    env.put("BATON_TCP", "[::1]:8091");
    assertThat(load().server().tcp()).map(InetSocketAddress::getPort).contains(8091);
    env.put("BATON_TCP", "localhost:8092");
    assertThat(load().server().tcp()).map(a -> a.getAddress().isLoopbackAddress()).contains(true);
  }

  @Test
  void aRelativeDataDirIsRefused() throws IOException {
    Path f = file("data-dir: relative/dir\n");

    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessage(f + ": data-dir: 'relative/dir' is not an absolute path");
  }

  @Test
  void aTildeMeansTheHomeDirectory() throws IOException {
    file("data-dir: ~/state/baton\n");

    assertThat(load().dataDir()).isEqualTo(dir.resolve("home/state/baton"));
  }

  @Test
  void aSocketPathTooLongForUnixIsRefused() {
    env.put("BATON_SOCKET", "/tmp/" + "x".repeat(120) + ".sock");

    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("BATON_SOCKET: '/tmp/xxx")
        .hasMessageEndingWith("is longer than the 107 bytes a Unix socket path may have");
  }

  @Test
  void malformedYamlNamesTheFile() throws IOException {
    Path f = file("server: [unclosed\n");

    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f + ": not valid YAML:");
  }

  @Test
  void aTopLevelThatIsNotAMappingIsRefused() throws IOException {
    Path f = file("- just\n- a list\n");

    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessage(f + ": the top level must be a mapping of settings, e.g. 'store:'");
  }

  @Test
  void anEmptyFileIsValid() throws IOException {
    file("");

    assertThat(load().registry().instanceTtl()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void anExplicitConfigFileThatDoesNotExistIsAnError() {
    Path missing = dir.resolve("nope.yaml");

    assertThatThrownBy(
            () -> loader().load(new ConfigLoader.Overrides(missing, null, null, null, null)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--config: configuration file " + missing + " does not exist or is not a file");
  }

  @Test
  void anInvalidRoleNameIsRefused() throws IOException {
    Path f = file("roles:\n  Bad_Role: {}\n");

    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f + ": roles.Bad_Role: 'Bad_Role' is not a valid role name");
  }

  @Test
  void aPostgresUrlIsParsedAndItsPasswordNeverPrinted() {
    env.put("BATON_STORE", "postgresql://baton:s%40cret@db.local:6543/team?sslmode=disable");

    BatonConfig c = load();

    assertThat(c.store().kind()).isEqualTo(StoreKind.POSTGRESQL);
    assertThat(c.store().jdbcUrl())
        .isEqualTo("jdbc:postgresql://db.local:6543/team?sslmode=disable");
    assertThat(c.store().user()).isEqualTo("baton");
    assertThat(c.store().password()).isEqualTo("s@cret");
    assertThat(c.store().describe())
        .isEqualTo("postgresql://baton@db.local:6543/team?sslmode=disable");
    assertThat(c.store().toString()).doesNotContain("cret");
    assertThat(ConfigPrinter.toYaml(c)).doesNotContain("cret");
  }

  @Test
  void anUnknownStoreUrlIsRefusedWithTheAcceptedForms() {
    env.put("BATON_STORE", "mysql://x/y");

    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "BATON_STORE: unknown store URL 'mysql://x/y'; use sqlite, sqlite:/path/to/baton.db or postgresql://user:password@host:5432/db");
  }

  @Test
  void badHandoffSettingsAreRefusedWithTheSetting() throws IOException {
    Path f = file("handoff:\n  tools: maybe\n");
    assertThatThrownBy(this::load).hasMessage(f + ": handoff.tools: 'maybe' is not on or off");
    file("handoff:\n  checkpoint-interval: soon\n");
    assertThatThrownBy(this::load).hasMessageContaining("handoff.checkpoint-interval");
  }

  @Test
  void coordinationToolsAreTheFullSetUnlessCompactIsAskedForAndNothingElseIsAccepted()
      throws IOException {
    file("roles:\n  tester: {}\n");
    assertThat(load().coordination().tools()).isEqualTo(CoordinationConfig.ToolSet.FULL);
    file("coordination:\n  tools: Compact\n");
    assertThat(load().coordination().tools()).isEqualTo(CoordinationConfig.ToolSet.COMPACT);
    file("coordination:\n  tools: full\n");
    assertThat(load().coordination().tools()).isEqualTo(CoordinationConfig.ToolSet.FULL);

    Path f = file("coordination:\n  tools: off\n");
    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessage(f + ": coordination.tools: 'off' is not a tool set; use full or compact");
    file("coordination:\n  tool: compact\n");
    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("coordination.tool");
  }

  @Test
  void theFirstListingWaitsForNoServerUnlessListWaitSaysSo() throws IOException {
    file("roles:\n  tester: {}\n");
    assertThat(load().gateway().listWait()).isZero();
    file("gateway:\n  list-wait: 0ms\n");
    assertThat(load().gateway().listWait()).isZero();
    file("gateway:\n  list-wait: 1s\n");
    assertThat(load().gateway().listWait()).isEqualTo(Duration.ofSeconds(1));
    Path f = file("gateway:\n  list-wait: -1s\n");
    assertThatThrownBy(this::load).hasMessageContaining(f + ": gateway.list-wait");
  }

  @Test
  void gitSettingsHaveDefaultsAndBadOnesAreRefusedWithTheSetting() throws IOException {
    file("roles:\n  tester: {}\n");
    BatonConfig defaults = load();
    assertThat(defaults.git()).isEqualTo(GitConfig.DEFAULTS);
    assertThat(defaults.git().worktreeRootFor(Path.of("/src/app")))
        .isEqualTo(Path.of("/src/app.worktrees"));

    file("git:\n  worktree-root: /srv/trees\n  land-check: ' mvn -q test '\n");
    BatonConfig set = load();
    assertThat(set.git().worktreeRootFor(Path.of("/src/app"))).isEqualTo(Path.of("/srv/trees"));
    assertThat(set.git().landCheck()).isEqualTo("mvn -q test");

    Path f = file("git:\n  worktree-root: trees\n");
    assertThatThrownBy(this::load)
        .hasMessage(f + ": git.worktree-root: 'trees' is not an absolute path");
    file("git:\n  worktree-retention: forever\n");
    assertThatThrownBy(this::load).hasMessageContaining("git.worktree-retention");
    file("git:\n  land-checks: make\n");
    assertThatThrownBy(this::load).hasMessageContaining("land-checks");
  }

  @Test
  void thePrintedConfigurationLoadsBackToTheSameConfiguration() throws IOException {
    file(
        "registry:\n  instance-ttl: 2m\nroles:\n  tester:\n    description: runs tests\nserver:\n  tcp: off\n"
            + "handoff:\n  checkpoint-interval: 10m\n  tools: off\n"
            + "coordination:\n  tools: compact\n"
            + "git:\n  worktree-root: /srv/trees\n  land-check: make check\n");
    BatonConfig original = load();
    assertThat(original.handoff().checkpointInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(original.handoff().tools()).isFalse();
    assertThat(original.coordination().tools()).isEqualTo(CoordinationConfig.ToolSet.COMPACT);
    Path printed = dir.resolve("printed.yaml");
    Files.writeString(printed, ConfigPrinter.toYaml(original));
    env.put("BATON_CONFIG", printed.toString());

    BatonConfig reloaded = load();

    assertThat(reloaded).usingRecursiveComparison().ignoringFields("file").isEqualTo(original);
    assertThat(reloaded.file()).isEqualTo(Optional.of(printed));
  }

  @Test
  void downstreamServersAndRoleMappingsAreReadWithPerInstancePlaceholdersKept() throws IOException {
    env.put("STDIO_POOL", "3");
    file(
        "gateway:\n  stdio-pool: ${STDIO_POOL:-5}\n  start-timeout: 2m\n"
            + "servers:\n"
            + "  files:\n    command: npx\n    args: [-y, pkg, \"${worktree}\"]\n    scope: instance\n"
            + "    env: {ROOT: \"${workspace}\"}\n"
            + "  remote:\n    url: http://127.0.0.1:9000/mcp\n    headers: {X-Key: secret}\n    start: eager\n"
            + "roles:\n  developer:\n    servers: [files, remote]\n    deny: [\"files__write_*\"]\n"
            + "  planner:\n    servers: [remote]\n    tools: meta\n");
    BatonConfig c = load();
    DownstreamConfig files = c.gateway().servers().get("files");
    assertThat(files.args()).containsExactly("-y", "pkg", "${worktree}");
    assertThat(files.env()).containsEntry("ROOT", "${workspace}");
    assertThat(files.scope()).isEqualTo(DownstreamConfig.Scope.INSTANCE);
    assertThat(files.pool()).isEqualTo(3);
    assertThat(files.eager()).isFalse();
    DownstreamConfig remote = c.gateway().servers().get("remote");
    assertThat(remote.stdio()).isFalse();
    assertThat(remote.pool()).isEqualTo(GatewayConfig.DEFAULT_HTTP_POOL);
    assertThat(remote.eager()).isTrue();
    assertThat(c.gateway().startTimeout()).hasMinutes(2);
    assertThat(c.gateway().role("developer").servers()).containsExactly("files", "remote");
    assertThat(c.gateway().role("developer").deny()).containsExactly("files__write_*");
    assertThat(c.gateway().role("planner").metaOnly()).isTrue();
    assertThat(c.gateway().role("reviewer").servers()).isEmpty();
    assertThat(ConfigPrinter.toYaml(c)).contains("X-Key").doesNotContain("secret");
  }

  @Test
  void aWebSocketServerTakesItsPoolFromWsPoolAndItsHeadersAreKept() throws IOException {
    String servers =
        "servers:\n  ws:\n    url: ws://127.0.0.1:9000/message?for=${instance}\n"
            + "    headers: {Authorization: Bearer x}\n"
            + "  web:\n    url: http://127.0.0.1:9001/mcp\n";
    file(servers);
    DownstreamConfig ws = load().gateway().servers().get("ws");
    assertThat(ws.webSocket()).isTrue();
    assertThat(ws.stdio()).isFalse();
    assertThat(ws.url()).isEqualTo("ws://127.0.0.1:9000/message?for=${instance}");
    assertThat(ws.headers()).containsEntry("Authorization", "Bearer x");
    assertThat(ws.pool()).isEqualTo(GatewayConfig.DEFAULT_WS_POOL);
    assertThat(load().gateway().servers().get("web").webSocket()).isFalse();

    env.put("WS_POOL", "4");
    env.put("HTTP_POOL", "6");
    assertThat(load().gateway().wsPool()).isEqualTo(4);
    assertThat(load().gateway().servers().get("ws").pool()).isEqualTo(4);
    assertThat(load().gateway().servers().get("web").pool()).isEqualTo(6);
    file("");
    assertThat(load().gateway().wsPool()).as("no servers, no gateway section").isEqualTo(4);
    file(servers + "gateway:\n  ws-pool: 2\n");
    assertThat(load().gateway().servers().get("ws").pool()).as("the file wins").isEqualTo(2);

    env.put("WS_POOL", "300");
    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessage("environment variable WS_POOL=300 is out of range; use 1 to 256");
  }

  @Test
  void aMalformedWebSocketUrlIsRefusedNamingTheServerAndTheUrl() throws IOException {
    Path f = file("servers:\n  ws:\n    url: ws:///message\n");
    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            f
                + ": servers.ws.url: 'ws:///message' is not a valid WebSocket URL: it names no host"
                + " (ws://host:port/path)");
    file("servers:\n  ws:\n    url: 'ws://127.0.0.1:1/a b'\n");
    assertThatThrownBy(this::load)
        .hasMessageContaining(
            "servers.ws.url: 'ws://127.0.0.1:1/a b' is not a valid WebSocket URL: Illegal"
                + " character in path");
    file("servers:\n  ws:\n    url: 'wss://example.org/mcp#top'\n");
    assertThatThrownBy(this::load)
        .hasMessageContaining(
            "servers.ws.url: 'wss://example.org/mcp#top' is not a valid WebSocket URL: a"
                + " WebSocket URL cannot have a fragment");
  }

  @Test
  void aRoleNamingAServerThatIsNotConfiguredIsRefusedWithTheConfiguredOnes() throws IOException {
    Path f =
        file(
            "servers:\n  files:\n    command: npx\nroles:\n  developer:\n    servers: [files, memory]\n");
    assertThatThrownBy(this::load)
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            f
                + ": roles.developer.servers[1]: no server 'memory' under 'servers'; configured: files");
  }

  @Test
  void aServerNeedsExactlyOneOfCommandAndUrlAndAValidScopeAndName() throws IOException {
    Path f = file("servers:\n  both:\n    command: npx\n    url: http://127.0.0.1:1/mcp\n");
    assertThatThrownBy(this::load)
        .hasMessage(
            f
                + ": servers.both: give either 'command' (a stdio server) or 'url' (a Streamable HTTP or WebSocket server)");
    file("servers:\n  x:\n    command: npx\n    scope: galaxy\n");
    assertThatThrownBy(this::load)
        .hasMessageContaining(
            "servers.x.scope: 'galaxy' is not a scope; use shared, workspace or instance");
    file("servers:\n  a__b:\n    command: npx\n");
    assertThatThrownBy(this::load)
        .hasMessageContaining("servers.a__b: 'a__b' is not a valid server name");
    file("servers:\n  web:\n    url: ftp://example\n");
    assertThatThrownBy(this::load)
        .hasMessageContaining(
            "servers.web.url: 'ftp://example' is not an http://, https://, ws:// or wss:// URL");
    file("servers:\n  x:\n    command: npx\n    pool: 0\n");
    assertThatThrownBy(this::load)
        .hasMessageContaining("servers.x.pool: 0 is out of range; use 1 to 256");
    file("roles:\n  developer:\n    tools: some\n");
    assertThatThrownBy(this::load)
        .hasMessageContaining("roles.developer.tools: 'some' is not a tool mode; use all or meta");
  }
}
