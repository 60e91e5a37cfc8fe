package dev.baton.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;

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
