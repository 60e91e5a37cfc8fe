package dev.baton.memory;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Items as ConPort shows them (its field names per item type), so that agents and scripts written
 * for ConPort read baton's answers the same way. The MCP tools and the HTTP API both answer so.
 */
public final class ConPortFields {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ConPortFields() {}

  /**
   * An item with ConPort's field names for its kind, plus who wrote it and whether it is private.
   */
  public static Map<String, Object> of(MemoryItem item) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", item.id());
    m.put("type", item.kind().wireName());
    switch (item.kind()) {
      case DECISION -> {
        m.put("summary", item.title());
        putIf(m, "rationale", item.body());
        putIf(m, "implementation_details", item.details());
      }
      case PROGRESS -> {
        m.put("status", item.status());
        m.put("description", item.title());
        putIf(m, "parent_id", item.parentId());
      }
      case SYSTEM_PATTERN -> {
        m.put("name", item.title());
        putIf(m, "description", item.body());
      }
      case CUSTOM_DATA -> {
        m.put("category", item.category());
        m.put("key", item.title());
        m.put("value", JSON.readTree(item.body()));
      }
    }
    if (!item.tags().isEmpty()) {
      m.put("tags", item.tags());
    }
    putIf(m, "by", item.instance());
    m.put("timestamp", item.updatedAt().toString());
    if (item.isPrivate()) {
      m.put("private", true);
    }
    return m;
  }

  /** A context version: {@code context}, {@code owner}, {@code version}, {@code content}, ... */
  public static Map<String, Object> of(MemoryContext c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("context", c.kind().wireName());
    putIf(m, "owner", c.owner());
    m.put("version", c.version());
    m.put("content", c.content());
    putIf(m, "by", c.instance());
    putIf(m, "timestamp", c.updatedAt() == null ? null : c.updatedAt().toString());
    return m;
  }

  /** A link as ConPort shows it. */
  public static Map<String, Object> of(MemoryLink l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", l.id());
    m.put("source_item_id", l.sourceId());
    m.put("target_item_id", l.targetId());
    m.put("relationship_type", l.relationship());
    putIf(m, "description", l.description());
    putIf(m, "by", l.instance());
    m.put("timestamp", l.createdAt().toString());
    return m;
  }

  /** A linked item: the link's fields, its direction, and the item. */
  public static Map<String, Object> of(LinkedItem li) {
    Map<String, Object> m = of(li.link());
    m.put("direction", li.outgoing() ? "outgoing" : "incoming");
    m.put("item", of(li.item()));
    return m;
  }

  /** A recent-activity summary: {@code since}, one list per item type, and {@code contexts}. */
  public static Map<String, Object> of(RecentActivity a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("since", a.since().toString());
    for (MemoryKind kind : MemoryKind.values()) {
      m.put(
          kind.wireName(),
          a.items().getOrDefault(kind, java.util.List.of()).stream()
              .map(ConPortFields::of)
              .toList());
    }
    m.put("contexts", a.contexts().stream().map(ConPortFields::of).toList());
    return m;
  }

  /**
   * The start of a recent-activity window: {@code since} (ISO-8601) when given, else {@code
   * hoursAgo} hours (default 24) before {@code now}.
   *
   * @throws dev.baton.core.InvalidInputException for a malformed time or a negative number
   */
  public static java.time.Instant since(String since, Double hoursAgo, java.time.Instant now) {
    if (since != null && !since.isBlank()) {
      try {
        return java.time.Instant.parse(since.strip());
      } catch (java.time.format.DateTimeParseException e) {
        throw new dev.baton.core.InvalidInputException(
            "'" + since + "' is not an ISO-8601 time such as 2026-11-21T09:30:00Z");
      }
    }
    double hours = hoursAgo == null ? 24 : hoursAgo;
    if (hours < 0 || Double.isNaN(hours) || hours > 24 * 366) {
      throw new dev.baton.core.InvalidInputException(
          "hours " + hoursAgo + " must be between 0 and " + 24 * 366);
    }
    return now.minusMillis(Math.round(hours * 3_600_000));
  }

  private static void putIf(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
