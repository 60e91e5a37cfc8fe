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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A scripted stand-in for the Gemini API ({@code generativelanguage.googleapis.com}), so that tests
 * run the real Gemini CLI without a network: point {@code GOOGLE_GEMINI_BASE_URL} at {@link
 * #baseUrl()} (as {@link GeminiCli} does). Each main-loop request consumes the next {@link
 * ModelStep} of the script; once the script is used up, the answer is the text "done". One fake
 * serves any number of sequential runs; {@link #script} replaces the steps and starts a new
 * recording.
 *
 * <p><b>Main loop or side request.</b> Observed with Gemini CLI 0.61.0: the main agent loop calls
 * {@code POST /v1beta/models/<model>:streamGenerateContent?alt=sse} with the tools it offers in
 * {@code tools[].functionDeclarations}. Side requests go to {@code :generateContent} without tools:
 * with the model {@code auto} (the default) a router asks a flash-lite model for a JSON complexity
 * score before every turn ({@code generationConfig.responseJsonSchema}); {@link GeminiCli} names a
 * model, which turns the router off. Side requests get JSON that fits their schema, else a short
 * text, and do not consume the script. A subagent (tool {@code invoke_agent}) would call the main
 * loop's endpoint with tools of its own and so consume the script; none is started by these tests.
 *
 * <p>Other paths: {@code :countTokens} gets an estimate; anything else 404 with the API's error
 * body, logged and kept in {@link #unknownRequests()}. Thread-safe.
 */
public final class FakeGemini implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FakeGemini.class);

  /** {@code /v1beta/models/gemini-2.5-pro:streamGenerateContent}: version, model, method. */
  private static final Pattern MODEL_CALL =
      Pattern.compile("/(v1(?:alpha|beta)?)/models/([^/:]+):([A-Za-z]+)");

  private final HttpServer server;
  private final ExecutorService executor;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Deque<ModelStep> script = new ArrayDeque<>();
  private final List<GenerateContentRequest> mainRequests = new ArrayList<>();
  private final List<GenerateContentRequest> sideRequests = new ArrayList<>();
  private final List<String> unknownRequests = new ArrayList<>();

  private FakeGemini(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts a fake on 127.0.0.1 and an ephemeral port, with an empty script. */
  public static FakeGemini start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      ExecutorService executor =
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "fake-gemini");
                t.setDaemon(true);
                return t;
              });
      FakeGemini fake = new FakeGemini(server, executor);
      server.createContext("/", fake::handle);
      server.setExecutor(executor);
      server.start();
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake Gemini API on 127.0.0.1", e);
    }
  }

  /** {@code http://127.0.0.1:PORT}, for {@code GOOGLE_GEMINI_BASE_URL}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Replaces the script and forgets what was recorded so far. */
  public synchronized FakeGemini script(List<ModelStep> steps) {
    script.clear();
    script.addAll(steps);
    mainRequests.clear();
    sideRequests.clear();
    unknownRequests.clear();
    return this;
  }

  /** Replaces the script and forgets what was recorded so far. */
  public FakeGemini script(ModelStep... steps) {
    return script(List.of(steps));
  }

  /** The steps not yet answered. */
  public synchronized List<ModelStep> stepsLeft() {
    return List.copyOf(script);
  }

  /** The main-loop requests since the last {@link #script}, in the order they arrived. */
  public synchronized List<GenerateContentRequest> mainRequests() {
    return List.copyOf(mainRequests);
  }

  /** The side requests (no tools) since the last {@link #script}. */
  public synchronized List<GenerateContentRequest> sideRequests() {
    return List.copyOf(sideRequests);
  }

  /** "METHOD path" of each request to a path the fake does not know. */
  public synchronized List<String> unknownRequests() {
    return List.copyOf(unknownRequests);
  }

  /**
   * The tools offered in the first main-loop request, MCP tools ({@code mcp_<server>_<tool>}) too.
   */
  public List<String> toolNamesOffered() {
    return awaitMainRequests(1, Duration.ZERO).get(0).toolNames();
  }

  /** Each tool result that Gemini CLI sent back since the last {@link #script}, oldest first. */
  public List<GenerateContentRequest.ToolResult> toolResults() {
    Map<String, GenerateContentRequest.ToolResult> byId = new LinkedHashMap<>();
    for (GenerateContentRequest request : mainRequests()) {
      for (GenerateContentRequest.ToolResult result : request.toolResults()) {
        byId.putIfAbsent(result.callId(), result);
      }
    }
    return List.copyOf(byId.values());
  }

  /**
   * Waits until {@code count} main-loop requests have arrived (the last of them may still be held
   * back by its step's delay) and returns them.
   */
  public synchronized List<GenerateContentRequest> awaitMainRequests(int count, Duration timeout) {
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
                + "/v1beta/models/*:streamGenerateContent, got "
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
      Matcher call = MODEL_CALL.matcher(path);
      boolean known = method.equals("POST") && call.matches();
      if (known && call.group(3).equals("countTokens")) {
        sendJson(exchange, 200, "{\"totalTokens\":" + Math.max(1, raw.length / 4) + "}");
      } else if (known
          && (call.group(3).equals("streamGenerateContent")
              || call.group(3).equals("generateContent"))) {
        generate(
            exchange,
            call.group(2),
            call.group(3).startsWith("stream"),
            GeminiWire.JSON.readTree(raw));
      } else {
        synchronized (this) {
          unknownRequests.add(method + " " + exchange.getRequestURI());
        }
        log.warn("fake Gemini API: no answer for {} {}", method, exchange.getRequestURI());
        sendJson(
            exchange, 404, GeminiWire.error(404, "NOT_FOUND", "fake: no " + method + " " + path));
      }
    } catch (IOException | RuntimeException e) {
      log.debug("fake Gemini API: request failed or client went away: {}", e.toString());
    }
  }

  private void generate(HttpExchange exchange, String model, boolean stream, JsonNode body)
      throws IOException {
    GenerateContentRequest request = new GenerateContentRequest(model, body);
    ModelStep step;
    synchronized (this) {
      if (stream && !request.toolNames().isEmpty()) {
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
    ObjectNode response =
        GeminiWire.response(model, step, Math.max(1, body.toString().length() / 4));
    if (stream) {
      byte[] bytes = GeminiWire.event(response).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } else {
      sendJson(exchange, 200, GeminiWire.JSON.writeValueAsString(response));
    }
  }

  /** JSON that fits the request's schema when it asks for JSON, else a short text. */
  private static String sideAnswer(JsonNode body) {
    JsonNode config = body.path("generationConfig");
    for (String field : List.of("responseJsonSchema", "responseSchema")) {
      if (config.path(field).isObject()) {
        return GeminiWire.JSON.writeValueAsString(GeminiWire.sampleOf(config.path(field)));
      }
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
