package dev.baton.api;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * The JSON an agent's hook sends on its standard input (Claude Code, Codex and Gemini CLI share the
 * shape): the fields baton reads; others are ignored.
 *
 * @param tool the tool's arguments that can name a file (string values of {@code file_path}, {@code
 *     notebook_path}, {@code path}, {@code absolute_path}, and {@code command}, Codex's patch; an
 *     array {@code command} is kept joined by newlines). A file's new content is skipped, never
 *     held in memory.
 * @param toolFailed true when the tool's result ({@code tool_response}, after the tool ran) has an
 *     {@code error}, as in Gemini CLI's AfterTool after a failed edit
 */
public record HookInput(
    String sessionId,
    String cwd,
    String hookEventName,
    String toolName,
    Map<String, String> tool,
    String source,
    String reason,
    boolean toolFailed) {

  private static final Set<String> TOP_FIELDS =
      Set.of("session_id", "cwd", "hook_event_name", "tool_name", "source", "reason");
  private static final Set<String> TOOL_FIELDS =
      Set.of("file_path", "notebook_path", "path", "absolute_path", "command");

  public HookInput {
    tool = Map.copyOf(tool);
  }

  /** One of the tool's arguments (see above), or null. */
  public String toolArgument(String name) {
    String value = tool.get(name);
    return value == null || value.isBlank() ? null : value;
  }

  /**
   * Reads a hook document as a stream, keeping only the fields above.
   *
   * @throws BatonException {@code invalid_json} when the document is not a JSON object
   */
  static HookInput read(InputStream in) {
    Map<String, String> top = new HashMap<>();
    Map<String, String> tool = new HashMap<>();
    boolean failed = false;
    try (JsonParser p = Json.MAPPER.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new BatonException(ErrorCode.INVALID_JSON, "the hook document is not a JSON object");
      }
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("tool_input") && value == JsonToken.START_OBJECT) {
          readTool(p, tool);
        } else if (name.equals("tool_response") && value == JsonToken.START_OBJECT) {
          failed = hasError(p);
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
    return new HookInput(
        top.get("session_id"),
        top.get("cwd"),
        top.get("hook_event_name"),
        top.get("tool_name"),
        tool,
        top.get("source"),
        top.get("reason"),
        failed);
  }

  /** Reads past an object, telling whether it has an {@code error} that is not null. */
  private static boolean hasError(JsonParser p) {
    boolean error = false;
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      error |= field.equals("error") && v != JsonToken.VALUE_NULL && v != JsonToken.VALUE_FALSE;
      p.skipChildren();
    }
    return error;
  }

  private static void readTool(JsonParser p, Map<String, String> tool) {
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (!TOOL_FIELDS.contains(field)) {
        p.skipChildren();
      } else if (v == JsonToken.VALUE_STRING) {
        tool.put(field, p.getString());
      } else if (v == JsonToken.START_ARRAY) {
        StringBuilder joined = new StringBuilder();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          if (p.currentToken() == JsonToken.VALUE_STRING) {
            joined.append(joined.isEmpty() ? "" : "\n").append(p.getString());
          } else {
            p.skipChildren();
          }
        }
        tool.put(field, joined.toString());
      } else {
        p.skipChildren();
      }
    }
  }
}
