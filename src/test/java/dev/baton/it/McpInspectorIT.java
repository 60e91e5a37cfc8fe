package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.GitRepos;
import dev.baton.testing.NpmPackages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real MCP client, the MCP inspector's CLI from the npm registry (on Node 22), listing and
 * calling baton's tools over HTTP and through {@code baton mcp} over stdio.
 */
class McpInspectorIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path tmp;

  private BrokerSandbox sandbox;
  private BrokerProcess broker;
  private Path repo;

  @BeforeEach
  void start() {
    NpmPackages.require();
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    repo = GitRepos.create(tmp.resolve("repo"));
    broker =
        sandbox.start(
            "--config",
            sandbox.writeConfig("baton.yaml", "registry:\n  instance-ttl: 10m\n").toString());
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  @Test
  void theInspectorListsAndCallsToolsOverHttp() throws Exception {
    String url = "http://127.0.0.1:" + broker.tcpPort() + "/mcp/developer";
    List<String> headers =
        List.of(
            "--header",
            "Authorization: Bearer " + broker.token(),
            "--header",
            "X-Baton-Instance: claude-feedbeef",
            "--header",
            "X-Baton-Workspace: " + repo);
    List<String> list = new ArrayList<>(List.of(url, "--transport", "http"));
    list.addAll(headers);
    list.addAll(List.of("--method", "tools/list"));
    JsonNode tools = inspector(list);
    List<String> names = new ArrayList<>();
    tools.path("tools").forEach(t -> names.add(t.path("name").asString()));
    assertThat(names)
        .contains("whoami", "lease_acquire", "lease_release", "leases", "who", "instances");

    List<String> call = new ArrayList<>(List.of(url, "--transport", "http"));
    call.addAll(headers);
    call.addAll(
        List.of(
            "--method",
            "tools/call",
            "--tool-name",
            "lease_acquire",
            "--tool-arg",
            "paths=[\"README.md\"]",
            "reason=docs"));
    JsonNode granted = inspector(call);
    assertThat(granted.path("isError").asBoolean()).isFalse();
    JsonNode lease =
        JSON.readTree(granted.path("content").get(0).path("text").asString()).path("leases").get(0);
    assertThat(lease.path("holder").asString()).isEqualTo("claude-feedbeef");
    assertThat(lease.path("path").asString()).isEqualTo("README.md");
  }

  @Test
  void theInspectorListsAndCallsToolsThroughTheStdioBridge() throws Exception {
    List<String> bridge = new ArrayList<>();
    for (Map.Entry<String, String> e : sandbox.environment().entrySet()) {
      bridge.add("-e");
      bridge.add(e.getKey() + "=" + e.getValue());
    }
    bridge.addAll(
        List.of(
            "--cwd",
            repo.toString(),
            BrokerSandbox.launcher().toString(),
            "mcp",
            "--role",
            "research"));
    List<String> list = new ArrayList<>(bridge);
    list.addAll(List.of("--method", "tools/list"));
    JsonNode tools = inspector(list);
    assertThat(tools.path("tools").size()).isGreaterThanOrEqualTo(6);

    List<String> whoami = new ArrayList<>(bridge);
    whoami.addAll(List.of("--method", "tools/call", "--tool-name", "whoami"));
    JsonNode me = JSON.readTree(inspector(whoami).path("content").get(0).path("text").asString());
    assertThat(me.path("role").asString()).isEqualTo("research");
    assertThat(me.path("workspace").asString()).isEqualTo(repo.toString());
  }

  @Test
  void theTypeScriptSdksStdioClientStartsBatonMcpWithItsStrippedEnvironmentAndIsServed()
      throws Exception {
    // As 'baton setup' writes it: the socket in the arguments, since the client passes the server
    // no XDG_RUNTIME_DIR or BATON_SOCKET.
    Run r =
        tsClient(
            "whoami",
            BrokerSandbox.launcher().toString(),
            "mcp",
            "--role",
            "research",
            "--socket",
            broker.socket().toString());
    assertThat(r.exitCode).as("stderr: %s", r.stderr).isZero();
    JsonNode answer = JSON.readTree(r.stdout);
    assertThat(answer.path("tools").toString()).contains("\"whoami\"", "\"lease_acquire\"");
    assertThat(answer.path("isError").asBoolean()).isFalse();
    assertThat(answer.path("result").path("role").asString()).isEqualTo("research");
    assertThat(answer.path("result").path("workspace").asString()).isEqualTo(repo.toString());
  }

  @Test
  void everyResultConformsToItsToolsOutputSchemaAsTheTypeScriptSdkChecksIt() throws Exception {
    // The SDK's client fails a call whose structuredContent does not match the tool's
    // outputSchema, or that has an outputSchema and no structuredContent.
    List<Map<String, Object>> calls =
        List.of(
            call("whoami", Map.of()),
            call("instances", Map.of()),
            call("lease_acquire", Map.of("paths", List.of("README.md"), "reason", "docs")),
            call("leases", Map.of("mine", true)),
            call("who", Map.of("path", "README.md")),
            call("lease_release", Map.of("all", true)),
            call("log_decision", Map.of("summary", "outputs are objects")),
            call("search_memory", Map.of("query", "objects")),
            call("inbox", Map.of()),
            call("switch_role", Map.of("role", "research")));
    Run r =
        tsClient(
            JSON.writeValueAsString(calls),
            BrokerSandbox.launcher().toString(),
            "mcp",
            "--role",
            "developer",
            "--socket",
            broker.socket().toString());

    assertThat(r.exitCode).as("stderr: %s", r.stderr).isZero();
    JsonNode results = JSON.readTree(r.stdout).path("results");
    assertThat(results.size()).isEqualTo(calls.size());
    results.forEach(
        result -> assertThat(result.path("isError").asBoolean()).as("%s", result).isFalse());
    assertThat(results.get(2).path("result").path("leases").get(0).path("path").asString())
        .isEqualTo("README.md");
    assertThat(results.get(5).path("result").path("released").size()).isEqualTo(1);
  }

  private static Map<String, Object> call(String name, Map<String, Object> arguments) {
    return Map.of("name", name, "arguments", arguments);
  }

  @Test
  void aLaunchersInstanceGivenToBatonMcpIsTheOneTheClientSpeaksFor() throws Exception {
    // The README's recipe for a client that shares no session key with anything: register an id,
    // and pass it to baton mcp (the client passes it no environment).
    String id =
        sandbox
            .expect(
                0,
                "register",
                "--role",
                "research",
                "--client",
                "myagent",
                "--workspace",
                repo.toString())
            .stdout()
            .strip();
    Run r =
        tsClient(
            "whoami",
            BrokerSandbox.launcher().toString(),
            "mcp",
            "--role",
            "research",
            "--socket",
            broker.socket().toString(),
            "--instance",
            id);
    assertThat(r.exitCode).as("stderr: %s", r.stderr).isZero();
    assertThat(JSON.readTree(r.stdout).path("result").path("id").asString()).isEqualTo(id);
  }

  @Test
  void withoutASocketTheBridgeTriesWhereTheBrokerWouldListenAndSaysWhichPaths() throws Exception {
    Run r = tsClient("whoami", BrokerSandbox.launcher().toString(), "mcp", "--role", "research");
    // This test's broker listens elsewhere (its sandbox), so nothing answers at the defaults.
    assertThat(r.exitCode).as("stdout: %s", r.stdout).isNotZero();
    assertThat(r.stderr)
        .contains("baton broker is not reachable")
        .contains("(tried ")
        .contains("/run/user/")
        .contains("/tmp/baton-")
        .contains("--socket or BATON_SOCKET");
  }

  @Test
  void whenTheBrokerIsDownTheStdioBridgeAnswersWithAnErrorThatSaysSo() throws Exception {
    broker.close();
    List<String> args = new ArrayList<>();
    for (Map.Entry<String, String> e : sandbox.environment().entrySet()) {
      args.add("-e");
      args.add(e.getKey() + "=" + e.getValue());
    }
    args.addAll(
        List.of(
            "--cwd",
            repo.toString(),
            BrokerSandbox.launcher().toString(),
            "mcp",
            "--method",
            "tools/list"));
    Run r = run(args);
    assertThat(r.exitCode).isNotZero();
    assertThat(r.stdout + r.stderr)
        .contains("baton broker is not reachable")
        .contains("baton serve");
  }

  private record Run(int exitCode, String stdout, String stderr) {}

  private JsonNode inspector(List<String> args) throws Exception {
    Run r = run(args);
    assertThat(r.exitCode)
        .as("inspector %s\nstdout: %s\nstderr: %s", args, r.stdout, r.stderr)
        .isZero();
    return JSON.readTree(r.stdout);
  }

  /**
   * Runs {@code src/test/resources/mcp/ts-stdio-client.mjs}: the TypeScript SDK's stdio client
   * starts {@code command} with the SDK's default (stripped) environment, lists tools and makes
   * {@code calls} (a tool name, or a JSON array of {@code {"name", "arguments"}}).
   */
  private Run tsClient(String calls, String... command) throws Exception {
    Path script = Path.of(McpInspectorIT.class.getResource("/mcp/ts-stdio-client.mjs").toURI());
    List<String> args = new ArrayList<>();
    args.add(NpmPackages.node().toString());
    args.add(script.toString());
    args.add(NpmPackages.require().toString());
    args.add(calls);
    args.addAll(List.of(command));
    ProcessBuilder pb = new ProcessBuilder(args).directory(repo.toFile());
    Path out = tmp.resolve("ts-client.out");
    Path err = tmp.resolve("ts-client.err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(
          "the TypeScript client did not finish in 120 s: " + Files.readString(err));
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private Run run(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(NpmPackages.node().toString());
    command.add(NpmPackages.bin("mcp-inspector").toString());
    command.add("--cli");
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile());
    pb.environment().put("MCP_CATALOG_PATH", tmp.resolve("catalog.json").toString());
    pb.environment().put("HOME", sandbox.home().toString());
    Path out = tmp.resolve("inspector.out");
    Path err = tmp.resolve("inspector.err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("the inspector did not finish in 120 s: " + Files.readString(err));
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
