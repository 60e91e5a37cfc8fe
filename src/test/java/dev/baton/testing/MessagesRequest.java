package dev.baton.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One main-loop request that Claude Code sent to {@code POST /v1/messages}: the session it came
 * from (header {@code X-Claude-Code-Session-Id}) and its JSON body, which carries the whole
 * conversation so far.
 */
public record MessagesRequest(String sessionId, JsonNode body) {
  /**
   * How Claude Code (2.1.x) announces the tools it defers behind ToolSearch, MCP tools among them:
   * this sentence, then one name per line up to an empty line, in a text block of the messages.
   */
  static final String DEFERRED_TOOLS =
      "The following deferred tools are now available via ToolSearch";

  /** A tool_result block that Claude Code sent back for one of the model's tool calls. */
  public record ToolResult(String toolUseId, String toolName, String text, boolean isError) {}

  /** The names in the request's {@code tools} array. */
  public List<String> toolNames() {
    List<String> names = new ArrayList<>();
    body.path("tools").forEach(tool -> names.add(tool.path("name").asString()));
    return names;
  }

  /**
   * The tools Claude Code announced by name only (MCP tools by default): their schemas are loaded
   * through ToolSearch, but a direct call works too.
   */
  public List<String> deferredToolNames() {
    List<String> names = new ArrayList<>();
    for (String text : texts()) {
      int at = text.indexOf(DEFERRED_TOOLS);
      if (at < 0) {
        continue;
      }
      String[] lines = text.substring(at).split("\n", -1);
      for (int i = 1; i < lines.length && !lines[i].isBlank(); i++) {
        names.add(lines[i].strip());
      }
    }
    return names;
  }

  /** Every tool_result block in the conversation, oldest first, named after its tool_use. */
  public List<ToolResult> toolResults() {
    Map<String, String> toolNames = new HashMap<>();
    List<ToolResult> results = new ArrayList<>();
    for (JsonNode message : body.path("messages")) {
      for (JsonNode block : message.path("content")) {
        String type = block.path("type").asString("");
        if (type.equals("tool_use")) {
          toolNames.put(block.path("id").asString(), block.path("name").asString());
        } else if (type.equals("tool_result")) {
          String id = block.path("tool_use_id").asString();
          results.add(
              new ToolResult(
                  id,
                  toolNames.get(id),
                  textOf(block.path("content")),
                  block.path("is_error").asBoolean(false)));
        }
      }
    }
    return results;
  }

  /** The text of the system prompt and of every text block of the messages. */
  public List<String> texts() {
    List<String> texts = new ArrayList<>();
    body.path("system").forEach(block -> texts.add(block.path("text").asString("")));
    for (JsonNode message : body.path("messages")) {
      JsonNode content = message.path("content");
      if (content.isString()) {
        texts.add(content.asString());
      }
      content.forEach(block -> texts.add(block.path("text").asString("")));
    }
    return texts;
  }

  /** A tool result's content is either a string or a list of blocks (MCP tools). */
  private static String textOf(JsonNode content) {
    if (content.isString()) {
      return content.asString();
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode block : content) {
      if (block.path("type").asString("").equals("text")) {
        text.append(text.length() == 0 ? "" : "\n").append(block.path("text").asString());
      }
    }
    return text.toString();
  }
}
