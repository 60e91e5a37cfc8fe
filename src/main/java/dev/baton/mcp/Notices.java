package dev.baton.mcp;

import dev.baton.events.Event;
import dev.baton.handoff.HandoffEvents;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import java.util.Optional;

/**
 * Which events an agent is told of at once over its MCP session, and in what words: handoffs to it,
 * answers to its handoffs, and messages that are not of low importance (those wait for a digest).
 */
public final class Notices {
  private Notices() {}

  /**
   * @param level how loud
   * @param text what the agent reads
   */
  public record Notice(LoggingLevel level, String text) {}

  /** The notice for the event's instance, or empty when it is not one to push. */
  public static Optional<Notice> of(Event e) {
    if (e.instance() == null) {
      return Optional.empty();
    }
    Object id = e.data().get("handoff");
    switch (e.type()) {
      case HandoffEvents.SENT:
        return Optional.of(
            new Notice(
                LoggingLevel.WARNING,
                "baton: handoff #"
                    + id
                    + " from "
                    + e.data().get("from")
                    + " ("
                    + e.data().get("kind")
                    + "): "
                    + e.data().get("summary")
                    + " Answer with handoff_accept or handoff_decline."));
      case HandoffEvents.ACCEPTED:
      case HandoffEvents.DECLINED:
      case HandoffEvents.EXPIRED:
        return Optional.of(
            new Notice(
                e.type().equals(HandoffEvents.ACCEPTED)
                    ? LoggingLevel.NOTICE
                    : LoggingLevel.WARNING,
                "baton: your handoff #"
                    + id
                    + " to "
                    + e.data().get("to")
                    + " was "
                    + e.type().substring("handoff.".length())
                    + (e.data().get("note") == null ? "." : ": " + e.data().get("note"))));
      case HandoffEvents.MESSAGE:
        if ("low".equals(e.data().get("importance")) || id != null) {
          return Optional.empty();
        }
        return Optional.of(
            new Notice(
                "urgent".equals(e.data().get("importance"))
                    ? LoggingLevel.WARNING
                    : LoggingLevel.NOTICE,
                "baton: message #"
                    + e.data().get("message")
                    + " from "
                    + e.data().get("from")
                    + ": "
                    + e.data().get("text")
                    + (Boolean.TRUE.equals(e.data().get("ackRequested"))
                        ? " (acknowledge with inbox ack)"
                        : "")));
      default:
        return Optional.empty();
    }
  }
}
