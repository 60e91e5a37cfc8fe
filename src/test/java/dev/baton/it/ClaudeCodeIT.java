package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.GitRepos;
import dev.baton.testing.NpmPackages;
import dev.baton.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real Claude Code CLI (from the npm registry, pinned in {@code mcp-servers/package.json})
 * against the {@code .mcp.json} that {@code baton setup claude} writes: it runs the headersHelper
 * for the token, expands the other headers, and connects to the broker's endpoint. No model is
 * called: {@code claude mcp list} only checks the servers.
 */
class ClaudeCodeIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path tmp;

  private BrokerSandbox sandbox;
  private BrokerProcess broker;
  private Path repo;
  private Path home;

  @BeforeEach
  void start() throws Exception {
    Path npm = NpmPackages.require();
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    String config =
        "servers:\n  everything:\n    command: "
            + NpmPackages.node()
            + "\n    args: ["
            + npm.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js")
            + ", stdio]\n"
            + "roles:\n  developer:\n    servers: [everything]\n";
    broker = sandbox.start("--config", sandbox.writeConfig("baton.yaml", config).toString());
    repo = GitRepos.create(tmp.resolve("repo")).toRealPath();
    // A home of its own, in which the user has trusted the repository (Claude Code asks that on
    // the first start in a folder; a project's headersHelper runs only in a trusted one).
    home = Files.createDirectories(tmp.resolve("home"));
    String trusted =
        JSON.writeValueAsString(
            Map.of("projects", Map.of(repo.toString(), Map.of("hasTrustDialogAccepted", true))));
    // Where Claude Code keeps it: in HOME, or in CLAUDE_CONFIG_DIR (set below) in some versions.
    Files.writeString(home.resolve(".claude.json"), trusted);
    Files.writeString(
        Files.createDirectories(home.resolve(".claude")).resolve(".claude.json"), trusted);
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  @Test
  void claudeCodeConnectsToTheEndpointThatSetupWroteWithoutTheTokenInItsEnvironment() {
    sandbox.expect(0, "setup", "claude", repo.toString(), "--role", "developer", "--http");

    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOME", home.toString());
    env.put("BATON_TOKEN", ""); // not exported: the headersHelper reads the token file
    env.put("BATON_INSTANCE", "claude-cc000001");
    env.put("CLAUDE_CONFIG_DIR", home.resolve(".claude").toString());
    env.put("DISABLE_AUTOUPDATER", "1");
    Processes.Result list =
        Processes.run(repo, env, List.of(NpmPackages.bin("claude").toString(), "mcp", "list"));

    String url = "http://127.0.0.1:" + broker.tcpPort() + "/mcp/developer";
    assertThat(list.stdout() + list.stderr())
        .as("claude mcp list")
        .contains("baton: " + url + " (HTTP)")
        .contains("Connected")
        .doesNotContain("Failed")
        .doesNotContain("Pending approval");
  }
}
