package dev.baton.gateway;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import dev.baton.core.Version;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * One live connection to a downstream server: a process it started (stdio), an HTTP session or a
 * WebSocket, with the SDK's client on top. Calls fail at once with a clear error when the process
 * dies or the WebSocket closes under them, instead of waiting for a timeout. What the server sends
 * while a call runs (log messages, sampling and elicitation requests) goes to that call's {@link
 * Upstream}, and an agent's cancellation is passed on as {@code notifications/cancelled}, which the
 * SDK's client never sends. Thread-safe.
 */
final class Connection {
  private static final org.slf4j.Logger SERVER_LOG =
      org.slf4j.LoggerFactory.getLogger("dev.baton.gateway.server");

  private final DownstreamConfig config;
  private final McpAsyncClient client;
  private final StdioTransport stdio;
  private final WebSocketTransport ws;
  private final Routing routing;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Clock clock;
  private volatile Instant lastUsed;
  private volatile boolean closed;

  private Connection(
      DownstreamConfig config,
      McpAsyncClient client,
      StdioTransport stdio,
      WebSocketTransport ws,
      Routing routing,
      Clock clock) {
    this.config = config;
    this.client = client;
    this.stdio = stdio;
    this.ws = ws;
    this.routing = routing;
    this.clock = clock;
    this.lastUsed = clock.instant();
  }

  /**
   * Starts the server (or opens the HTTP session or the WebSocket) and initialises MCP with it.
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
    WebSocketTransport ws = null;
    McpAsyncClient client;
    Routing routing = new Routing(config.name());
    List<McpSchema.Root> roots = roots(config, vars);
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
        client = clientFor(routing.watch(stdio), config, startTimeout, progress, routing, roots);
      } else if (config.webSocket()) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        config.headers().forEach((k, v) -> headers.put(k, Placeholders.expand(v, vars)));
        ws =
            WebSocketTransport.open(
                config.name(),
                Placeholders.expand(config.url(), vars),
                headers,
                startTimeout,
                json);
        client = clientFor(routing.watch(ws), config, startTimeout, progress, routing, roots);
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
        client = clientFor(routing.watch(http), config, startTimeout, progress, routing, roots);
      }
      Mono<McpSchema.InitializeResult> init = client.initialize();
      if (ws != null) {
        WebSocketTransport socket = ws;
        init =
            Mono.firstWithSignal(
                init,
                Mono.fromFuture(socket.closed(), true)
                    .flatMap(
                        how ->
                            Mono.error(
                                new java.io.IOException(
                                    socket.url() + " " + how + " before answering initialize"))));
      }
      init.block(startTimeout.plusSeconds(1));
      return new Connection(config, client, stdio, ws, routing, clock);
    } catch (RuntimeException | java.io.IOException e) {
      if (stdio != null) {
        stdio.stop();
      }
      if (ws != null) {
        ws.close();
      }
      throw new BatonException(
          ErrorCode.UNAVAILABLE,
          "MCP server '"
              + config.name()
              + (config.stdio() ? "' could not be started: " : "' could not be reached: ")
              + reason(e)
              + (stdio != null && stdio.exited().isDone()
                  ? " (it exited with code " + stdio.exited().getNow(-1) + "; see the broker log)"
                  : ""),
          Map.of("server", config.name()),
          e);
    }
  }

  /** With {@code roots: true}: the directory of the server's scope, as the one root. */
  private static List<McpSchema.Root> roots(DownstreamConfig config, Map<String, String> vars) {
    if (!config.roots()) {
      return null;
    }
    String dir =
        switch (config.scope()) {
          case INSTANCE -> vars.get("worktree");
          case WORKSPACE -> vars.get("workspace");
          case SHARED -> null;
        };
    if (dir == null) {
      return List.of();
    }
    Path path = Path.of(dir);
    return List.of(
        McpSchema.Root.builder(path.toUri().toString())
            .name(path.getFileName() == null ? dir : path.getFileName().toString())
            .build());
  }

  private static McpAsyncClient clientFor(
      McpClientTransport transport,
      DownstreamConfig config,
      Duration startTimeout,
      java.util.function.Consumer<McpSchema.ProgressNotification> progress,
      Routing routing,
      List<McpSchema.Root> roots) {
    McpClient.AsyncSpec spec =
        McpClient.async(transport)
            .progressConsumer(
                n -> {
                  progress.accept(n);
                  return Mono.empty();
                })
            .loggingConsumer(
                n -> {
                  routing.log(n);
                  return Mono.empty();
                })
            .sampling(r -> routing.ask("sampling", u -> u.sample(r)))
            .elicitation(r -> routing.ask("elicitation", u -> u.elicit(r)))
            .urlElicitation(r -> routing.ask("elicitation", u -> u.elicit(r)))
            .clientInfo(McpSchema.Implementation.builder("baton", Version.current()).build())
            .requestTimeout(config.callTimeout())
            .initializationTimeout(startTimeout);
    if (roots != null) {
      spec.roots(roots);
    }
    return spec.build();
  }

  /** The server's tools, every page; empty when it has none (e.g. it offers only resources). */
  List<McpSchema.Tool> listTools(Duration timeout) {
    if (client.getServerCapabilities() == null || client.getServerCapabilities().tools() == null) {
      return List.of();
    }
    List<McpSchema.Tool> tools = new ArrayList<>();
    String cursor = null;
    do {
      McpSchema.ListToolsResult page =
          guarded(
              cursor == null ? client.listTools() : client.listTools(cursor),
              timeout,
              "tools/list",
              true,
              null);
      tools.addAll(page.tools());
      cursor = page.nextCursor();
    } while (cursor != null && !cursor.isEmpty());
    return tools;
  }

  /** Calls a tool for an agent; the server's messages during the call go to {@code upstream}. */
  McpSchema.CallToolResult call(McpSchema.CallToolRequest request, Upstream upstream) {
    if (upstream == null) {
      return guarded(
          client.callTool(request),
          config.callTimeout(),
          "the call of " + request.name(),
          true,
          null);
    }
    Sinks.Empty<McpSchema.CallToolResult> cancelled = Sinks.empty();
    routing.begin(request, upstream);
    upstream.onCancel(
        () -> {
          routing.cancel(request, "cancelled by the agent");
          cancelled.tryEmitError(
              new BatonException(
                  ErrorCode.UNAVAILABLE,
                  "the call of " + request.name() + " was cancelled",
                  Map.of("server", config.name())));
        });
    try {
      return guarded(
          client.callTool(request),
          config.callTimeout(),
          "the call of " + request.name(),
          true,
          cancelled.asMono());
    } finally {
      routing.end(request, upstream);
    }
  }

  /** The server's resources, every page; empty when it has none. */
  List<McpSchema.Resource> listResources(Duration timeout) {
    if (client.getServerCapabilities() == null
        || client.getServerCapabilities().resources() == null) {
      return List.of();
    }
    List<McpSchema.Resource> out = new ArrayList<>();
    String cursor = null;
    do {
      McpSchema.ListResourcesResult page =
          orNone(
              cursor == null ? client.listResources() : client.listResources(cursor),
              timeout,
              "resources/list");
      if (page == null) {
        return out;
      }
      out.addAll(page.resources());
      cursor = page.nextCursor();
    } while (cursor != null && !cursor.isEmpty());
    return out;
  }

  /** The server's resource templates, every page; empty when it has none. */
  List<McpSchema.ResourceTemplate> listResourceTemplates(Duration timeout) {
    if (client.getServerCapabilities() == null
        || client.getServerCapabilities().resources() == null) {
      return List.of();
    }
    List<McpSchema.ResourceTemplate> out = new ArrayList<>();
    String cursor = null;
    do {
      McpSchema.ListResourceTemplatesResult page =
          orNone(
              cursor == null
                  ? client.listResourceTemplates()
                  : client.listResourceTemplates(cursor),
              timeout,
              "resources/templates/list");
      if (page == null) {
        return out;
      }
      out.addAll(page.resourceTemplates());
      cursor = page.nextCursor();
    } while (cursor != null && !cursor.isEmpty());
    return out;
  }

  /** The server's prompts, every page; empty when it has none. */
  List<McpSchema.Prompt> listPrompts(Duration timeout) {
    if (client.getServerCapabilities() == null
        || client.getServerCapabilities().prompts() == null) {
      return List.of();
    }
    List<McpSchema.Prompt> out = new ArrayList<>();
    String cursor = null;
    do {
      McpSchema.ListPromptsResult page =
          orNone(
              cursor == null ? client.listPrompts() : client.listPrompts(cursor),
              timeout,
              "prompts/list");
      if (page == null) {
        return out;
      }
      out.addAll(page.prompts());
      cursor = page.nextCursor();
    } while (cursor != null && !cursor.isEmpty());
    return out;
  }

  /**
   * A listing of resources or prompts, or null when the server answers it with an error. Some
   * declare a capability without all its methods ({@code server-postgres} 0.6.2 has resources but
   * no {@code resources/templates/list}) or fail to list it (the same server lists its database's
   * tables as resources, and fails while the database is down): neither must cost the server its
   * tools. A timeout or an exit still fails the listing.
   */
  private <T> T orNone(Mono<T> request, Duration timeout, String what) {
    try {
      return guarded(request, timeout, what, true, null);
    } catch (io.modelcontextprotocol.spec.McpError e) {
      if (e.getJsonRpcError() != null
          && e.getJsonRpcError().code() == McpSchema.ErrorCodes.METHOD_NOT_FOUND) {
        SERVER_LOG.debug("MCP server '{}' does not answer {}: taken as none", config.name(), what);
      } else {
        SERVER_LOG.warn(
            "MCP server '{}' failed {}, taken as none: {}", config.name(), what, e.getMessage());
      }
      return null;
    }
  }

  McpSchema.ReadResourceResult readResource(McpSchema.ReadResourceRequest request) {
    return guarded(
        client.readResource(request),
        config.callTimeout(),
        "the read of " + request.uri(),
        true,
        null);
  }

  McpSchema.GetPromptResult getPrompt(McpSchema.GetPromptRequest request) {
    return guarded(
        client.getPrompt(request),
        config.callTimeout(),
        "the prompt " + request.name(),
        true,
        null);
  }

  void ping(Duration timeout) {
    guarded(client.ping(), timeout, "ping", false, null); // a ping does not count as use
  }

  /**
   * Runs a request; fails at once if the process dies or {@code stop} signals, and after {@code
   * timeout} otherwise.
   */
  private <T> T guarded(Mono<T> request, Duration timeout, String what, boolean use, Mono<T> stop) {
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
      if (ws != null) {
        Mono<T> lost =
            Mono.fromFuture(ws.closed(), true)
                .flatMap(
                    how ->
                        Mono.error(
                            new BatonException(
                                ErrorCode.UNAVAILABLE,
                                "MCP server '"
                                    + config.name()
                                    + "' at "
                                    + ws.url()
                                    + " "
                                    + how
                                    + " during "
                                    + what
                                    + "; baton connects again on the next call",
                                Map.of("server", config.name()))));
        answer = Mono.firstWithSignal(answer, lost);
      }
      if (stop != null) {
        answer = Mono.firstWithSignal(answer, stop);
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

  /** True while the process runs, or the WebSocket is open (always true for HTTP until closed). */
  boolean alive() {
    return !closed && (stdio == null || stdio.alive()) && (ws == null || ws.open());
  }

  /** What ended a connection that is not {@link #alive()}: "has exited", "closed the ...". */
  String end() {
    if (ws != null && !ws.open()) {
      return "at " + ws.url() + " " + ws.closed().getNow("closed");
    }
    return "has exited";
  }

  /** The process id, or -1 for HTTP and WebSocket. */
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

  /**
   * The calls running on one connection, and the JSON-RPC id each was sent under (the SDK's client
   * keeps its ids to itself, so the transport is watched for them).
   */
  private static final class Routing {
    private static final Object UNSENT = new Object();

    private final String server;
    private final Deque<Upstream> calls = new ConcurrentLinkedDeque<>();
    private final Map<McpSchema.CallToolRequest, Object> ids =
        Collections.synchronizedMap(new IdentityHashMap<>());
    private volatile McpClientTransport transport;

    Routing(String server) {
      this.server = server;
    }

    McpClientTransport watch(McpClientTransport delegate) {
      transport = new Watched(delegate, this);
      return transport;
    }

    void begin(McpSchema.CallToolRequest request, Upstream upstream) {
      ids.put(request, UNSENT);
      calls.addLast(upstream);
    }

    void end(McpSchema.CallToolRequest request, Upstream upstream) {
      ids.remove(request);
      calls.removeLastOccurrence(upstream);
    }

    void sent(McpSchema.JSONRPCRequest message) {
      if (message.params() instanceof McpSchema.CallToolRequest r) {
        ids.replace(r, UNSENT, message.id());
      }
    }

    /** Tells the server to stop the call, when it was sent and has not ended. */
    void cancel(McpSchema.CallToolRequest request, String reason) {
      Object id = ids.remove(request);
      if (id == null || id == UNSENT) {
        return;
      }
      Map<String, Object> params = new java.util.LinkedHashMap<>();
      params.put("requestId", id);
      params.put("reason", reason);
      transport
          .sendMessage(
              new McpSchema.JSONRPCNotification(
                  McpSchema.JSONRPC_VERSION, "notifications/cancelled", params))
          .subscribe(
              v -> {},
              e ->
                  SERVER_LOG.debug(
                      "[{}] could not send the cancellation: {}", server, e.getMessage()));
    }

    void log(McpSchema.LoggingMessageNotification n) {
      Upstream to = calls.peekLast();
      if (to != null) {
        to.log(n);
      } else {
        SERVER_LOG.info(
            "[{}] {} {}{}",
            server,
            n.level() == null ? "" : n.level().name().toLowerCase(java.util.Locale.ROOT),
            n.logger() == null ? "" : n.logger() + ": ",
            n.data());
      }
    }

    /** Passes a request of the server to the agent of the latest running call. */
    <T> Mono<T> ask(String what, Function<Upstream, T> request) {
      Upstream to = calls.peekLast();
      if (to == null) {
        return Mono.error(
            McpError.builder(McpSchema.ErrorCodes.INVALID_REQUEST)
                .message(
                    "baton relays "
                        + what
                        + " only to the agent of a running tool call, and none is running")
                .build());
      }
      return Mono.fromCallable(() -> request.apply(to))
          .subscribeOn(Schedulers.boundedElastic())
          .onErrorMap(
              e -> !(e instanceof McpError),
              e ->
                  McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR)
                      .message(e.getMessage() == null ? e.toString() : e.getMessage())
                      .build());
    }
  }

  /** A transport that tells {@link Routing} the id of each request it sends. */
  private static final class Watched implements McpClientTransport {
    private final McpClientTransport delegate;
    private final Routing routing;

    Watched(McpClientTransport delegate, Routing routing) {
      this.delegate = delegate;
      this.routing = routing;
    }

    @Override
    public Mono<Void> connect(
        Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
      return delegate.connect(handler);
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
      delegate.setExceptionHandler(handler);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
      if (message instanceof McpSchema.JSONRPCRequest r) {
        routing.sent(r);
      }
      return delegate.sendMessage(message);
    }

    @Override
    public Mono<Void> closeGracefully() {
      return delegate.closeGracefully();
    }

    @Override
    public void close() {
      delegate.close();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
      return delegate.unmarshalFrom(data, type);
    }

    @Override
    public List<String> protocolVersions() {
      return delegate.protocolVersions();
    }
  }
}
