package dev.baton.testing;

import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Gemini API's answers as {@link FakeGemini} sends them: one {@code GenerateContentResponse},
 * either whole (JSON, for {@code :generateContent}) or as the one server-sent event of {@code
 * :streamGenerateContent?alt=sse}. Tool calls are {@code functionCall} parts without an id, as the
 * Gemini API sends them (Gemini CLI gives each call an id of its own).
 */
final class GeminiWire {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private GeminiWire() {}

  /** The answer to {@code step}: one candidate, finish reason {@code STOP}, and token counts. */
  static ObjectNode response(String model, ModelStep step, int inputTokens) {
    ArrayNode parts = NODES.arrayNode();
    if (step instanceof ModelStep.Text text) {
      parts.addObject().put("text", text.text());
    } else if (step instanceof ModelStep.ToolUses uses) {
      for (ModelStep.ToolCall call : uses.calls()) {
        ObjectNode functionCall = parts.addObject().putObject("functionCall");
        functionCall.put("name", call.name()).set("args", JSON.valueToTree(call.input()));
      }
    }
    ObjectNode content = NODES.objectNode().put("role", "model");
    content.set("parts", parts);
    ObjectNode candidate = NODES.objectNode();
    candidate.set("content", content);
    candidate.put("finishReason", "STOP").put("index", 0);
    ObjectNode response = NODES.objectNode();
    response.putArray("candidates").add(candidate);
    int outputTokens = Math.max(1, JSON.writeValueAsString(parts).length() / 4);
    response
        .putObject("usageMetadata")
        .put("promptTokenCount", inputTokens)
        .put("candidatesTokenCount", outputTokens)
        .put("totalTokenCount", inputTokens + outputTokens);
    response.put("modelVersion", model);
    return response;
  }

  /** The response as the stream sends it: one {@code data:} event. */
  static String event(ObjectNode response) {
    return "data: " + JSON.writeValueAsString(response) + "\r\n\r\n";
  }

  /**
   * A value that satisfies a simple schema, in the API's upper-case types ({@code OBJECT}, {@code
   * STRING}) or JSON Schema's lower-case ones, for side requests that ask for JSON (Gemini CLI's
   * model router, for one).
   */
  static JsonNode sampleOf(JsonNode schema) {
    switch (schema.path("type").asString("string").toLowerCase(Locale.ROOT)) {
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
        return NODES.numberNode(1);
      default:
        return NODES.stringNode("Fake answer");
    }
  }

  /** An error body as the API sends it, e.g. 404 {@code NOT_FOUND}. */
  static String error(int code, String status, String message) {
    ObjectNode error = NODES.objectNode().put("code", code).put("message", message);
    error.put("status", status);
    return JSON.writeValueAsString(NODES.objectNode().set("error", error));
  }
}
