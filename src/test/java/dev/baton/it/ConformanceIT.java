package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.NpmPackages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official MCP conformance suite ({@code @modelcontextprotocol/conformance}, on Node 22)
 * against a real broker's {@code /mcp/developer}, with {@code
 * mcp-servers/conformance/expected-failures.yml} (which says why each listed scenario fails): any
 * other failure, or a listed scenario that now passes, fails this test. The suite cannot send
 * headers, so a preload adds the bearer token. Behind the endpoint runs a small server with the
 * resources the suite reads ({@code mcp-servers/fixtures/conformance-resources.mjs}), so that the
 * resource scenarios test baton's resource proxying.
 */
class ConformanceIT {
  @TempDir Path tmp;

  private BrokerProcess broker;

  @BeforeEach
  void start() {
    Path npm = NpmPackages.require();
    BrokerSandbox sandbox = BrokerSandbox.in(tmp.resolve("b"));
    String config =
        "gateway:\n  list-wait: 60s # these tests list what the servers offer\n"
            + "servers:\n"
            + "  fixture:\n    command: "
            + NpmPackages.node()
            + "\n    args: ["
            + npm.resolve("fixtures/conformance-resources.mjs")
            + "]\n"
            + "roles:\n"
            + "  developer:\n    servers: [fixture]\n";
    broker = sandbox.start("--config", sandbox.writeConfig("baton.yaml", config).toString());
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  @Test
  void theServerScenariosPassExceptTheExpectedFailures() throws Exception {
    Path dir = NpmPackages.require();
    String base = "http://127.0.0.1:" + broker.tcpPort() + "/";
    Path log = tmp.resolve("conformance.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    NpmPackages.node().toString(),
                    "--import",
                    dir.resolve("conformance/bearer.mjs").toString(),
                    dir.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js")
                        .toString(),
                    "server",
                    "--url",
                    base + "mcp/developer",
                    "--expected-failures",
                    dir.resolve("conformance/expected-failures.yml").toString(),
                    "-o",
                    tmp.resolve("results").toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("BATON_TOKEN", broker.token());
    pb.environment().put("BATON_URL_PREFIX", base);
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("the conformance suite did not finish in 5 minutes");
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("conformance suite output:\n%s", output).isZero();
    assertThat(output)
        .contains("✓ server-initialize")
        .contains("✓ ping")
        .contains("✓ tools-list")
        .contains("✓ dns-rebinding-protection")
        .contains("Baseline check passed");
  }
}
