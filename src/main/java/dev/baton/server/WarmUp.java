package dev.baton.server;

import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.LocalConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's first requests, made by itself before it accepts anyone else's: a health check and
 * one MCP session (initialize, tools/list, delete) through the whole HTTP stack, in memory. A cold
 * JVM answers its first request of a kind several times slower than the next one (classes loaded,
 * code interpreted); an agent's first {@code initialize} and {@code tools/list} are the ones that
 * clients wait for with a short timeout, so the broker pays that cost at start instead. The MCP
 * session is marked, so that it starts no downstream server and names no instance.
 */
final class WarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
  private static final long TIMEOUT_S = 10;
  private static final Pattern SESSION =
      Pattern.compile("(?im)^Mcp-Session-Id:\\s*(\\S+)\\s*$", Pattern.MULTILINE);

  private final LocalConnector local;
  private final String header;
  private final String key;

  /**
   * @param header the header that marks the warm-up's MCP requests
   * @param key its value, known only to this process
   */
  WarmUp(LocalConnector local, String header, String key) {
    this.local = local;
    this.header = header;
    this.key = key;
  }

  /**
   * Makes the requests, on the given MCP role's endpoint. Never fails: a warm-up that goes wrong
   * costs the first client some time, nothing else.
   *
   * @return the milliseconds it took
   */
  long run(String role) {
    long start = System.nanoTime();
    try {
      send("GET /v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      String initialized =
          mcp(
              role,
              null,
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                  + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                  + "\"clientInfo\":{\"name\":\"baton-warm-up\",\"version\":\"1\"}}}");
      Matcher m = SESSION.matcher(initialized);
      if (!m.find()) {
        LOG.debug("warm-up: initialize answered without a session: {}", firstLine(initialized));
        return elapsed(start);
      }
      String session = m.group(1);
      mcp(role, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      mcp(role, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
      mcp(role, session, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"prompts/list\"}");
      send(
          "DELETE /mcp/"
              + role
              + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
              + header
              + ": "
              + key
              + "\r\nMcp-Session-Id: "
              + session
              + "\r\n\r\n");
    } catch (Exception e) {
      LOG.debug("warm-up failed (the first client pays for it): {}", e.toString());
    }
    return elapsed(start);
  }

  private String mcp(String role, String session, String body) throws Exception {
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return send(
        "POST /mcp/"
            + role
            + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + "Content-Type: application/json\r\n"
            + "Accept: application/json, text/event-stream\r\n"
            + header
            + ": "
            + key
            + "\r\n"
            + (session == null ? "" : "Mcp-Session-Id: " + session + "\r\n")
            + "Content-Length: "
            + bytes.length
            + "\r\n\r\n"
            + body);
  }

  private String send(String request) throws Exception {
    String response = local.getResponse(request, TIMEOUT_S, TimeUnit.SECONDS);
    if (response == null) {
      throw new IllegalStateException(
          "no answer within " + TIMEOUT_S + " s to " + firstLine(request));
    }
    return response;
  }

  private static String firstLine(String text) {
    int end = text.indexOf('\r');
    return end < 0 ? text : text.substring(0, end);
  }

  private static long elapsed(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }
}
