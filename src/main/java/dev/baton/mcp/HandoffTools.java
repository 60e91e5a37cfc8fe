package dev.baton.mcp;

import static dev.baton.mcp.ToolArgs.flag;
import static dev.baton.mcp.ToolArgs.id;
import static dev.baton.mcp.ToolArgs.prop;
import static dev.baton.mcp.ToolArgs.props;
import static dev.baton.mcp.ToolArgs.schema;
import static dev.baton.mcp.ToolArgs.string;
import static dev.baton.mcp.ToolArgs.strings;
import static dev.baton.mcp.ToolArgs.whole;

import dev.baton.handoff.CheckpointService;
import dev.baton.handoff.HandoffFields;
import dev.baton.handoff.HandoffRequest;
import dev.baton.handoff.HandoffService;
import dev.baton.handoff.Importance;
import dev.baton.handoff.MessageRequest;
import dev.baton.handoff.MessageService;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Handoffs, messages and checkpoints as MCP tools: {@code handoff}, {@code handoff_accept}, {@code
 * handoff_decline}, {@code send_message}, {@code inbox} and {@code checkpoint}, each for the
 * calling instance.
 */
final class HandoffTools {
  private static final int DEFAULT_LIMIT = 20;

  private final HandoffService handoffs;
  private final MessageService messages;
  private final CheckpointService checkpoints;
  private final Callers callers;

  HandoffTools(
      HandoffService handoffs,
      MessageService messages,
      CheckpointService checkpoints,
      Callers callers) {
    this.handoffs = handoffs;
    this.messages = messages;
    this.checkpoints = checkpoints;
    this.callers = callers;
  }

  List<SyncToolSpecification> forRole(String role) {
    Map<String, Object> handoffId = prop("integer", "the handoff's id");
    Map<String, Object> files = new LinkedHashMap<>();
    files.put("type", List.of("boolean", "array"));
    files.put("items", Map.of("type", "string"));
    files.put("description", "true: all your leases; or paths");
    return List.of(
        tool(
            "handoff",
            "Hand your work to another agent; leases on include_files move to it.",
            schema(
                props(
                    "to", prop("string", "instance id or role:<name>"),
                    "kind", prop("string", "e.g. debugging_session"),
                    "summary", prop("string", "what they need to know"),
                    "include_files", files,
                    "include_checkpoints", prop("boolean", "add your checkpoints")),
                "to",
                "summary"),
            role,
            (me, args) -> {
              Object f = args.get("include_files");
              boolean all = f instanceof Boolean b && b;
              List<String> paths =
                  f instanceof Boolean ? List.of() : strings(args, "include_files");
              return HandoffFields.of(
                  handoffs.send(
                      new HandoffRequest(
                          me.id(),
                          string(args, "to"),
                          string(args, "kind"),
                          string(args, "summary"),
                          all,
                          paths,
                          flag(args, "include_checkpoints"))));
            }),
        tool(
            "handoff_accept",
            "Accept a handoff to you.",
            schema(
                props("handoff_id", handoffId, "note", prop("string", "optional")), "handoff_id"),
            role,
            (me, args) ->
                HandoffFields.of(handoffs.accept(handoff(args), me.id(), string(args, "note")))),
        tool(
            "handoff_decline",
            "Decline a handoff to you; its leases go back.",
            schema(props("handoff_id", handoffId, "note", prop("string", "why")), "handoff_id"),
            role,
            (me, args) ->
                HandoffFields.of(handoffs.decline(handoff(args), me.id(), string(args, "note")))),
        tool(
            "send_message",
            "Message an agent, a role, all, or the person (human). Low importance waits for a digest.",
            schema(
                props(
                    "to", prop("string", "instance id, role:<name>, all, or human (the person)"),
                    "text", prop("string", "the message"),
                    "importance", prop("string", "low, normal or urgent"),
                    "ack_required", prop("boolean", "ask for acknowledgement")),
                "to",
                "text"),
            role,
            (me, args) -> {
              var sent =
                  messages.send(
                      new MessageRequest(
                          me.id(),
                          null,
                          string(args, "to"),
                          string(args, "text"),
                          Importance.of(string(args, "importance")),
                          flag(args, "ack_required")));
              Map<String, Object> out = new LinkedHashMap<>();
              out.put("message", sent.get(0).message().id());
              out.put("recipients", sent.stream().map(e -> e.recipient()).toList());
              return out;
            }),
        tool(
            "inbox",
            "Your messages and handoffs; marks them read.",
            schema(
                props(
                    "unread_only", prop("boolean", "default true"),
                    "ack",
                        Map.of(
                            "type",
                            "array",
                            "items",
                            Map.of("type", "integer"),
                            "description",
                            "ids to acknowledge"),
                    "limit", prop("integer", "default 20")),
                new String[0]),
            role,
            (me, args) -> {
              Map<String, Object> out = new LinkedHashMap<>();
              List<Long> ack = ids(args.get("ack"));
              if (!ack.isEmpty()) {
                out.put("acknowledged", HandoffFields.entries(messages.acknowledge(me.id(), ack)));
              }
              boolean unreadOnly = !args.containsKey("unread_only") || flag(args, "unread_only");
              int limit = args.get("limit") == null ? DEFAULT_LIMIT : whole(args, "limit");
              out.put(
                  "messages",
                  HandoffFields.entries(messages.inbox(me.id(), unreadOnly, true, limit)));
              return out;
            }),
        tool(
            "checkpoint",
            "Save where you are for whoever resumes.",
            schema(props("summary", prop("string", "done and next")), "summary"),
            role,
            (me, args) ->
                HandoffFields.of(checkpoints.take(me.id(), "agent", string(args, "summary")))));
  }

  private static long handoff(Map<String, Object> args) {
    Long id = id(args, "handoff_id");
    if (id == null) {
      throw new IllegalArgumentException("argument 'handoff_id' is required");
    }
    return id;
  }

  private static List<Long> ids(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new IllegalArgumentException("argument 'ack' must be an array of message ids");
    }
    return list.stream()
        .map(
            o -> {
              if (!(o instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw new IllegalArgumentException(
                    "argument 'ack' must be an array of message ids");
              }
              return n.longValue();
            })
        .toList();
  }

  private SyncToolSpecification tool(
      String name,
      String description,
      Map<String, Object> schema,
      String role,
      ToolArgs.Handler handler) {
    return ToolArgs.tool(callers, name, description, schema, role, handler);
  }
}
