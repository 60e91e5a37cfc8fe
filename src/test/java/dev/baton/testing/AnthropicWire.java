package dev.baton.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Anthropic Messages API's answers as {@link FakeAnthropic} sends them: one assistant message,
 * either whole (JSON) or as the server-sent events of a stream, in the order the API sends them.
 */
final class AnthropicWire {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** A tool call's input is streamed as JSON text in pieces of this many characters. */
  private static final int JSON_CHUNK = 48;

  private AnthropicWire() {}

  /** An assistant message answering {@code step}, with fresh message and tool_use ids. */
  static ObjectNode message(String model, ModelStep step, int inputTokens) {
    ArrayNode content = NODES.arrayNode();
    String stopReason = "end_turn";
    if (step instanceof ModelStep.Text text) {
      content.add(NODES.objectNode().put("type", "text").put("text", text.text()));
    } else if (step instanceof ModelStep.ToolUses uses) {
      stopReason = "tool_use";
      for (ModelStep.ToolCall call : uses.calls()) {
        content.add(
            NODES
                .objectNode()
                .put("type", "tool_use")
                .put("id", "toolu_" + hex(24))
                .put("name", call.name())
                .set("input", JSON.valueToTree(call.input())));
      }
    }
    ObjectNode message = NODES.objectNode();
    message.put("id", "msg_" + hex(24)).put("type", "message").put("role", "assistant");
    message.put("model", model).set("content", content);
    message.put("stop_reason", stopReason).putNull("stop_sequence");
    message.set(
        "usage", usage(inputTokens, Math.max(1, JSON.writeValueAsString(content).length() / 4)));
    return message;
  }

  /**
   * The stream of events that delivers {@code message}, each as {@code event:} and {@code data:}.
   */
  static String events(ObjectNode message) {
    StringBuilder out = new StringBuilder();
    ObjectNode start = message.deepCopy();
    start.set("content", NODES.arrayNode());
    start.putNull("stop_reason");
    start.set("usage", usage(message.path("usage").path("input_tokens").asInt(), 1));
    event(out, "message_start", NODES.objectNode().set("message", start));
    event(out, "ping", NODES.objectNode());
    int index = 0;
    for (JsonNode block : message.path("content")) {
      ObjectNode opening = (ObjectNode) block.deepCopy();
      List<ObjectNode> deltas = new ArrayList<>();
      if (block.path("type").asString().equals("text")) {
        opening.put("text", "");
        deltas.add(
            NODES
                .objectNode()
                .put("type", "text_delta")
                .put("text", block.path("text").asString()));
      } else {
        opening.set("input", NODES.objectNode());
        String input = JSON.writeValueAsString(block.path("input"));
        for (int from = 0; from < input.length(); from += JSON_CHUNK) {
          String piece = input.substring(from, Math.min(input.length(), from + JSON_CHUNK));
          deltas.add(NODES.objectNode().put("type", "input_json_delta").put("partial_json", piece));
        }
      }
      event(
          out,
          "content_block_start",
          NODES.objectNode().put("index", index).set("content_block", opening));
      for (ObjectNode delta : deltas) {
        event(
            out, "content_block_delta", NODES.objectNode().put("index", index).set("delta", delta));
      }
      event(out, "content_block_stop", NODES.objectNode().put("index", index));
      index++;
    }
    ObjectNode delta = NODES.objectNode();
    delta.set("stop_reason", message.path("stop_reason"));
    delta.putNull("stop_sequence");
    ObjectNode messageDelta = NODES.objectNode().set("delta", delta);
    messageDelta.set(
        "usage",
        NODES
            .objectNode()
            .put("output_tokens", message.path("usage").path("output_tokens").asInt()));
    event(out, "message_delta", messageDelta);
    event(out, "message_stop", NODES.objectNode());
    return out.toString();
  }

  /**
   * A JSON text that satisfies a simple JSON schema (objects of strings, numbers, booleans,
   * arrays), for side requests that ask for structured output, such as a session title.
   */
  static JsonNode sampleOf(JsonNode schema) {
    switch (schema.path("type").asString("string")) {
      case "object":
        ObjectNode object = NODES.objectNode();
        for (var property : schema.path("properties").properties()) {
          object.set(property.getKey(), sampleOf(property.getValue()));
        }
        return object;
      case "array":
        return NODES.arrayNode();
      case "boolean":
        return NODES.booleanNode(false);
      case "integer":
      case "number":
        return NODES.numberNode(0);
      default:
        return NODES.stringNode("Fake answer");
    }
  }

  /** An error body as the API sends it, e.g. {@code not_found_error}. */
  static String error(String type, String message) {
    ObjectNode error = NODES.objectNode().put("type", type).put("message", message);
    return JSON.writeValueAsString(NODES.objectNode().put("type", "error").set("error", error));
  }

  private static ObjectNode usage(int inputTokens, int outputTokens) {
    return NODES
        .objectNode()
        .put("input_tokens", inputTokens)
        .put("cache_creation_input_tokens", 0)
        .put("cache_read_input_tokens", 0)
        .put("output_tokens", outputTokens);
  }

  private static void event(StringBuilder out, String name, ObjectNode data) {
    ObjectNode typed = NODES.objectNode().put("type", name);
    typed.setAll(data);
    out.append("event: ").append(name).append('\n');
    out.append("data: ").append(JSON.writeValueAsString(typed)).append("\n\n");
  }

  private static String hex(int length) {
    return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "").substring(0, length);
  }
}
