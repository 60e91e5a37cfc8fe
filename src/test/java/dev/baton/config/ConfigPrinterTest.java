package dev.baton.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton serve --print-config}: each value that is not a default says where it came from. */
class ConfigPrinterTest {
  @TempDir Path dir;
  private final Map<String, String> env = new HashMap<>();

  private ConfigLoader.Loaded load(ConfigLoader.Overrides overrides) {
    return new ConfigLoader(env, dir.resolve("home"), 1234).load(overrides);
  }

  private String print() {
    return ConfigPrinter.toYaml(load(ConfigLoader.Overrides.none()));
  }

  private Path file(String yaml) throws IOException {
    Path f = dir.resolve("baton.yaml");
    Files.writeString(f, yaml);
    env.put("BATON_CONFIG", f.toString());
    return f;
  }

  /** The whole line of {@code section.key}, comment included. */
  private static String line(String yaml, String section, String key) {
    String inSection = yaml.substring(yaml.indexOf("\n" + section + ":\n") + 1);
    return inSection
        .lines()
        .filter(l -> l.startsWith("  " + key + ":"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + section + "." + key + " in\n" + yaml));
  }

  @Test
  void defaultsCarryNoCommentAndTheHeaderSaysNoFileWasRead() {
    String yaml = print();

    assertThat(yaml).startsWith("# effective baton configuration, from built-in defaults");
    assertThat(yaml.lines().skip(1)).noneMatch(l -> l.contains("#"));
    assertThat(line(yaml, "store", "pool-size"))
        .isEqualTo("  pool-size: " + StoreConfig.DEFAULT_POOL_SIZE);
    assertThat(line(yaml, "gateway", "stdio-pool")).isEqualTo("  stdio-pool: 5");
  }

  @Test
  void aValueFromTheFileNamesTheFileAndTheLineAndTheVariablesItTook() throws IOException {
    env.put("STDIO_POOL", "7");
    Path f =
        file(
            "# pools\n"
                + "store:\n"
                + "  pool-size: 4\n"
                + "gateway: {stdio-pool: '${STDIO_POOL:-5}', http-pool: '${HTTP_POOL:-12}'}\n"
                + "servers:\n"
                + "  files:\n"
                + "    command: npx\n"
                + "    args: [-y, pkg]\n");

    String yaml = print();

    assertThat(yaml).startsWith("# effective baton configuration, from " + f + "\n");
    assertThat(line(yaml, "store", "pool-size")).matches("  pool-size: 4 +# baton.yaml:3");
    assertThat(line(yaml, "gateway", "stdio-pool"))
        .matches("  stdio-pool: 7 +# baton.yaml:4 \\(STDIO_POOL\\)");
    assertThat(line(yaml, "gateway", "http-pool")).matches("  http-pool: 12 +# baton.yaml:4");
    assertThat(yaml)
        .containsPattern("(?m)^    command: npx +# baton.yaml:7$")
        .containsPattern("(?m)^    args: +# baton.yaml:8\n      - -y\n      - pkg$")
        .containsPattern("(?m)^    pool: 7 +# baton.yaml:4 \\(STDIO_POOL\\)$")
        .containsPattern("(?m)^    scope: shared$");
  }

  @Test
  void poolsFromTheEnvironmentNameTheirVariableUnlessTheFileSetsThem() throws IOException {
    env.put("STORE_POOL", "3");
    env.put("STDIO_POOL", "7");
    env.put("HTTP_POOL", "20");
    env.put("WS_POOL", "30");

    String noFile = print();
    file(
        "gateway:\n  stdio-pool: 2\nservers:\n  remote:\n    url: http://127.0.0.1:1/mcp\n"
            + "  sock:\n    url: ws://127.0.0.1:1/message\n");
    String withFile = print();
    file("gateway:\n  ws-pool: 5\nservers:\n  sock:\n    url: ws://127.0.0.1:1/message\n");
    String wsInFile = print();

    assertThat(line(noFile, "store", "pool-size")).matches("  pool-size: 3 +# STORE_POOL");
    assertThat(line(noFile, "gateway", "stdio-pool")).matches("  stdio-pool: 7 +# STDIO_POOL");
    assertThat(line(noFile, "gateway", "http-pool")).matches("  http-pool: 20 +# HTTP_POOL");
    assertThat(line(withFile, "gateway", "stdio-pool")).matches("  stdio-pool: 2 +# baton.yaml:2");
    assertThat(line(withFile, "gateway", "http-pool")).matches("  http-pool: 20 +# HTTP_POOL");
    assertThat(withFile).containsPattern("(?m)^    pool: 20 +# HTTP_POOL$");
    assertThat(line(noFile, "gateway", "ws-pool")).matches("  ws-pool: 30 +# WS_POOL");
    assertThat(line(withFile, "gateway", "ws-pool")).matches("  ws-pool: 30 +# WS_POOL");
    assertThat(withFile)
        .containsPattern(
            "(?m)^    url: ws://127.0.0.1:1/message +# baton.yaml:7\n(    .*\n)*?"
                + "    pool: 30 +# WS_POOL$");
    assertThat(line(wsInFile, "gateway", "ws-pool")).matches("  ws-pool: 5 +# baton.yaml:2");
    assertThat(wsInFile).containsPattern("(?m)^    pool: 5 +# baton.yaml:2$");
  }

  @Test
  void aFlagBeatsItsVariableWhichBeatsTheFileAndTheWinnerIsNamed() throws IOException {
    file("server:\n  socket: /from/file.sock\n  tcp: 127.0.0.1:1111\nlog:\n  level: warn\n");
    env.put("BATON_TCP", "127.0.0.1:2222");
    env.put("BATON_STORE", "sqlite:/env.db");
    env.put("BATON_LOG_LEVEL", "debug");

    String yaml =
        ConfigPrinter.toYaml(
            load(
                new ConfigLoader.Overrides(
                    null, "sqlite:/flag.db", null, null, Path.of("/flag-data"))));

    assertThat(yaml).containsPattern("(?m)^data-dir: /flag-data +# --data-dir$");
    assertThat(line(yaml, "store", "url")).matches("  url: sqlite:/flag.db +# --store");
    assertThat(line(yaml, "server", "tcp")).matches("  tcp: 127.0.0.1:2222 +# BATON_TCP");
    assertThat(line(yaml, "server", "socket")).matches("  socket: /from/file.sock +# baton.yaml:2");
    assertThat(line(yaml, "log", "level")).matches("  level: debug +# BATON_LOG_LEVEL");
    assertThat(line(yaml, "server", "max-body")).isEqualTo("  max-body: 1MiB");
  }

  /** Loaded back with nothing else set, the printed file alone gives the same configuration. */
  @Test
  void thePrintedConfigurationWithItsCommentsLoadsBackToTheSameConfiguration() throws IOException {
    env.put("STORE_POOL", "3");
    env.put("STDIO_POOL", "7");
    env.put("BATON_LOG_LEVEL", "warn");
    file(
        "registry:\n  instance-ttl: 2m\n"
            + "roles:\n  tester:\n    description: \"runs tests # all of them\\nthen reports\"\n"
            + "    servers: [files]\n    allow: ['files__read_*']\n"
            + "  payer:\n    description: costs $${MONEY} and $$${RATE}\n"
            + "servers:\n  files:\n    command: npx\n    args: ['-y', '', 'a: b', '${worktree}']\n"
            + "    writes: {write_file: [path]}\n"
            + "handoff:\n  tools: off\n");
    ConfigLoader.Loaded original =
        load(new ConfigLoader.Overrides(null, null, "/flag/broker.sock", "off", null));
    Path printed = dir.resolve("printed.yaml");
    Files.writeString(printed, ConfigPrinter.toYaml(original));
    env.clear();
    env.put("BATON_CONFIG", printed.toString());

    BatonConfig reloaded = load(ConfigLoader.Overrides.none()).config();

    assertThat(Files.readString(printed)).contains("# STORE_POOL", "# --socket", "# baton.yaml:");
    assertThat(reloaded)
        .usingRecursiveComparison()
        .ignoringFields("file")
        .isEqualTo(original.config());
    assertThat(reloaded.roles().get("tester").description())
        .isEqualTo("runs tests # all of them\nthen reports");
    assertThat(reloaded.roles().get("payer").description())
        .isEqualTo("costs ${MONEY} and $${RATE}");
    assertThat(reloaded.gateway().servers().get("files").args()).contains("${worktree}");
  }
}
