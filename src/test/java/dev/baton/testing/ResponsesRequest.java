package dev.baton.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One request that Codex sent to {@code POST /v1/responses}: the thread it came from (header {@code
 * thread-id}, the id hooks get as {@code session_id}), what kind of request it was ({@code turn}
 * for the agent loop, from the {@code x-codex-turn-metadata} header) and its JSON body, which
 * carries the whole conversation so far in {@code input}.
 */
public record ResponsesRequest(String threadId, String kind, JsonNode body) {
  /**
   * How Codex (0.169) announces the tool namespaces it defers behind {@code tool_search}, MCP
   * servers among them: this line in a developer message, then {@code - <namespace>: <text>} a
   * line.
   */
  static final String DEFERRED_NAMESPACES = "Deferred tool namespaces:";

  /** The output Codex sent back for one of the model's calls, named after the call. */
  public record ToolOutput(String callId, String toolName, String text) {}

  /**
   * The names in the request's {@code tools} array: functions and custom tools by name, {@code
   * tool_search}, and each function of a namespace as {@code <namespace>__<name>}.
   */
  public List<String> toolNames() {
    List<String> names = new ArrayList<>();
    for (JsonNode tool : body.path("tools")) {
      String type = tool.path("type").asString("");
      if (type.equals("namespace")) {
        String namespace = tool.path("name").asString();
        tool.path("tools").forEach(t -> names.add(namespace + "__" + t.path("name").asString()));
      } else if (tool.has("name")) {
        names.add(tool.path("name").asString());
      } else {
        names.add(type);
      }
    }
    return names;
  }

  /**
   * The type under which the request offers the tool {@code name} ({@code function}, {@code
   * custom}, {@code tool_search}...), or null when it does not offer it.
   */
  public String toolType(String name) {
    for (JsonNode tool : body.path("tools")) {
      String type = tool.path("type").asString("");
      if (type.equals("namespace")) {
        for (JsonNode t : tool.path("tools")) {
          if (name.equals(tool.path("name").asString() + "__" + t.path("name").asString())) {
            return t.path("type").asString("function");
          }
        }
      } else if (name.equals(tool.path("name").asString(type))) {
        return type;
      }
    }
    return null;
  }

  /** The namespaces Codex announced for {@code tool_search} (e.g. {@code mcp__baton}). */
  public List<String> deferredNamespaces() {
    List<String> names = new ArrayList<>();
    for (String text : texts()) {
      int at = text.indexOf(DEFERRED_NAMESPACES);
      if (at < 0) {
        continue;
      }
      String[] lines = text.substring(at).split("\n", -1);
      for (int i = 1; i < lines.length && lines[i].startsWith("- "); i++) {
        String line = lines[i].substring(2);
        int colon = line.indexOf(':');
        names.add((colon < 0 ? line : line.substring(0, colon)).strip());
      }
    }
    return names;
  }

  /** Every tool output in the conversation, oldest first, named after the model's call. */
  public List<ToolOutput> toolOutputs() {
    Map<String, String> calls = new HashMap<>();
    List<ToolOutput> outputs = new ArrayList<>();
    for (JsonNode item : body.path("input")) {
      String callId = item.path("call_id").asString("");
      switch (item.path("type").asString("")) {
        case "function_call" -> {
          String namespace = item.path("namespace").asString("");
          String name = item.path("name").asString();
          calls.put(callId, namespace.isEmpty() ? name : namespace + "__" + name);
        }
        case "custom_tool_call" -> calls.put(callId, item.path("name").asString());
        case "tool_search_call" -> calls.put(callId, "tool_search");
        case "function_call_output", "custom_tool_call_output" ->
            outputs.add(new ToolOutput(callId, calls.get(callId), textOf(item.path("output"))));
        case "tool_search_output" ->
            outputs.add(
                new ToolOutput(
                    callId,
                    calls.get(callId),
                    OpenAiWire.JSON.writeValueAsString(item.path("tools"))));
        default -> {
          // messages, reasoning: not tool outputs
        }
      }
    }
    return outputs;
  }

  /** The text of every message in {@code input} (developer, user and assistant). */
  public List<String> texts() {
    List<String> texts = new ArrayList<>();
    for (JsonNode item : body.path("input")) {
      if (item.path("type").asString("").equals("message")) {
        JsonNode content = item.path("content");
        if (content.isString()) {
          texts.add(content.asString());
        }
        content.forEach(part -> texts.add(part.path("text").asString("")));
      }
    }
    return texts;
  }

  /** An output is a string or a list of {@code input_text} parts (MCP tools). */
  private static String textOf(JsonNode output) {
    if (output.isString()) {
      return output.asString();
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode part : output) {
      if (part.has("text")) {
        text.append(text.length() == 0 ? "" : "\n").append(part.path("text").asString());
      }
    }
    return text.toString();
  }
}
