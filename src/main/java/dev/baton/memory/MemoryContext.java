package dev.baton.memory;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One version of a context document.
 *
 * @param owner the instance whose own active context it is; null for the workspace's shared one
 * @param version 1 for the first content; 0 for a context never written (then empty)
 * @param content a JSON object
 * @param instance who wrote this version (null: a person, or never written)
 * @param updatedAt when this version was written (null when never)
 */
public record MemoryContext(
    String workspace,
    ContextKind kind,
    String owner,
    int version,
    Map<String, Object> content,
    String instance,
    Instant updatedAt) {
  public MemoryContext {
    content = Collections.unmodifiableMap(new LinkedHashMap<>(content));
  }

  /** A context nobody has written yet. */
  public static MemoryContext empty(String workspace, ContextKind kind, String owner) {
    return new MemoryContext(workspace, kind, owner, 0, Map.of(), null, null);
  }
}
