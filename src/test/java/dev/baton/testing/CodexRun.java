package dev.baton.testing;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What a finished {@code codex exec --json} printed: its exit code, its JSONL events (one a line)
 * and its error output, and the thread it ran (from {@code thread.started}; null when it never got
 * that far). The thread id is the {@code session_id} Codex's hooks get.
 */
public record CodexRun(int exitCode, String stdout, String stderr, String threadId) {

  /** Reads the thread id from the {@code thread.started} event. */
  static CodexRun of(int exitCode, String stdout, String stderr) {
    String thread = null;
    for (JsonNode event : events(stdout)) {
      if (event.path("type").asString("").equals("thread.started")) {
        thread = event.path("thread_id").asString(null);
        break;
      }
    }
    return new CodexRun(exitCode, stdout, stderr, thread);
  }

  /** The JSONL events; lines that are not JSON are skipped. */
  public List<JsonNode> events() {
    return events(stdout);
  }

  /**
   * The items of {@code item.completed} events, e.g. {@code agent_message}, {@code file_change}.
   */
  public List<JsonNode> completedItems() {
    return events().stream()
        .filter(e -> e.path("type").asString("").equals("item.completed"))
        .map(e -> e.path("item"))
        .toList();
  }

  /** The text of the last {@code agent_message}, or an AssertionError that shows the output. */
  public String lastMessage() {
    return completedItems().stream()
        .filter(item -> item.path("type").asString("").equals("agent_message"))
        .map(item -> item.path("text").asString(""))
        .reduce((first, second) -> second)
        .orElseThrow(
            () ->
                new AssertionError(
                    "codex exited "
                        + exitCode
                        + " without an agent message; stderr: "
                        + stderr
                        + " stdout: "
                        + stdout));
  }

  private static List<JsonNode> events(String stdout) {
    List<JsonNode> events = new ArrayList<>();
    for (String line : stdout.split("\n")) {
      if (line.startsWith("{")) {
        try {
          events.add(OpenAiWire.JSON.readTree(line));
        } catch (RuntimeException e) {
          // a line cut short by a kill, or not JSON: not an event
        }
      }
    }
    return events;
  }
}
