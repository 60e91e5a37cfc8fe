package dev.baton.bench;

import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One agent's MCP session on the broker's Streamable HTTP endpoint {@code /mcp/<role>}, spoken the
 * way {@code baton mcp} relays it: one POST per message over the agent's Unix socket connection,
 * answers read as JSON or as an event stream. Not thread-safe: one per agent.
 */
final class McpSession {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String PROTOCOL = "2025-06-18";

  /** An answer to one request: null problem when it is a JSON-RPC result that is not an error. */
  record Answer(JsonNode result, String problem) {}

  private final BrokerClient client;
  private final String endpoint;
  private final Map<String, String> identity;
  private String session;
  private String protocol;
  private long nextId = 1;
  private boolean listed;

  McpSession(BrokerClient client, String role, String instance, String workspace) {
    this.client = client;
    this.endpoint = "/mcp/" + role;
    this.identity = Map.of("X-Baton-Instance", instance, "X-Baton-Workspace", workspace);
  }

  /**
   * {@code initialize}, {@code notifications/initialized} and {@code tools/list}, as a client
   * starts; null when done, else what failed. Whether {@code tool} was listed decides how {@link
   * #call} reaches it: a broker that never listed a role's servers answers the first {@code
   * tools/list} without their tools (gateway.list-wait is 0 by default), and then a client reaches
   * them through the {@code call_tool} meta-tool.
   */
  String open(String tool) {
    HttpResponse r =
        post(
            request(
                "initialize",
                Map.of(
                    "protocolVersion",
                    PROTOCOL,
                    "capabilities",
                    Map.of(),
                    "clientInfo",
                    Map.of("name", "baton-fleet-load", "version", "1"))));
    Answer a = answer(r, "initialize");
    if (a.problem() != null) {
      return a.problem();
    }
    session = r.header("mcp-session-id");
    if (session == null) {
      return "initialize answered without an Mcp-Session-Id header";
    }
    protocol = a.result().path("protocolVersion").asString(PROTOCOL);
    HttpResponse n = post(Map.of("jsonrpc", "2.0", "method", "notifications/initialized"));
    if (n.status() != 202 && n.status() != 200) {
      return "notifications/initialized answered HTTP " + n.status() + ": " + brief(n);
    }
    Answer list = answer(post(request("tools/list", Map.of())), "tools/list");
    if (list.problem() != null) {
      return list.problem();
    }
    for (JsonNode t : list.result().path("tools")) {
      listed |= tool.equals(t.path("name").asString(null));
    }
    return null;
  }

  /**
   * {@code tools/call} of the tool, or of {@code call_tool} naming it when the session's list did
   * not have it; the answer's problem names what went wrong, a tool error included.
   */
  Answer call(String tool, Map<String, Object> arguments) {
    Map<String, Object> params =
        listed
            ? Map.of("name", tool, "arguments", arguments)
            : Map.of(
                "name", "call_tool", "arguments", Map.of("name", tool, "arguments", arguments));
    HttpResponse r = post(request("tools/call", params));
    Answer a = answer(r, "tools/call " + tool);
    if (a.problem() == null && a.result().path("isError").asBoolean(false)) {
      return new Answer(a.result(), "tools/call " + tool + " returned a tool error: " + a.result());
    }
    return a;
  }

  private Map<String, Object> request(String method, Map<String, Object> params) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("jsonrpc", "2.0");
    m.put("id", nextId++);
    m.put("method", method);
    m.put("params", params);
    return m;
  }

  private HttpResponse post(Map<String, Object> message) {
    Map<String, String> headers = new LinkedHashMap<>(identity);
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "application/json, text/event-stream");
    if (session != null) {
      headers.put("Mcp-Session-Id", session);
    }
    if (protocol != null) {
      headers.put("MCP-Protocol-Version", protocol);
    }
    return client.send("POST", endpoint, headers, JSON.writeValueAsBytes(message));
  }

  /** The JSON-RPC result in a JSON body or in the first {@code data:} event that carries one. */
  private static Answer answer(HttpResponse r, String what) {
    if (r.status() != 200) {
      return new Answer(null, what + " answered HTTP " + r.status() + ": " + brief(r));
    }
    String body = new String(r.body(), StandardCharsets.UTF_8);
    String type = String.valueOf(r.header("content-type"));
    try {
      if (!type.startsWith("text/event-stream")) {
        return rpc(JSON.readTree(body), what, r);
      }
      for (String line : body.split("\n")) {
        if (line.startsWith("data:")) {
          JsonNode node = JSON.readTree(line.substring(5).strip());
          if (node.has("result") || node.has("error")) {
            return rpc(node, what, r);
          }
        }
      }
    } catch (JacksonException e) {
      return new Answer(null, what + " answered unreadable JSON: " + brief(r));
    }
    return new Answer(null, what + " answered a stream without a result: " + brief(r));
  }

  private static Answer rpc(JsonNode node, String what, HttpResponse r) {
    if (node.has("error")) {
      return new Answer(null, what + " answered a JSON-RPC error: " + node.get("error"));
    }
    if (!node.has("result")) {
      return new Answer(null, what + " answered no result: " + brief(r));
    }
    return new Answer(node.get("result"), null);
  }

  private static String brief(HttpResponse r) {
    return Cells.oneLine(new String(r.body(), StandardCharsets.UTF_8));
  }
}
