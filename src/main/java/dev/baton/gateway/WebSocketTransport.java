package dev.baton.gateway;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * MCP over one WebSocket ({@code ws://} or {@code wss://}), on the JDK's own client: one JSON-RPC
 * message per text frame and the subprotocol {@code mcp}, as the TypeScript SDK's {@code
 * WebSocketClientTransport} does. The configured headers go on the handshake.
 *
 * <p>Requests go out under ids of their own, 1, 2, 3..., and answers come back under the SDK's:
 * supergateway, the usual bridge from stdio to WebSocket, keeps only the leading digits of an id
 * (the TypeScript SDK counts with integers), which turns the SDK's {@code "3f2a1b9c-7"} into 3.
 *
 * <p>{@link #closed()} completes, with what happened, when the server closes the connection or it
 * breaks, so that calls in flight fail at once instead of waiting for their timeout.
 */
final class WebSocketTransport implements McpClientTransport {
  private static final Logger LOG = LoggerFactory.getLogger("dev.baton.gateway.server");
  static final String SUBPROTOCOL = "mcp";

  /** A message longer than this (in characters) closes the connection. */
  private static final int MAX_MESSAGE_CHARS = 64 << 20;

  /**
   * One client for every WebSocket: on Java 17 an {@link HttpClient} cannot be closed, and each
   * keeps a selector thread until it is collected.
   */
  private static final HttpClient HTTP = HttpClient.newBuilder().build();

  private final String server;
  private final URI url;
  private final McpJsonMapper json;
  private final Sinks.Many<McpSchema.JSONRPCMessage> inbound =
      Sinks.many().unicast().onBackpressureBuffer();
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private final AtomicLong nextId = new AtomicLong(1);

  /** The SDK's id of each request in flight, by the id it went out under; and the reverse. */
  private final Map<Long, Object> sdkIds = new ConcurrentHashMap<>();

  private final Map<Object, Long> wireIds = new ConcurrentHashMap<>();
  private final Object sendLock = new Object();
  private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);
  private volatile WebSocket socket;
  private volatile boolean closing;
  private volatile Consumer<Throwable> exceptionHandler = t -> {};

  private WebSocketTransport(String server, URI url, McpJsonMapper json) {
    this.server = server;
    this.url = url;
    this.json = json;
  }

  /**
   * Opens the WebSocket: connects and completes the handshake within {@code timeout}.
   *
   * @throws IOException naming the URL when the server is down, refuses the upgrade or does not
   *     answer in time
   * @throws IllegalArgumentException naming the URL or header when either cannot be used
   */
  static WebSocketTransport open(
      String server, String url, Map<String, String> headers, Duration timeout, McpJsonMapper json)
      throws IOException {
    URI uri = uri(url);
    WebSocketTransport transport = new WebSocketTransport(server, uri, json);
    WebSocket.Builder builder =
        HTTP.newWebSocketBuilder().connectTimeout(timeout).subprotocols(SUBPROTOCOL);
    headers.forEach(
        (name, value) -> {
          try {
            builder.header(name, value);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "the header '" + name + "' cannot be sent on the WebSocket handshake with " + url,
                e);
          }
        });
    try {
      transport.socket =
          builder
              .buildAsync(uri, transport.new Listener())
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return transport;
    } catch (ExecutionException e) {
      throw new IOException(failure(url, e.getCause()), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException(
          "no WebSocket handshake with " + url + " within " + timeout.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while opening a WebSocket to " + url, e);
    }
  }

  /** A {@code ws://} or {@code wss://} URL with a host and without a fragment, as a URI. */
  static URI uri(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("'" + url + "' is not a valid URL: " + e.getMessage(), e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("ws") && !scheme.equals("wss")) {
      throw new IllegalArgumentException("'" + url + "' is not a ws:// or wss:// URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("'" + url + "' names no host");
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "'" + url + "' has a fragment (#...), which a WebSocket URL cannot have");
    }
    return uri;
  }

  private static String failure(String url, Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof WebSocketHandshakeException h) {
        return url + " refused the WebSocket upgrade with HTTP " + h.getResponse().statusCode();
      }
      if (t instanceof IllegalArgumentException
          && String.valueOf(t.getMessage()).contains("header")) {
        return "cannot open a WebSocket to "
            + url
            + ": "
            + t.getMessage()
            + " (the handshake sets it itself; remove it from 'headers')";
      }
      if (t instanceof java.net.ConnectException) {
        return "cannot connect to "
            + url
            + ": "
            + (t.getMessage() == null ? "connection refused" : t.getMessage());
      }
    }
    Throwable t = cause;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    return "cannot open a WebSocket to "
        + url
        + ": "
        + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
  }

  URI url() {
    return url;
  }

  /** True until the connection closes or breaks. */
  boolean open() {
    return !closed.isDone();
  }

  /** Completes with what happened (e.g. "closed the connection (1006)") when the socket ends. */
  CompletableFuture<String> closed() {
    return closed;
  }

  @Override
  public Mono<Void> connect(
      Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
    return Mono.fromRunnable(
        () -> inbound.asFlux().concatMap(m -> Mono.just(m).transform(handler)).subscribe());
  }

  @Override
  public void setExceptionHandler(Consumer<Throwable> handler) {
    this.exceptionHandler = handler;
  }

  @Override
  public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
    return Mono.defer(
        () -> {
          String text;
          try {
            text = json.writeValueAsString(outgoing(message));
          } catch (IOException e) {
            return Mono.error(e);
          }
          return Mono.fromFuture(send(text)).then();
        });
  }

  /** Sends one text frame once the previous one has gone: the JDK allows one send at a time. */
  private CompletableFuture<WebSocket> send(String text) {
    synchronized (sendLock) {
      if (closed.isDone()) {
        return CompletableFuture.failedFuture(
            new IOException(
                "the WebSocket to " + url + " is closed: " + closed.getNow("closed by baton")));
      }
      CompletableFuture<WebSocket> next =
          lastSend.handle((v, e) -> null).thenCompose(v -> socket.sendText(text, true));
      lastSend = next;
      return next;
    }
  }

  /** A request under an id of its own; a cancellation naming it under that id. */
  private McpSchema.JSONRPCMessage outgoing(McpSchema.JSONRPCMessage message) {
    if (message instanceof McpSchema.JSONRPCRequest r && r.id() != null) {
      long id = nextId.getAndIncrement();
      sdkIds.put(id, r.id());
      wireIds.put(r.id(), id);
      return new McpSchema.JSONRPCRequest(r.jsonrpc(), r.method(), id, r.params());
    }
    if (message instanceof McpSchema.JSONRPCNotification n
        && "notifications/cancelled".equals(n.method())
        && n.params() instanceof Map<?, ?> params
        && params.get("requestId") != null
        && wireIds.containsKey(params.get("requestId"))) {
      Map<Object, Object> renamed = new LinkedHashMap<>(params);
      renamed.put("requestId", wireIds.get(params.get("requestId")));
      return new McpSchema.JSONRPCNotification(n.jsonrpc(), n.method(), renamed);
    }
    return message;
  }

  private void receive(String text) {
    McpSchema.JSONRPCMessage message;
    try {
      message = McpSchema.deserializeJsonRpcMessage(json, text);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "[{}] skipped a WebSocket message that is not JSON-RPC: {}",
          server,
          text.length() > 200 ? text.substring(0, 200) + "..." : text);
      return;
    }
    if (message instanceof McpSchema.JSONRPCResponse r && r.id() instanceof Number n) {
      Object sdkId = sdkIds.remove(n.longValue());
      if (sdkId != null) {
        wireIds.remove(sdkId);
        message = new McpSchema.JSONRPCResponse(r.jsonrpc(), sdkId, r.result(), r.error());
      }
    }
    inbound.tryEmitNext(message);
  }

  private void ended(String what, Throwable error) {
    if (closed.complete(what)) {
      inbound.tryEmitComplete();
      if (error != null && !closing) {
        exceptionHandler.accept(error);
      }
    }
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.defer(
        () -> {
          closing = true;
          WebSocket ws = socket;
          if (ws == null || closed.isDone()) {
            close();
            return Mono.empty();
          }
          return Mono.fromFuture(
                  ws.sendClose(WebSocket.NORMAL_CLOSURE, "").thenCompose(w -> closed), true)
              .timeout(Duration.ofSeconds(2))
              .onErrorResume(e -> Mono.empty())
              .doFinally(s -> close())
              .then();
        });
  }

  @Override
  public void close() {
    closing = true;
    WebSocket ws = socket;
    if (ws != null) {
      ws.abort();
    }
    ended("closed by baton", null);
  }

  @Override
  public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
    return json.convertValue(data, typeRef);
  }

  /** Gathers a message's frames and hands each whole message on, one at a time. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (text.length() > MAX_MESSAGE_CHARS) {
        text.setLength(0);
        webSocket.sendClose(1009, "message too big");
        ended(
            "sent a message longer than " + MAX_MESSAGE_CHARS + " characters",
            new IOException(url + " sent a message longer than " + MAX_MESSAGE_CHARS));
        webSocket.abort();
        return null;
      }
      if (last) {
        String whole = text.toString();
        text.setLength(0);
        receive(whole);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      if (last) {
        LOG.warn("[{}] skipped a binary WebSocket message; MCP messages are text", server);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      ended(
          "closed the connection ("
              + statusCode
              + (reason == null || reason.isEmpty() ? "" : " " + reason)
              + ")",
          null);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      ended(
          "lost the connection ("
              + (error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage())
              + ")",
          error);
    }
  }
}
