package dev.baton.testing;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What a finished {@code gemini -p} printed: its exit code, its stream-json output (one event a
 * line: {@code init}, {@code message}, {@code tool_use}, {@code tool_result}, {@code result}) and
 * its error output, and the session it ran (null when it never got that far).
 */
public record GeminiRun(int exitCode, String stdout, String stderr, String sessionId) {

  /** Reads the session id from the first stream-json event that names one ({@code init}). */
  static GeminiRun of(int exitCode, String stdout, String stderr) {
    String session = null;
    for (JsonNode event : events(stdout)) {
      if (event.hasNonNull("session_id")) {
        session = event.get("session_id").asString();
        break;
      }
    }
    return new GeminiRun(exitCode, stdout, stderr, session);
  }

  /** The stream-json events; lines that are not JSON are skipped. */
  public List<JsonNode> events() {
    return events(stdout);
  }

  /** The final {@code result} event, or an AssertionError that shows the output. */
  public JsonNode result() {
    return events().stream()
        .filter(event -> event.path("type").asString("").equals("result"))
        .reduce((first, second) -> second)
        .orElseThrow(
            () ->
                new AssertionError(
                    "gemini exited "
                        + exitCode
                        + " without a result event; stderr: "
                        + stderr
                        + " stdout: "
                        + stdout));
  }

  /** The assistant's text of the run, its streamed pieces joined. */
  public String resultText() {
    StringBuilder text = new StringBuilder();
    for (JsonNode event : events()) {
      if (event.path("type").asString("").equals("message")
          && event.path("role").asString("").equals("assistant")) {
        text.append(event.path("content").asString(""));
      }
    }
    return text.toString();
  }

  private static List<JsonNode> events(String stdout) {
    List<JsonNode> events = new ArrayList<>();
    for (String line : stdout.split("\n")) {
      if (line.startsWith("{")) {
        try {
          events.add(GeminiWire.JSON.readTree(line));
        } catch (RuntimeException e) {
          // a line cut short by a kill, or not JSON: not an event
        }
      }
    }
    return events;
  }
}
