package dev.baton.gateway;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import dev.baton.core.Version;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * One live connection to a downstream server: a process it started (stdio) or an HTTP session, with
 * the SDK's client on top. Calls fail at once with a clear error when the process dies under them,
 * instead of waiting for a timeout. Thread-safe.
 */
final class Connection {
  private final DownstreamConfig config;
  private final McpAsyncClient client;
  private final StdioTransport stdio;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Clock clock;
  private volatile Instant lastUsed;
  private volatile boolean closed;

  private Connection(
      DownstreamConfig config, McpAsyncClient client, StdioTransport stdio, Clock clock) {
    this.config = config;
    this.client = client;
    this.stdio = stdio;
    this.clock = clock;
    this.lastUsed = clock.instant();
  }

  /**
   * Starts the server (or opens the HTTP session) and initialises MCP with it.
   *
   * @param vars the values of {@code ${workspace}}, {@code ${worktree}}, {@code ${instance}} and
   *     {@code ${role}} for this connection
   * @throws BatonException naming the server and the reason when it cannot be started
   */
  static Connection open(
      DownstreamConfig config,
      Map<String, String> vars,
      McpJsonMapper json,
      Duration startTimeout,
      Clock clock,
      java.util.function.Consumer<McpSchema.ProgressNotification> progress) {
    StdioTransport stdio = null;
    McpAsyncClient client;
    try {
      if (config.stdio()) {
        List<String> command = new ArrayList<>();
        command.add(Placeholders.expand(config.command(), vars));
        for (String a : config.args()) {
          command.add(Placeholders.expand(a, vars));
        }
        Map<String, String> env = new java.util.LinkedHashMap<>();
        config.env().forEach((k, v) -> env.put(k, Placeholders.expand(v, vars)));
        Path cwd = config.cwd() == null ? null : Path.of(Placeholders.expand(config.cwd(), vars));
        stdio = StdioTransport.start(config.name(), command, env, cwd, json);
        client = clientFor(stdio, config, startTimeout, progress);
      } else {
        URI url = URI.create(Placeholders.expand(config.url(), vars));
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        config.headers().forEach((k, v) -> headers.put(k, Placeholders.expand(v, vars)));
        HttpClientStreamableHttpTransport http =
            HttpClientStreamableHttpTransport.builder(url.getScheme() + "://" + url.getAuthority())
                .endpoint(
                    url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                .jsonMapper(json)
                .addHttpRequestCustomizer(
                    (builder, method, uri, body, context) -> headers.forEach(builder::header))
                .build();
        client = clientFor(http, config, startTimeout, progress);
      }
      client.initialize().block(startTimeout.plusSeconds(1));
      return new Connection(config, client, stdio, clock);
    } catch (RuntimeException | java.io.IOException e) {
      if (stdio != null) {
        stdio.stop();
      }
      throw new BatonException(
          ErrorCode.UNAVAILABLE,
          "MCP server '"
              + config.name()
              + "' could not be started: "
              + reason(e)
              + (stdio != null && stdio.exited().isDone()
                  ? " (it exited with code " + stdio.exited().getNow(-1) + "; see the broker log)"
                  : ""),
          Map.of("server", config.name()),
          e);
    }
  }

  private static McpAsyncClient clientFor(
      io.modelcontextprotocol.spec.McpClientTransport transport,
      DownstreamConfig config,
      Duration startTimeout,
      java.util.function.Consumer<McpSchema.ProgressNotification> progress) {
    return McpClient.async(transport)
        .progressConsumer(
            n -> {
              progress.accept(n);
              return Mono.empty();
            })
        .clientInfo(McpSchema.Implementation.builder("baton", Version.current()).build())
        .requestTimeout(config.callTimeout())
        .initializationTimeout(startTimeout)
        .build();
  }

  /** The server's tools, every page. */
  List<McpSchema.Tool> listTools(Duration timeout) {
    List<McpSchema.Tool> tools = new ArrayList<>();
    String cursor = null;
    do {
      McpSchema.ListToolsResult page =
          guarded(
              cursor == null ? client.listTools() : client.listTools(cursor),
              timeout,
              "tools/list",
              true);
      tools.addAll(page.tools());
      cursor = page.nextCursor();
    } while (cursor != null && !cursor.isEmpty());
    return tools;
  }

  McpSchema.CallToolResult call(McpSchema.CallToolRequest request) {
    return guarded(
        client.callTool(request), config.callTimeout(), "the call of " + request.name(), true);
  }

  void ping(Duration timeout) {
    guarded(client.ping(), timeout, "ping", false); // a ping does not count as use
  }

  /** Runs a request; fails at once if the process dies, and after {@code timeout} otherwise. */
  private <T> T guarded(Mono<T> request, Duration timeout, String what, boolean use) {
    inFlight.incrementAndGet();
    if (use) {
      lastUsed = clock.instant();
    }
    try {
      Mono<T> answer = request.timeout(timeout);
      if (stdio != null) {
        CompletableFuture<Integer> exit = stdio.exited();
        Mono<T> death =
            // suppressCancel: when the answer wins, the race must not cancel the exit future.
            Mono.fromFuture(exit, true)
                .flatMap(
                    code ->
                        Mono.error(
                            new BatonException(
                                ErrorCode.UNAVAILABLE,
                                "MCP server '"
                                    + config.name()
                                    + "' exited with code "
                                    + code
                                    + " during "
                                    + what
                                    + "; it is started again on the next call",
                                Map.of("server", config.name()))));
        answer = Mono.firstWithSignal(answer, death);
      }
      return answer.block();
    } catch (BatonException e) {
      throw e;
    } catch (RuntimeException e) {
      if (e instanceof io.modelcontextprotocol.spec.McpError) {
        throw e;
      }
      if (isTimeout(e)) {
        throw new BatonException(
            ErrorCode.UNAVAILABLE,
            "MCP server '"
                + config.name()
                + "' did not answer "
                + what
                + " within "
                + timeout.toSeconds()
                + " s",
            Map.of("server", config.name()),
            e);
      }
      throw new BatonException(
          ErrorCode.UNAVAILABLE,
          "MCP server '" + config.name() + "' failed during " + what + ": " + reason(e),
          Map.of("server", config.name()),
          e);
    } finally {
      inFlight.decrementAndGet();
      if (use) {
        lastUsed = clock.instant();
      }
    }
  }

  private static boolean isTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.util.concurrent.TimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null
        && (t.getMessage() == null
            || t.getClass().getName().startsWith("reactor.core.Exceptions"))) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  int inFlight() {
    return inFlight.get();
  }

  Instant lastUsed() {
    return lastUsed;
  }

  /** True while the process runs (always true for HTTP until closed). */
  boolean alive() {
    return !closed && (stdio == null || stdio.alive());
  }

  /** The process id, or -1 for HTTP. */
  long pid() {
    return stdio == null ? -1 : stdio.pid();
  }

  /** Ends the connection; for stdio, the whole process group. Idempotent. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (stdio != null) {
      stdio.stop();
      client.close();
    } else {
      try {
        client.closeGracefully().block(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        client.close();
      }
    }
  }
}
