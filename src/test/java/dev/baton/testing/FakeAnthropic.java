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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A scripted stand-in for the Anthropic Messages API, so that tests run the real Claude Code CLI
 * without a network: point {@code ANTHROPIC_BASE_URL} at {@link #baseUrl()} (as {@link ClaudeCli}
 * does). Each main-loop request consumes the next {@link ModelStep} of the script; once the script
 * is used up, the answer is the text "done". One fake serves any number of sequential runs; {@link
 * #script} replaces the steps and starts a new recording.
 *
 * <p><b>Main loop or side request.</b> Observed with Claude Code 2.1.330: a request to {@code POST
 * /v1/messages} is the main agent loop's when its {@code tools} array is not empty and it has no
 * {@code x-claude-code-agent-id} header. Every side request seen had {@code "tools": []} (the
 * session title in interactive mode: same model, its own system prompt "You are naming a coding
 * session...", {@code output_config.format} a JSON schema); a subagent started through the Agent
 * tool sends the header (and {@code cc_is_subagent=true} in the system prompt's billing line). The
 * model name does not tell them apart: every request used the main model. In {@code -p} mode with
 * {@code CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1} no side request was sent at all. Side requests
 * get a short text (or JSON that fits their schema) and do not consume the script; a subagent
 * therefore ends at once. Forked helpers that reuse the main loop's tools (memory extraction,
 * compaction) would count as main-loop requests; none was seen in {@code -p} runs.
 *
 * <p>Other paths: {@code /v1/messages/count_tokens} gets an estimate, {@code HEAD /api/hello} (a
 * reachability check) 200; anything else 404 with the API's error body, logged and kept in {@link
 * #unknownRequests()}. Thread-safe.
 */
public final class FakeAnthropic implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FakeAnthropic.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Deque<ModelStep> script = new ArrayDeque<>();
  private final List<MessagesRequest> mainRequests = new ArrayList<>();
  private final List<MessagesRequest> sideRequests = new ArrayList<>();
  private final List<String> unknownRequests = new ArrayList<>();

  private FakeAnthropic(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts a fake on 127.0.0.1 and an ephemeral port, with an empty script. */
  public static FakeAnthropic start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      ExecutorService executor =
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "fake-anthropic");
                t.setDaemon(true);
                return t;
              });
      FakeAnthropic fake = new FakeAnthropic(server, executor);
      server.createContext("/", fake::handle);
      server.setExecutor(executor);
      server.start();
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake Anthropic API on 127.0.0.1", e);
    }
  }

  /** {@code http://127.0.0.1:PORT}, for {@code ANTHROPIC_BASE_URL}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Replaces the script and forgets what was recorded so far. */
  public synchronized FakeAnthropic script(List<ModelStep> steps) {
    script.clear();
    script.addAll(steps);
    mainRequests.clear();
    sideRequests.clear();
    unknownRequests.clear();
    return this;
  }

  /** Replaces the script and forgets what was recorded so far. */
  public FakeAnthropic script(ModelStep... steps) {
    return script(List.of(steps));
  }

  /** The steps not yet answered. */
  public synchronized List<ModelStep> stepsLeft() {
    return List.copyOf(script);
  }

  /** The main-loop requests since the last {@link #script}, in the order they arrived. */
  public synchronized List<MessagesRequest> mainRequests() {
    return List.copyOf(mainRequests);
  }

  /** The side requests (no tools, or a subagent's) since the last {@link #script}. */
  public synchronized List<MessagesRequest> sideRequests() {
    return List.copyOf(sideRequests);
  }

  /** "METHOD path" of each request to a path the fake does not know. */
  public synchronized List<String> unknownRequests() {
    return List.copyOf(unknownRequests);
  }

  /**
   * The tools offered in the first main-loop request: those in its {@code tools} array and those
   * announced by name for ToolSearch (MCP tools, e.g. {@code mcp__baton__whoami}, by default).
   */
  public List<String> toolNamesOffered() {
    MessagesRequest first = awaitMainRequests(1, Duration.ZERO).get(0);
    List<String> names = new ArrayList<>(first.toolNames());
    names.addAll(first.deferredToolNames());
    return names;
  }

  /** Each tool result that Claude Code sent back since the last {@link #script}, oldest first. */
  public List<MessagesRequest.ToolResult> toolResults() {
    Map<String, MessagesRequest.ToolResult> byId = new LinkedHashMap<>();
    for (MessagesRequest request : mainRequests()) {
      for (MessagesRequest.ToolResult result : request.toolResults()) {
        byId.putIfAbsent(result.toolUseId(), result);
      }
    }
    return List.copyOf(byId.values());
  }

  /**
   * Waits until {@code count} main-loop requests have arrived (the last of them may still be held
   * back by its step's delay) and returns them.
   */
  public synchronized List<MessagesRequest> awaitMainRequests(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (mainRequests.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "waited "
                + timeout.toMillis()
                + " ms for "
                + count
                + " main-loop requests to "
                + baseUrl()
                + "/v1/messages, got "
                + mainRequests.size()
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
        throw new AssertionError(
            "interrupted while waiting for " + count + " main-loop requests", e);
      }
    }
    return List.copyOf(mainRequests.subList(0, count));
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
      if (method.equals("POST") && path.equals("/v1/messages")) {
        messages(exchange, AnthropicWire.JSON.readTree(raw));
      } else if (method.equals("POST") && path.equals("/v1/messages/count_tokens")) {
        sendJson(exchange, 200, "{\"input_tokens\":" + Math.max(1, raw.length / 4) + "}");
      } else if (path.equals("/api/hello")) {
        exchange.sendResponseHeaders(200, -1);
      } else {
        synchronized (this) {
          unknownRequests.add(method + " " + exchange.getRequestURI());
        }
        log.warn("fake Anthropic API: no answer for {} {}", method, exchange.getRequestURI());
        sendJson(
            exchange,
            404,
            AnthropicWire.error("not_found_error", "fake: no " + method + " " + path));
      }
    } catch (IOException | RuntimeException e) {
      log.debug("fake Anthropic API: request failed or client went away: {}", e.toString());
    }
  }

  private void messages(HttpExchange exchange, JsonNode body) throws IOException {
    String session = exchange.getRequestHeaders().getFirst("X-Claude-Code-Session-Id");
    MessagesRequest request = new MessagesRequest(session, body);
    boolean subagent = exchange.getRequestHeaders().containsKey("x-claude-code-agent-id");
    ModelStep step;
    synchronized (this) {
      if (!body.path("tools").isEmpty() && !subagent) {
        mainRequests.add(request);
        step = script.isEmpty() ? ModelStep.text("done") : script.poll();
      } else {
        sideRequests.add(request);
        step = ModelStep.text(sideAnswer(body));
      }
      notifyAll();
    }
    if (!step.delay().isZero() && awaitClosing(step.delay())) {
      return;
    }
    String model = body.path("model").asString("claude-fake");
    ObjectNode message =
        AnthropicWire.message(model, step, Math.max(1, body.toString().length() / 4));
    if (body.path("stream").asBoolean(false)) {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-cache");
      exchange.getResponseHeaders().set("request-id", "req_fake");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(AnthropicWire.events(message).getBytes(StandardCharsets.UTF_8));
      }
    } else {
      sendJson(exchange, 200, AnthropicWire.JSON.writeValueAsString(message));
    }
  }

  /** A title or other structured side answer gets JSON that fits its schema. */
  private static String sideAnswer(JsonNode body) {
    JsonNode format = body.path("output_config").path("format");
    if (format.path("type").asString("").equals("json_schema")) {
      return AnthropicWire.JSON.writeValueAsString(AnthropicWire.sampleOf(format.path("schema")));
    }
    return "Fake side answer";
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

  private static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
