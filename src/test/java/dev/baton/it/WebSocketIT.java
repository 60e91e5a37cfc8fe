package dev.baton.it;

import static dev.baton.it.McpClients.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.client.BrokerClient;
import dev.baton.testing.GitRepos;
import dev.baton.testing.NpmPackages;
import dev.baton.testing.Processes;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A downstream MCP server reached over WebSocket ({@code url: ws://...}), brokered by a real broker
 * process: {@code server-everything} from the npm registry behind {@code supergateway}, the usual
 * bridge from stdio to WebSocket, both from the npm registry. Listing, calls, the pool sized by
 * {@code WS_POOL}, and a server that dies during a call, is down, and comes back.
 */
class WebSocketIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  private BrokerSandbox sandbox;
  private BrokerProcess broker;
  private Path repo;
  private int port;
  private String url;
  private Process gateway;
  private int gateways;
  private final McpClients clients = new McpClients();

  @BeforeEach
  void start() {
    Path supergateway = NpmPackages.require().resolve("node_modules/supergateway/dist/index.js");
    if (!java.nio.file.Files.exists(supergateway)) {
      // A node_modules linked from a checkout whose package-lock.json predates supergateway.
      String message =
          supergateway
              + " is missing; run 'npm ci --prefix mcp-servers' (package-lock.json has it)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("CI=true and " + message);
      }
      org.junit.jupiter.api.Assumptions.abort(message);
    }
    repo = GitRepos.create(tmp.resolve("repo"));
    port = freePort();
    url = "ws://127.0.0.1:" + port + "/message";
    gateway = startGateway();
    String config =
        "gateway:\n  list-wait: 60s # these tests list what the server offers\n"
            + "servers:\n  ws:\n    url: "
            + url
            + "\n    headers: {X-Test: yes}\n"
            + "roles:\n  developer:\n    servers: [ws]\n";
    sandbox = BrokerSandbox.in(tmp.resolve("b")).withEnv("WS_POOL", "3");
    broker = sandbox.start("--config", sandbox.writeConfig("baton.yaml", config).toString());
  }

  @AfterEach
  void stop() {
    clients.close();
    broker.close();
    kill(gateway);
  }

  @Test
  void aWebSocketServersToolsAreListedAndCalledThroughBatonInAPoolSizedByWsPool() throws Exception {
    McpSyncClient agent = connect("claude-0000ws01");

    List<String> tools = agent.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    assertThat(tools).contains("whoami", "ws__echo", "ws__get-sum", "ws__get-tiny-image");
    assertThat(text(agent.callTool(call("ws__echo", Map.of("message", "héllo\nworld")))))
        .isEqualTo("Echo: héllo\nworld");
    assertThat(text(agent.callTool(call("ws__get-sum", Map.of("a", 2, "b", 40.5)))))
        .contains("42.5");
    McpSchema.CallToolResult bad = agent.callTool(call("ws__get-sum", Map.of("a", "x")));
    assertThat(bad.isError()).as("the server's own error comes back as it is").isTrue();
    // Calls at once: each answer reaches its own caller, over up to three connections.
    List<CompletableFuture<String>> parallel = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String message = "parallel " + i;
      parallel.add(
          CompletableFuture.supplyAsync(
              () -> text(agent.callTool(call("ws__echo", Map.of("message", message))))));
    }
    for (int i = 0; i < 6; i++) {
      assertThat(parallel.get(i).get(60, TimeUnit.SECONDS)).isEqualTo("Echo: parallel " + i);
    }

    assertThat(metric("baton_gateway_pool_size{server=\"ws\"}"))
        .as("one shared pool of WS_POOL=3 connections")
        .isEqualTo(3.0);
    assertThat(metric("baton_gateway_pool_in_use{server=\"ws\"}")).isEqualTo(0.0);
    assertThat(metric("baton_gateway_pool_waiters{server=\"ws\"}")).isEqualTo(0.0);
    assertThat(metric("baton_gateway_call_duration_seconds_count{server=\"ws\",tool=\"echo\"}"))
        .isEqualTo(7.0);
    Processes.Result printed = sandbox.expect(0, "serve", "--print-config");
    assertThat(printed.stdout()).containsPattern("(?m)^  ws-pool: 3 +# WS_POOL$");
  }

  @Test
  void aServerKilledDuringACallFailsItNamingTheUrlAndARestartedOneServesTheNextCall()
      throws Exception {
    McpSyncClient agent = connect("claude-0000ws02");
    assertThat(text(agent.callTool(call("ws__echo", Map.of("message", "up"))))).contains("up");
    // The server reports progress once a second while the call runs: the first report shows that
    // the call is in the server, so the kill below lands during it, however slow the machine.
    CountDownLatch inServer = new CountDownLatch(1);
    McpSyncClient watched =
        clients.connect(
            broker,
            "developer",
            "claude-0000ws02",
            repo,
            s -> s.progressConsumer(p -> inServer.countDown()));
    CompletableFuture<McpSchema.CallToolResult> longCall =
        CompletableFuture.supplyAsync(
            () ->
                watched.callTool(
                    McpSchema.CallToolRequest.builder("ws__trigger-long-running-operation")
                        .arguments(Map.of("duration", 30, "steps", 30))
                        .progressToken("long-ws")
                        .build()));
    assertThat(inServer.await(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("progress of the long call within %s", WAIT)
        .isTrue();

    long killed = System.nanoTime();
    kill(gateway);
    McpSchema.CallToolResult failed = longCall.get(15, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(10));
    assertThat(failed.isError()).isTrue();
    assertThat(text(failed))
        .startsWith("MCP server 'ws' at " + url + " ")
        .contains("during the call of trigger-long-running-operation")
        .endsWith("baton connects again on the next call");

    McpSchema.CallToolResult down = agent.callTool(call("ws__echo", Map.of("message", "down")));
    assertThat(down.isError()).isTrue();
    assertThat(text(down))
        .startsWith("MCP server 'ws' could not be reached: cannot connect to " + url + ": ");

    gateway = startGateway();
    assertThat(text(agent.callTool(call("ws__echo", Map.of("message", "back")))))
        .isEqualTo("Echo: back");
    assertThat(metric("baton_gateway_restarts_total{server=\"ws\"}")).isEqualTo(1.0);
  }

  private McpSyncClient connect(String instance) {
    return clients.connect(broker, "developer", instance, repo, UnaryOperator.identity());
  }

  /**
   * supergateway on {@link #port}, relaying {@code /message} to server-everything over stdio; its
   * standard input is {@code /dev/null}, since it stops when a pipe there closes.
   */
  private Process startGateway() {
    Path npm = NpmPackages.require();
    String node = NpmPackages.node().toString();
    Path everything =
        npm.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    try {
      Process p =
          new ProcessBuilder(
                  node,
                  npm.resolve("node_modules/supergateway/dist/index.js").toString(),
                  "--stdio",
                  node + " " + everything + " stdio",
                  "--outputTransport",
                  "ws",
                  "--port",
                  Integer.toString(port),
                  "--messagePath",
                  "/message")
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("supergateway-" + ++gateways + ".log").toFile())
              .start();
      long end = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < end && p.isAlive()) {
        try {
          new Socket(InetAddress.getLoopbackAddress(), port).close();
          return p;
        } catch (IOException e) {
          Thread.sleep(100);
        }
      }
      kill(p);
      throw new AssertionError("supergateway did not listen on " + port + " within " + WAIT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Kills supergateway and the server it started (in a process group of its own) at once. */
  private static void kill(Process p) {
    if (p == null) {
      return;
    }
    List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
    all.add(p.toHandle());
    all.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("process " + h.pid() + " did not end within 10 s", e);
      }
    }
  }

  /** One series' value in the broker's {@code /metrics}; 0 for a series not (yet) there. */
  private double metric(String series) {
    try (BrokerClient c = broker.unixClient()) {
      String metrics = c.send("GET", "/metrics", Map.of("Accept", "text/plain"), null).bodyText();
      Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
      return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }
  }

  private static int freePort() {
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return free.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static McpSchema.CallToolRequest call(String tool, Map<String, Object> args) {
    return McpSchema.CallToolRequest.builder(tool).arguments(args).build();
  }
}
