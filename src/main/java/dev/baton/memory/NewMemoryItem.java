package dev.baton.memory;

import java.util.List;

/**
 * An item to log; the fields mean what they mean in {@link MemoryItem}. Custom data and system
 * patterns replace the item with the same key (category and key, or name) in the workspace.
 */
public record NewMemoryItem(
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
    boolean isPrivate) {
  public NewMemoryItem {
    tags = tags == null ? List.of() : List.copyOf(tags);
  }
}
