package dev.baton.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON Claude Code sends on a hook's standard input (the fields baton reads; others are
 * ignored).
 */
public record ClaudeHookInput(
    @JsonProperty("session_id") String sessionId,
    @JsonProperty("cwd") String cwd,
    @JsonProperty("hook_event_name") String hookEventName,
    @JsonProperty("tool_name") String toolName,
    @JsonProperty("tool_input") JsonNode toolInput,
    @JsonProperty("source") String source,
    @JsonProperty("reason") String reason) {

  /**
   * Reads a hook document as a stream, keeping only the fields above: a Write's file content is
   * skipped, never held in memory.
   *
   * @throws BatonException {@code invalid_json} when the document is not a JSON object
   */
  static ClaudeHookInput read(InputStream in) {
    Map<String, String> top = new HashMap<>();
    Map<String, String> tool = new HashMap<>();
    try (JsonParser p = Json.MAPPER.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new BatonException(ErrorCode.INVALID_JSON, "the hook document is not a JSON object");
      }
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("tool_input") && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_STRING
                && (field.equals("file_path") || field.equals("notebook_path"))) {
              tool.put(field, p.getString());
            } else {
              p.skipChildren();
            }
          }
        } else if (value == JsonToken.VALUE_STRING && TOP_FIELDS.contains(name)) {
          top.put(name, p.getString());
        } else {
          p.skipChildren();
        }
      }
    } catch (JacksonException e) {
      throw new BatonException(
          ErrorCode.INVALID_JSON, "the hook document is not valid JSON: " + e.getOriginalMessage());
    }
    ObjectNode toolInput = Json.MAPPER.createObjectNode();
    tool.forEach(toolInput::put);
    return new ClaudeHookInput(
        top.get("session_id"),
        top.get("cwd"),
        top.get("hook_event_name"),
        top.get("tool_name"),
        toolInput,
        top.get("source"),
        top.get("reason"));
  }

  private static final Set<String> TOP_FIELDS =
      Set.of("session_id", "cwd", "hook_event_name", "tool_name", "source", "reason");

  /** The file an editing tool is about to change, or null. */
  String editedFile() {
    if (toolInput == null) {
      return null;
    }
    for (String key : new String[] {"file_path", "notebook_path"}) {
      JsonNode value = toolInput.path(key);
      if (value.isString() && !value.asString().isBlank()) {
        return value.asString();
      }
    }
    return null;
  }
}
