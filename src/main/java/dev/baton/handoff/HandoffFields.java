package dev.baton.handoff;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Handoffs, messages and checkpoints as JSON objects, the same over MCP and HTTP. */
public final class HandoffFields {
  private HandoffFields() {}

  public static Map<String, Object> of(Handoff h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", h.id());
    m.put("workspace", h.workspace().toString());
    m.put("from", h.from());
    m.put("to", h.to());
    if (h.toRole() != null) {
      m.put("toRole", h.toRole());
    }
    m.put("kind", h.kind());
    m.put("summary", h.summary());
    m.put("files", h.files());
    m.put("leases", h.leases());
    m.put("checkpoints", h.checkpoints());
    m.put("status", h.status().wireName());
    if (h.answer() != null) {
      m.put("answer", h.answer());
    }
    m.put("createdAt", h.createdAt().toString());
    if (h.answeredAt() != null) {
      m.put("answeredAt", h.answeredAt().toString());
    }
    m.put("expiresAt", h.expiresAt().toString());
    return m;
  }

  public static Map<String, Object> of(InboxEntry e) {
    Message msg = e.message();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", msg.id());
    m.put("from", msg.from());
    m.put("to", msg.address());
    m.put("recipient", e.recipient());
    m.put("importance", msg.importance().wireName());
    m.put("text", msg.text());
    if (msg.handoffId() != null) {
      m.put("handoff", msg.handoffId());
    }
    m.put("ackRequested", msg.ackRequested());
    m.put("sentAt", msg.createdAt().toString());
    m.put("readAt", e.readAt() == null ? null : e.readAt().toString());
    m.put("ackedAt", e.ackedAt() == null ? null : e.ackedAt().toString());
    return m;
  }

  public static Map<String, Object> of(Checkpoint c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id());
    m.put("workspace", c.workspace().toString());
    m.put("instance", c.instance());
    m.put("role", c.role());
    m.put("reason", c.reason());
    m.put("summary", c.summary());
    m.put("activeContext", c.activeContext());
    m.put("leases", c.leases());
    m.put("branch", c.branch());
    m.put("head", c.head());
    m.put("changedFiles", c.changedFiles());
    m.put("items", c.items());
    m.put("createdAt", c.createdAt().toString());
    return m;
  }

  public static List<Map<String, Object>> entries(List<InboxEntry> entries) {
    return entries.stream().map(HandoffFields::of).toList();
  }
}
