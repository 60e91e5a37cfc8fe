package dev.baton.testing;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What a finished {@code claude -p} printed: its exit code, its stream-json output (one event a
 * line) and its error output, and the session it ran (null when it never got that far).
 */
public record ClaudeRun(int exitCode, String stdout, String stderr, String sessionId) {

  /** Reads the session id from the first stream-json event that names one. */
  static ClaudeRun of(int exitCode, String stdout, String stderr) {
    String session = null;
    for (JsonNode event : events(stdout)) {
      if (event.hasNonNull("session_id")) {
        session = event.get("session_id").asString();
        break;
      }
    }
    return new ClaudeRun(exitCode, stdout, stderr, session);
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
                    "claude exited "
                        + exitCode
                        + " without a result event; stderr: "
                        + stderr
                        + " stdout: "
                        + stdout));
  }

  /** The text of the final answer (the {@code result} event's {@code result}). */
  public String resultText() {
    return result().path("result").asString("");
  }

  private static List<JsonNode> events(String stdout) {
    List<JsonNode> events = new ArrayList<>();
    for (String line : stdout.split("\n")) {
      if (line.startsWith("{")) {
        try {
          events.add(AnthropicWire.JSON.readTree(line));
        } catch (RuntimeException e) {
          // a line cut short by a kill, or not JSON: not an event
        }
      }
    }
    return events;
  }
}
