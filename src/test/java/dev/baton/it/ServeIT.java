package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.Json;
import dev.baton.testing.Processes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code baton serve} before it serves: the effective configuration, configuration errors, and the
 * refusal to start next to a running broker (same socket or same data directory).
 */
class ServeIT {
  private static final List<String> BUILT_IN_ROLES =
      List.of("architect", "debugger", "developer", "ops", "planner", "research", "reviewer");

  @TempDir Path tmp;

  private final List<BrokerProcess> brokers = new ArrayList<>();
  private BrokerSandbox sandbox;

  @BeforeEach
  void createSandbox() {
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
  }

  @AfterEach
  void stopBrokers() {
    brokers.forEach(BrokerProcess::close);
  }

  @Test
  void printConfigShowsTheEffectiveDefaultsWithoutAConfigFile() {
    JsonNode config = yaml(sandbox.expect(0, "serve", "--print-config"));

    assertThat(config.path("data-dir").asString()).isEqualTo(sandbox.dataDir().toString());
    assertThat(config.path("server").path("socket").asString())
        .isEqualTo(sandbox.socket().toString());
    assertThat(config.path("server").path("tcp").asString()).isEqualTo("127.0.0.1:0");
    assertThat(config.path("store").path("url").asString())
        .isEqualTo("sqlite:" + sandbox.dataDir().resolve("baton.db"));
    assertThat(config.path("registry").path("instance-ttl").asString()).isEqualTo("30s");
    assertThat(config.path("registry").path("heartbeat-interval").asString()).isEqualTo("10s");
    assertThat(config.path("roles").propertyNames()).containsExactlyElementsOf(BUILT_IN_ROLES);
    assertThat(sandbox.socket()).as("--print-config starts no broker").doesNotExist();
  }

  @Test
  void printConfigShowsTheConfigFileWithItsVariablesExpanded() {
    Path file =
        sandbox.writeConfig(
            "baton.yaml",
            "registry:\n"
                + "  instance-ttl: ${BATON_IT_TTL:-10m}\n"
                + "roles:\n"
                + "  tester:\n"
                + "    description: runs the tests\n");

    JsonNode defaulted =
        yaml(sandbox.expect(0, "serve", "--config", file.toString(), "--print-config"));
    Processes.Result set =
        sandbox.cli(
            Map.of("BATON_IT_TTL", "45s", "BATON_CONFIG", file.toString()),
            "serve",
            "--print-config");

    assertThat(defaulted.path("registry").path("instance-ttl").asString()).isEqualTo("10m");
    assertThat(defaulted.path("roles").path("tester").path("description").asString())
        .isEqualTo("runs the tests");
    BrokerSandbox.assertExit(set, 0, "BATON_CONFIG=" + file + " baton serve --print-config");
    assertThat(yaml(set).path("registry").path("instance-ttl").asString()).isEqualTo("45s");
  }

  @Test
  void printConfigSaysWhereEachValueCameFromAndLoadsBackUnchanged() {
    Path file = sandbox.writeConfig("baton.yaml", "# pools\ngateway:\n  http-pool: 4\n");
    Path db = tmp.resolve("flag.db");

    Processes.Result printed =
        sandbox.cli(
            Map.of("STORE_POOL", "3", "STDIO_POOL", "6"),
            "serve",
            "--config",
            file.toString(),
            "--store",
            "sqlite:" + db,
            "--print-config");
    BrokerSandbox.assertExit(printed, 0, "STORE_POOL=3 STDIO_POOL=6 baton serve --print-config");
    Path copy = sandbox.writeConfig("printed.yaml", printed.stdout());
    Processes.Result reloaded =
        sandbox.expect(0, "serve", "--config", copy.toString(), "--print-config");

    assertThat(printed.stdout())
        .startsWith("# effective baton configuration, from " + file + "\n")
        .containsPattern("(?m)^  pool-size: 3 +# STORE_POOL$")
        .containsPattern("(?m)^  stdio-pool: 6 +# STDIO_POOL$")
        .containsPattern("(?m)^  http-pool: 4 +# baton.yaml:3$")
        .containsPattern("(?m)^  url: " + Pattern.quote("sqlite:" + db) + " +# --store$")
        .containsPattern(
            "(?m)^  socket: " + Pattern.quote(sandbox.socket().toString()) + " +# BATON_SOCKET$")
        .containsPattern("(?m)^  start-timeout: 1m$");
    assertThat(yaml(reloaded)).isEqualTo(yaml(printed));
    assertThat(reloaded.stdout()).containsPattern("(?m)^  pool-size: 3 +# printed.yaml:\\d+$");
  }

  @Test
  void configErrorNamesTheFileAndTheSettingAndStopsServe() {
    Path bad = sandbox.writeConfig("bad.yaml", "registry: {instance-ttl: 5x}\n");
    Path typo = sandbox.writeConfig("typo.yaml", "registry: {instance-tll: 10m}\n");

    Processes.Result serve = sandbox.expect(1, "serve", "--config", bad.toString());
    Processes.Result print =
        sandbox.expect(1, "serve", "--config", bad.toString(), "--print-config");
    Processes.Result misspelt = sandbox.expect(1, "serve", "--config", typo.toString());

    assertThat(serve.stderr()).contains(bad.toString(), "registry.instance-ttl", "'5x'");
    assertThat(serve.stderr()).doesNotContain("Exception", "\tat ");
    assertThat(serve.stdout()).doesNotContain("ready");
    assertThat(print.stderr()).contains(bad.toString(), "registry.instance-ttl");
    assertThat(misspelt.stderr())
        .contains(typo.toString(), "registry.instance-tll", "instance-ttl");
    assertThat(sandbox.socket()).doesNotExist();
  }

  @Test
  void secondBrokerOnTheSameSocketRefusesToStartAndLeavesTheFirstServing() {
    BrokerProcess first = start();

    Processes.Result same = sandbox.expect(3, "serve");
    Processes.Result otherData = sandbox.withDataDir(tmp.resolve("b/data2")).cli("serve");

    assertThat(same.stderr()).contains("already running on " + sandbox.socket());
    assertThat(same.stdout()).doesNotContain("ready");
    BrokerSandbox.assertExit(otherData, 3, "serve with another data directory, same socket");
    assertThat(otherData.stderr()).contains("already running on " + sandbox.socket());
    assertThat(sandbox.socket()).as("the running broker's socket").exists();
    assertThat(first.isAlive()).isTrue();
    JsonNode status = Json.MAPPER.readTree(sandbox.expect(0, "status", "--json").stdout());
    assertThat(status.path("health").path("pid").asLong()).isEqualTo(first.pid());
  }

  @Test
  void secondBrokerOnTheSameDataDirectoryRefusesToStart() {
    BrokerProcess first = start();
    Path otherSocket = tmp.resolve("b/s2/broker.sock");

    Processes.Result r = sandbox.withSocket(otherSocket).cli("serve");

    BrokerSandbox.assertExit(r, 3, "serve on another socket with the same data directory");
    assertThat(r.stderr())
        .contains("pid " + first.pid(), "already uses the data directory " + sandbox.dataDir());
    assertThat(otherSocket).as("the refused broker's socket").doesNotExist();
    assertThat(first.isAlive()).isTrue();
    assertThat(sandbox.socket()).exists();
    sandbox.expect(0, "status");
  }

  private BrokerProcess start() {
    BrokerProcess broker = sandbox.start();
    brokers.add(broker);
    return broker;
  }

  private static JsonNode yaml(Processes.Result printed) {
    return YAMLMapper.shared().readTree(printed.stdout());
  }
}
