package dev.baton.cli;

import dev.baton.api.client.EventStreamReader;
import dev.baton.api.client.HttpTransport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Relays MCP between a stdio client (newline-delimited JSON-RPC on standard input and output) and
 * the broker's Streamable HTTP endpoint {@code /mcp/<role>} over the Unix socket. Each message is
 * one POST (so a long tool call never holds up others); answers, streamed or not, go to standard
 * output as they arrive, and a listening stream relays what the broker sends on its own. When the
 * broker is unreachable, every request is answered at once with a JSON-RPC error that says so; when
 * the broker ended the session, the client's {@code initialize} is replayed and the message sent
 * again.
 */
final class McpBridge {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int UNREACHABLE = -32000;
  private static final Duration DRAIN = Duration.ofSeconds(5);

  private final List<Path> sockets;
  private final String endpoint;
  private final Map<String, String> identity;
  private final OutputStream out;
  private final PrintWriter err;
  private final ExecutorService workers =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "baton-mcp-bridge");
            t.setDaemon(true);
            return t;
          });

  private volatile String session;
  private volatile String protocolVersion;
  private volatile String initializeLine;
  private volatile boolean running = true;
  private Thread listener;

  /**
   * @param sockets where the broker may listen, tried in order (the first that exists is used)
   * @param identity the headers that say who the agent is ({@code X-Baton-Workspace} and, when
   *     known, {@code X-Baton-Instance}, {@code X-Baton-Agent-Pid}, {@code X-Baton-Session})
   */
  McpBridge(
      List<Path> sockets,
      String role,
      Map<String, String> identity,
      OutputStream out,
      PrintWriter err) {
    this.sockets = List.copyOf(sockets);
    this.endpoint = "/mcp/" + role;
    this.identity = new LinkedHashMap<>(identity);
    this.out = out;
    this.err = err;
  }

  /** Relays until standard input ends; returns the exit code. */
  int run(InputStream in) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      String message = line;
      JsonNode node;
      try {
        node = JSON.readTree(message);
      } catch (JacksonException e) {
        write(error(null, -32700, "Parse error: " + e.getOriginalMessage()));
        continue;
      }
      if (!node.isObject()) {
        write(error(null, -32600, "Invalid Request: one JSON-RPC message per line, not a batch"));
        continue;
      }
      boolean request = node.has("id") && node.has("method");
      if (!request || "initialize".equals(node.path("method").asString(null))) {
        // In order, before what follows: initialize gives the session every later message needs,
        // and notifications (initialized, cancelled) must not overtake each other.
        forward(message, node, true);
      } else {
        workers.execute(() -> forward(message, node, true));
      }
    }
    running = false;
    workers.shutdown();
    try {
      workers.awaitTermination(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    endSession();
    return ExitCodes.OK;
  }

  private void forward(String message, JsonNode node, boolean mayRetry) {
    JsonNode id = node.get("id");
    String method = node.path("method").asString(null);
    boolean request = id != null && method != null;
    if ("initialize".equals(method)) {
      initializeLine = message;
    }
    try (EventStreamReader r = post(message)) {
      if (r.status() == 404 && session != null && mayRetry && initializeLine != null) {
        r.readRest();
        if (reinitialize()) {
          forward(message, node, false);
          return;
        }
      }
      if (r.status() == 202) {
        return;
      }
      if (r.status() != 200) {
        String body = r.readRest();
        if (request) {
          write(error(id, -32603, "baton answered HTTP " + r.status() + ": " + brief(body)));
        } else {
          err.println(
              "baton mcp: the broker refused a message (HTTP " + r.status() + "): " + brief(body));
          err.flush();
        }
        return;
      }
      if ("initialize".equals(method)) {
        String sid = r.headers().get("mcp-session-id");
        if (sid != null) {
          session = sid;
        }
      }
      relay(r, "initialize".equals(method));
    } catch (IOException e) {
      if (request) {
        write(error(id, UNREACHABLE, unreachable(e)));
      } else {
        err.println("baton mcp: " + unreachable(e));
        err.flush();
      }
    }
  }

  /** Writes the answer: one JSON body, or each event of a stream. */
  private void relay(EventStreamReader r, boolean initialize) throws IOException {
    String type = r.headers().getOrDefault("content-type", "").toLowerCase(Locale.ROOT);
    if (!type.startsWith("text/event-stream")) {
      String body = r.readRest().strip();
      if (!body.isEmpty()) {
        noteProtocol(body, initialize);
        write(body);
      }
      return;
    }
    EventStreamReader.ServerSentEvent e;
    while ((e = r.next()) != null) {
      if (!e.data().isBlank()) {
        noteProtocol(e.data(), initialize);
        write(e.data());
      }
    }
  }

  private void noteProtocol(String body, boolean initialize) {
    if (!initialize) {
      return;
    }
    try {
      String version = JSON.readTree(body).path("result").path("protocolVersion").asString(null);
      if (version != null) {
        protocolVersion = version;
        startListening();
      }
    } catch (JacksonException ignored) {
      // not the initialize result
    }
  }

  /** The broker ended the session (its instance has gone): replays initialize, quietly. */
  private boolean reinitialize() {
    String init = initializeLine;
    session = null;
    try (EventStreamReader r = post(init)) {
      String sid = r.headers().get("mcp-session-id");
      if (r.status() != 200 || sid == null) {
        return false;
      }
      r.readRest();
      session = sid;
    } catch (IOException e) {
      return false;
    }
    try (EventStreamReader r =
        post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")) {
      err.println("baton mcp: the broker ended the session; started a new one");
      err.flush();
      return r.status() == 202 || r.status() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** Relays what the broker sends outside of answers (notifications, requests), reconnecting. */
  private synchronized void startListening() {
    if (listener != null) {
      return;
    }
    listener =
        new Thread(
            () -> {
              while (running) {
                String sid = session;
                if (sid == null) {
                  sleep(200);
                  continue;
                }
                try (EventStreamReader r = transport().stream(endpoint, headers(sid))) {
                  if (r.status() == 405) {
                    return; // the endpoint offers no listening stream
                  }
                  if (r.status() == 200) {
                    EventStreamReader.ServerSentEvent e;
                    while (running && (e = r.next()) != null) {
                      if (!e.data().isBlank()) {
                        write(e.data());
                      }
                    }
                  }
                } catch (IOException e) {
                  // broker gone or stream cut: try again shortly
                }
                sleep(1000);
              }
            },
            "baton-mcp-listen");
    listener.setDaemon(true);
    listener.start();
  }

  private void endSession() {
    String sid = session;
    if (sid == null) {
      return;
    }
    try (EventStreamReader r = transport().open("DELETE", endpoint, headers(sid), null)) {
      r.status();
    } catch (IOException ignored) {
      // best effort: the broker evicts idle sessions anyway
    }
  }

  private EventStreamReader post(String message) throws IOException {
    return transport()
        .open("POST", endpoint, headers(session), message.getBytes(StandardCharsets.UTF_8));
  }

  private HttpTransport transport() {
    return HttpTransport.unix(socket(), false, Duration.ofSeconds(10));
  }

  /** The first of the sockets that exists, else the first. */
  private Path socket() {
    for (Path s : sockets) {
      if (Files.exists(s)) {
        return s;
      }
    }
    return sockets.get(0);
  }

  private Map<String, String> headers(String sid) {
    Map<String, String> h = new LinkedHashMap<>(identity);
    h.put("Accept", "application/json, text/event-stream");
    if (sid != null) {
      h.put("Mcp-Session-Id", sid);
    }
    if (protocolVersion != null) {
      h.put("MCP-Protocol-Version", protocolVersion);
    }
    return h;
  }

  private String unreachable(IOException e) {
    return "baton broker is not reachable on unix:"
        + socket()
        + " ("
        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
        + ")"
        + (sockets.size() > 1
            ? " (tried "
                + sockets.stream().map(Path::toString).collect(Collectors.joining(", "))
                + ")"
            : "")
        + "; start it with 'baton serve', or give its socket with --socket or BATON_SOCKET";
  }

  private synchronized void write(String line) {
    try {
      out.write(line.replace("\n", " ").getBytes(StandardCharsets.UTF_8));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      running = false; // the client has gone
    }
  }

  private static String error(JsonNode id, int code, String message) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("jsonrpc", "2.0");
    if (id == null) {
      o.putNull("id");
    } else {
      o.set("id", id);
    }
    ObjectNode e = o.putObject("error");
    e.put("code", code);
    e.put("message", message);
    return JSON.writeValueAsString(o);
  }

  private static String brief(String body) {
    String b = body == null ? "" : body.strip().replaceAll("\\s+", " ");
    try {
      JsonNode n = JSON.readTree(b);
      String m = n.path("error").path("message").asString(null);
      if (m != null) {
        return m;
      }
    } catch (JacksonException ignored) {
      // not JSON
    }
    return b.length() > 300 ? b.substring(0, 300) + "..." : b;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
