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

  private static void putIf(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
