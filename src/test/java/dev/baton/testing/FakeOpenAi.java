package dev.baton.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scripted stand-in for the OpenAI Responses API, so that tests run the real Codex CLI without a
 * network: {@link CodexCli} points a model provider of Codex's configuration at {@link #baseUrl()}.
 * Each agent-loop request to {@code POST /v1/responses} consumes the next {@link ModelStep} of the
 * script and is answered as a stream of server-sent events ({@link OpenAiWire} says how a step
 * becomes output items); once the script is used up, the answer is the text "done". One fake serves
 * any number of sequential runs; {@link #script} replaces the steps and starts a new recording.
 *
 * <p><b>Agent loop or side request.</b> Codex 0.169 names the kind of each request in the {@code
 * request_kind} of its {@code x-codex-turn-metadata} header: {@code turn} for the agent loop. A
 * request of another kind gets a short text and does not consume the script; none was seen in
 * {@code codex exec} runs. Anything but {@code POST /v1/responses} gets a 404 with the API's error
 * body, logged and kept in {@link #unknownRequests()}. Thread-safe.
 */
public final class FakeOpenAi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FakeOpenAi.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Deque<ModelStep> script = new ArrayDeque<>();
  private final List<ResponsesRequest> requests = new ArrayList<>();
  private final List<ResponsesRequest> sideRequests = new ArrayList<>();
  private final List<String> unknownRequests = new ArrayList<>();

  private FakeOpenAi(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts a fake on 127.0.0.1 and an ephemeral port, with an empty script. */
  public static FakeOpenAi start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      ExecutorService executor =
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "fake-openai");
                t.setDaemon(true);
                return t;
              });
      FakeOpenAi fake = new FakeOpenAi(server, executor);
      server.createContext("/", fake::handle);
      server.setExecutor(executor);
      server.start();
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake OpenAI API on 127.0.0.1", e);
    }
  }

  /**
   * A call of Codex's {@code apply_patch} (a custom tool: its input is the patch itself), e.g.
   * {@code *** Begin Patch\n*** Update File: src/app.py\n@@\n-old\n+new\n*** End Patch}.
   */
  public static ModelStep applyPatch(String patch) {
    return ModelStep.toolUse("apply_patch", Map.of("input", patch));
  }

  /** A call of Codex's {@code tool_search}, which answers with the matching deferred tools. */
  public static ModelStep toolSearch(String query) {
    return ModelStep.toolUse("tool_search", Map.of("query", query));
  }

  /** {@code http://127.0.0.1:PORT/v1}, a model provider's {@code base_url}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Replaces the script and forgets what was recorded so far. */
  public synchronized FakeOpenAi script(List<ModelStep> steps) {
    script.clear();
    script.addAll(steps);
    requests.clear();
    sideRequests.clear();
    unknownRequests.clear();
    return this;
  }

  /** Replaces the script and forgets what was recorded so far. */
  public FakeOpenAi script(ModelStep... steps) {
    return script(List.of(steps));
  }

  /** The steps not yet answered. */
  public synchronized List<ModelStep> stepsLeft() {
    return List.copyOf(script);
  }

  /** The agent-loop requests since the last {@link #script}, in the order they arrived. */
  public synchronized List<ResponsesRequest> requests() {
    return List.copyOf(requests);
  }

  /** The requests of other kinds since the last {@link #script}. */
  public synchronized List<ResponsesRequest> sideRequests() {
    return List.copyOf(sideRequests);
  }

  /** "METHOD path" of each request to a path the fake does not know. */
  public synchronized List<String> unknownRequests() {
    return List.copyOf(unknownRequests);
  }

  /**
   * The tools offered in the first request: those of its {@code tools} array and the namespaces
   * announced for {@code tool_search} (an MCP server's, e.g. {@code mcp__baton}).
   */
  public List<String> toolNamesOffered() {
    ResponsesRequest first = awaitRequests(1, Duration.ZERO).get(0);
    List<String> names = new ArrayList<>(first.toolNames());
    names.addAll(first.deferredNamespaces());
    return names;
  }

  /** Each tool output that Codex sent back since the last {@link #script}, oldest first. */
  public List<ResponsesRequest.ToolOutput> toolOutputs() {
    Map<String, ResponsesRequest.ToolOutput> byId = new LinkedHashMap<>();
    for (ResponsesRequest request : requests()) {
      for (ResponsesRequest.ToolOutput output : request.toolOutputs()) {
        byId.putIfAbsent(output.callId(), output);
      }
    }
    return List.copyOf(byId.values());
  }

  /** The last output of the tool {@code name} (e.g. {@code mcp__baton__whoami}), or an error. */
  public ResponsesRequest.ToolOutput toolOutput(String name) {
    return toolOutputs().stream()
        .filter(o -> name.equals(o.toolName()))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no output of " + name + " in " + toolOutputs()));
  }

  /**
   * Waits until {@code count} agent-loop requests have arrived (the last of them may still be held
   * back by its step's delay) and returns them.
   */
  public synchronized List<ResponsesRequest> awaitRequests(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (requests.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "waited "
                + timeout.toMillis()
                + " ms for "
                + count
                + " requests to "
                + baseUrl()
                + "/responses, got "
                + requests.size()
                + " (and "
                + sideRequests.size()
                + " side requests, unknown: "
                + unknownRequests
                + ")");
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + count + " requests", e);
      }
    }
    return List.copyOf(requests.subList(0, count));
  }

  /** Stops the server; requests held back by a delay are dropped. */
  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      byte[] raw = exchange.getRequestBody().readAllBytes();
      log.debug("{} {} ({} bytes)", method, path, raw.length);
      if (method.equals("POST") && path.equals("/v1/responses")) {
        responses(exchange, raw);
      } else {
        synchronized (this) {
          unknownRequests.add(method + " " + exchange.getRequestURI());
        }
        log.warn("fake OpenAI API: no answer for {} {}", method, exchange.getRequestURI());
        byte[] body =
            OpenAiWire.error("invalid_request_error", "fake: no " + method + " " + path)
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(404, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.debug("fake OpenAI API: request failed or client went away: {}", e.toString());
    }
  }

  private void responses(HttpExchange exchange, byte[] raw) throws IOException {
    ResponsesRequest request =
        new ResponsesRequest(
            exchange.getRequestHeaders().getFirst("thread-id"),
            requestKind(exchange.getRequestHeaders().getFirst("x-codex-turn-metadata")),
            OpenAiWire.JSON.readTree(raw));
    ModelStep step;
    synchronized (this) {
      if (request.kind() == null || request.kind().equals("turn")) {
        requests.add(request);
        step = script.isEmpty() ? ModelStep.text("done") : script.poll();
      } else {
        sideRequests.add(request);
        step = ModelStep.text("Fake side answer");
      }
      notifyAll();
    }
    if (!step.delay().isZero() && awaitClosing(step.delay())) {
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.getResponseHeaders().set("x-request-id", "req_fake");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(OpenAiWire.events(step, request).getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String requestKind(String metadata) {
    if (metadata == null || metadata.isBlank()) {
      return null;
    }
    try {
      return OpenAiWire.JSON.readTree(metadata).path("request_kind").asString(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Holds a step back; true when the fake is closing meanwhile. */
  private boolean awaitClosing(Duration delay) {
    try {
      return closing.await(delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
