package dev.baton.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One main-loop request that Gemini CLI sent to {@code POST
 * /v1beta/models/<model>:streamGenerateContent}: the model named in the path and the JSON body,
 * which carries the whole conversation so far ({@code contents}), the system prompt ({@code
 * systemInstruction}) and the tools offered ({@code tools[].functionDeclarations}).
 */
public record GenerateContentRequest(String model, JsonNode body) {

  /**
   * A {@code functionResponse} part that Gemini CLI sent back for one of the model's calls: its
   * {@code response.output} (a denied or failed call has {@code response.error} instead).
   */
  public record ToolResult(String callId, String toolName, String text, boolean isError) {}

  /** The names of the function declarations offered, e.g. {@code write_file}, {@code mcp_s_t}. */
  public List<String> toolNames() {
    List<String> names = new ArrayList<>();
    for (JsonNode tool : body.path("tools")) {
      tool.path("functionDeclarations").forEach(f -> names.add(f.path("name").asString()));
    }
    return names;
  }

  /** Every functionResponse part in the conversation, oldest first. */
  public List<ToolResult> toolResults() {
    Map<String, String> names = new HashMap<>();
    List<ToolResult> results = new ArrayList<>();
    for (JsonNode content : body.path("contents")) {
      for (JsonNode part : content.path("parts")) {
        JsonNode call = part.path("functionCall");
        if (call.isObject()) {
          names.put(call.path("id").asString(""), call.path("name").asString());
        }
        JsonNode response = part.path("functionResponse");
        if (response.isObject()) {
          String id = response.path("id").asString("");
          JsonNode value = response.path("response");
          boolean error = value.has("error");
          JsonNode text = error ? value.path("error") : value.path("output");
          results.add(
              new ToolResult(
                  id,
                  names.getOrDefault(id, response.path("name").asString()),
                  text.isString() ? text.asString() : GeminiWire.JSON.writeValueAsString(value),
                  error));
        }
      }
    }
    return results;
  }

  /** The text of the system instruction and of every text part of the conversation. */
  public List<String> texts() {
    List<String> texts = new ArrayList<>();
    body.path("systemInstruction")
        .path("parts")
        .forEach(part -> texts.add(part.path("text").asString("")));
    for (JsonNode content : body.path("contents")) {
      for (JsonNode part : content.path("parts")) {
        if (part.has("text")) {
          texts.add(part.path("text").asString(""));
        }
      }
    }
    return texts;
  }
}
