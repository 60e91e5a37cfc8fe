package dev.baton.memory;

import java.time.Instant;
import java.util.List;

/**
 * One item of the shared memory.
 *
 * @param id unique across kinds and workspaces
 * @param workspace the repository root it belongs to
 * @param title a decision's summary, a progress entry's description, a pattern's name, a custom
 *     item's key
 * @param category a custom item's category; null for other kinds
 * @param body a decision's rationale, a pattern's description, a custom item's value (JSON text)
 * @param details a decision's implementation details
 * @param status a progress entry's status (e.g. TODO, IN_PROGRESS, DONE)
 * @param parentId a progress entry's parent entry
 * @param instance the instance that wrote it (null when a person did, through the CLI)
 * @param isPrivate visible only to {@code instance}
 */
public record MemoryItem(
    long id,
    String workspace,
    MemoryKind kind,
    String title,
    String category,
    String body,
    String details,
    String status,
    Long parentId,
    List<String> tags,
    String instance,
    boolean isPrivate,
    Instant createdAt,
    Instant updatedAt) {
  public MemoryItem {
    tags = List.copyOf(tags);
  }
}
