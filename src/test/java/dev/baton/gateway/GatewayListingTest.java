package dev.baton.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigLoader;
import dev.baton.mcp.McpEndpoints;
import dev.baton.testing.NpmPackages;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a real stdio server offers, when it answers only part of what it declares. */
class GatewayListingTest {
  @TempDir Path dir;

  /**
   * {@code server-postgres} 0.6.2 declares resources, lists its database's tables as resources (and
   * fails while the database cannot be reached), and has no {@code resources/templates/list} at all
   * ("Method not found"). Either failure used to fail the whole listing, so that the server's tools
   * were never listed.
   */
  @Test
  void aServerThatFailsToListItsResourcesStillListsItsTools() throws Exception {
    int closed;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = free.getLocalPort();
    }
    Path postgres =
        NpmPackages.require()
            .resolve("node_modules/@modelcontextprotocol/server-postgres/dist/index.js");
    Path file = dir.resolve("baton.yaml");
    Files.writeString(
        file,
        "gateway:\n  start-timeout: 20s\n"
            + "servers:\n  db:\n    command: "
            + NpmPackages.node()
            + "\n    args: ["
            + postgres
            + ", \"postgresql://127.0.0.1:"
            + closed
            + "/none\"]\n"
            + "roles:\n  ops:\n    servers: [db]\n");
    BatonConfig config =
        new ConfigLoader(Map.of("BATON_CONFIG", file.toString()), dir.resolve("home"), 1)
            .load(ConfigLoader.Overrides.none())
            .config();
    try (Gateway gateway =
        new Gateway(
            config.gateway(), McpEndpoints.mapper(), dir.resolve("scratch"), Clock.systemUTC())) {
      assertThat(gateway.tools("ops"))
          .extracting(Gateway.CatalogTool::name)
          .containsExactly("db__query");
      assertThat(gateway.resources("ops")).isEmpty();
      assertThat(gateway.resourceTemplates("ops")).isEmpty();
      assertThat(gateway.problems("ops")).isEmpty();
    }
  }

  /**
   * docs/PERFORMANCE.md counts the tokens of bench/catalogue.yaml's sixteen servers: each must
   * start from mcp-servers and list its tools offline, with the dummy keys the catalogue gives.
   */
  @Test
  void everyServerOfTheBenchmarkCatalogueListsItsToolsOffline() throws Exception {
    Path npm = NpmPackages.require();
    BatonConfig config =
        new ConfigLoader(
                Map.of(
                    "BATON_CONFIG",
                    npm.resolveSibling("bench/catalogue.yaml").toString(),
                    "MCP_SERVERS",
                    npm.toString()),
                dir.resolve("home"),
                1)
            .load(ConfigLoader.Overrides.none())
            .config();
    assertThat(config.gateway().servers()).hasSizeGreaterThanOrEqualTo(15);
    assertThat(config.roles().keySet())
        .contains("developer", "research", "architect", "debugger", "reviewer", "ops", "planner");
    try (Gateway gateway =
        new Gateway(
            config.gateway(), McpEndpoints.mapper(), dir.resolve("scratch"), Clock.systemUTC())) {
      for (String server : config.gateway().servers().keySet()) {
        assertThat(gateway.serverTools(server)).as(server).isNotEmpty();
      }
      for (String role : config.roles().keySet()) {
        assertThat(gateway.problems(role)).as(role).isEmpty();
      }
    }
  }
}
