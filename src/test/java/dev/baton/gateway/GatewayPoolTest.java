package dev.baton.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigLoader;
import dev.baton.mcp.McpEndpoints;
import dev.baton.testing.NpmPackages;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** A pool of a real stdio server (server-everything from npm) under many calls at once. */
class GatewayPoolTest {
  @TempDir Path dir;

  /**
   * The MCP SDK's server runs tool calls on Reactor's bounded elastic threads, as many at once as
   * it has threads. The pool used to start a server while holding its lock, and the start's first
   * write (initialize) needed one of those same threads: with every thread waiting for the lock,
   * each call to the server stalled until the start timed out (found by bench/run-load).
   */
  @Test
  void callsOnTheSdksThreadsAllGetAnswersWhileThePoolStartsMoreProcesses() throws Exception {
    Path node = NpmPackages.node();
    Path everything =
        NpmPackages.require()
            .resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    Path file = dir.resolve("baton.yaml");
    Files.writeString(
        file,
        "gateway:\n  start-timeout: 20s\n"
            + "servers:\n  everything:\n    command: "
            + node
            + "\n    args: ["
            + everything
            + ", stdio]\n    pool: 4\n"
            + "roles:\n  developer:\n    servers: [everything]\n");
    BatonConfig config =
        new ConfigLoader(Map.of("BATON_CONFIG", file.toString()), dir.resolve("home"), 1)
            .load(ConfigLoader.Overrides.none())
            .config();
    try (Gateway gateway =
        new Gateway(
            config.gateway(), McpEndpoints.mapper(), dir.resolve("scratch"), Clock.systemUTC())) {
      assertThat(gateway.tools("developer"))
          .extracting(Gateway.CatalogTool::name)
          .contains("everything__echo");
      int calls = 2 * Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE;
      List<Mono<String>> all = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        String message = "call " + i;
        all.add(
            Mono.fromCallable(() -> echo(gateway, message))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorResume(e -> Mono.just(message + " failed: " + e.getMessage())));
      }

      List<String> answers = Flux.merge(all).collectList().block(Duration.ofMinutes(3));

      List<String> expected = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        expected.add("Echo: call " + i);
      }
      assertThat(answers).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(gateway.processesByServer().get("everything"))
          .as("the pool grew to its size")
          .isGreaterThan(1);
    }
  }

  private static String echo(Gateway gateway, String message) {
    McpSchema.CallToolResult r =
        gateway.call("developer", "everything__echo", Map.of("message", message), null, null, null);
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }
}
