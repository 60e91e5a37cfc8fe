package dev.baton.api;

import dev.baton.core.InvalidInputException;
import dev.baton.handoff.CheckpointService;
import dev.baton.handoff.HandoffFields;
import dev.baton.handoff.HandoffRequest;
import dev.baton.handoff.HandoffService;
import dev.baton.handoff.HandoffStatus;
import dev.baton.handoff.Importance;
import dev.baton.handoff.InboxEntry;
import dev.baton.handoff.MessageRequest;
import dev.baton.handoff.MessageService;
import dev.baton.registry.WorkspaceResolver;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /v1/handoffs}, {@code /v1/messages} and {@code /v1/checkpoints}: hand work over, message
 * and read an inbox, checkpoint and resume.
 */
public final class HandoffRoutes {
  private static final int DEFAULT_LIMIT = 20;

  private final HandoffService handoffs;
  private final MessageService messages;
  private final CheckpointService checkpoints;
  private final WorkspaceResolver workspaces;

  public HandoffRoutes(
      HandoffService handoffs,
      MessageService messages,
      CheckpointService checkpoints,
      WorkspaceResolver workspaces) {
    this.handoffs = handoffs;
    this.messages = messages;
    this.checkpoints = checkpoints;
    this.workspaces = workspaces;
  }

  /** {@code POST /v1/handoffs}. */
  public record HandoffBody(
      String from,
      String to,
      String kind,
      String summary,
      List<String> files,
      Boolean allFiles,
      Boolean includeCheckpoints) {}

  /** {@code POST /v1/handoffs/{id}/accept} and {@code /decline}. */
  public record AnswerBody(String instance, String note) {}

  /** {@code POST /v1/messages}: from an instance, or from a person in {@code workspace}. */
  public record MessageBody(
      String from,
      String workspace,
      String to,
      String text,
      String importance,
      Boolean ackRequested) {}

  /** {@code POST /v1/messages/ack}. */
  public record AckBody(String instance, List<Long> ids) {}

  /** {@code POST /v1/checkpoints}. */
  public record CheckpointBody(String instance, String summary) {}

  public Router addTo(Router router) {
    return router
        .add("POST", "/v1/handoffs", this::send)
        .add("GET", "/v1/handoffs", this::list)
        .add("GET", "/v1/handoffs/{id}", ex -> Reply.ok(HandoffFields.of(handoffs.get(id(ex)))))
        .add("POST", "/v1/handoffs/{id}/accept", ex -> answer(ex, true))
        .add("POST", "/v1/handoffs/{id}/decline", ex -> answer(ex, false))
        .add("POST", "/v1/messages", this::message)
        .add("GET", "/v1/messages", this::inbox)
        .add("POST", "/v1/messages/ack", this::ack)
        .add(
            "GET",
            "/v1/messages/{id}",
            ex -> Reply.ok(Map.of("deliveries", HandoffFields.entries(messages.message(id(ex))))))
        .add("POST", "/v1/checkpoints", this::checkpoint)
        .add("GET", "/v1/checkpoints", this::checkpoints)
        .add("GET", "/v1/checkpoints/resume", this::resume);
  }

  private Reply send(Exchange ex) {
    HandoffBody b =
        ex.body(
            HandoffBody.class,
            "{\"from\": \"claude-1a2b3c4d\", \"to\": \"role:debugger\", \"summary\": \"...\","
                + " \"files\": [\"src/A.java\"]}");
    return Reply.created(
        HandoffFields.of(
            handoffs.send(
                new HandoffRequest(
                    b.from(),
                    b.to(),
                    b.kind(),
                    b.summary(),
                    Boolean.TRUE.equals(b.allFiles()),
                    b.files(),
                    Boolean.TRUE.equals(b.includeCheckpoints())))));
  }

  private Reply list(Exchange ex) {
    String status = ex.query("status");
    return Reply.ok(
        Map.of(
            "handoffs",
            handoffs
                .list(
                    root(ex.query("workspace")),
                    ex.query("instance"),
                    status == null || status.isBlank() ? null : HandoffStatus.of(status),
                    limit(ex))
                .stream()
                .map(HandoffFields::of)
                .toList()));
  }

  private Reply answer(Exchange ex, boolean accept) {
    AnswerBody b =
        ex.body(AnswerBody.class, "{\"instance\": \"claude-1a2b3c4d\", \"note\": \"on it\"}");
    long id = id(ex);
    return Reply.ok(
        HandoffFields.of(
            accept
                ? handoffs.accept(id, b.instance(), b.note())
                : handoffs.decline(id, b.instance(), b.note())));
  }

  private Reply message(Exchange ex) {
    MessageBody b =
        ex.body(
            MessageBody.class,
            "{\"from\": \"claude-1a2b3c4d\", \"to\": \"all\", \"text\": \"main is green again\"}");
    List<InboxEntry> sent =
        messages.send(
            new MessageRequest(
                b.from(),
                b.workspace(),
                b.to(),
                b.text(),
                Importance.of(b.importance()),
                Boolean.TRUE.equals(b.ackRequested())));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("message", sent.get(0).message().id());
    out.put("recipients", sent.stream().map(InboxEntry::recipient).toList());
    return Reply.created(out);
  }

  private Reply inbox(Exchange ex) {
    String instance = ex.query("instance");
    if (instance == null || instance.isBlank()) {
      throw new InvalidInputException(
          "query parameter 'instance' is required: whose inbox", Map.of("field", "instance"));
    }
    boolean unread = "true".equals(ex.query("unread"));
    boolean markRead = "true".equals(ex.query("markRead"));
    return Reply.ok(
        Map.of(
            "messages",
            HandoffFields.entries(messages.inbox(instance, unread, markRead, limit(ex)))));
  }

  private Reply ack(Exchange ex) {
    AckBody b = ex.body(AckBody.class, "{\"instance\": \"claude-1a2b3c4d\", \"ids\": [3, 4]}");
    return Reply.ok(
        Map.of(
            "acknowledged",
            HandoffFields.entries(
                messages.acknowledge(b.instance(), b.ids() == null ? List.of() : b.ids()))));
  }

  private Reply checkpoint(Exchange ex) {
    CheckpointBody b =
        ex.body(
            CheckpointBody.class,
            "{\"instance\": \"claude-1a2b3c4d\", \"summary\": \"parser done, tests next\"}");
    return Reply.created(
        HandoffFields.of(
            checkpoints.take(b.instance(), b.summary() == null ? "manual" : "agent", b.summary())));
  }

  private Reply checkpoints(Exchange ex) {
    return Reply.ok(
        Map.of(
            "checkpoints",
            checkpoints
                .list(
                    ex.query("workspace"),
                    ex.query("instance"),
                    "true".equals(ex.query("latest")),
                    limit(ex))
                .stream()
                .map(HandoffFields::of)
                .toList()));
  }

  private Reply resume(Exchange ex) {
    String instance = ex.query("instance");
    String workspace = ex.query("workspace");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("text", checkpoints.resume(workspace, instance));
    out.put(
        "checkpoints",
        checkpoints
            .list(instance == null || instance.isBlank() ? workspace : null, instance, true, 20)
            .stream()
            .map(HandoffFields::of)
            .toList());
    return Reply.ok(out);
  }

  private String root(String directory) {
    if (directory == null || directory.isBlank()) {
      return null;
    }
    return workspaces.resolve(Path.of(directory).toAbsolutePath().normalize()).root().toString();
  }

  private static long id(Exchange ex) {
    try {
      return Long.parseLong(ex.pathParam("id"));
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          "id '" + ex.pathParam("id") + "' is not a number", Map.of("field", "id"));
    }
  }

  private static int limit(Exchange ex) {
    String l = ex.query("limit");
    if (l == null || l.isBlank()) {
      return DEFAULT_LIMIT;
    }
    try {
      return Integer.parseInt(l);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          "limit '" + l + "' is not a number", Map.of("field", "limit"));
    }
  }
}
