package dev.baton.memory;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a ConPort database or markdown export holds, ready to be stored in one transaction. Every
 * item and link carries its origin ({@code conport:<table>:<id>}, {@code markdown:<file>:<key>}),
 * so that importing the same source again adds nothing twice.
 */
public record ConPortImport(List<Item> items, List<Link> links, List<Context> contexts) {
  public ConPortImport {
    items = List.copyOf(items);
    links = List.copyOf(links);
    contexts = List.copyOf(contexts);
  }

  /**
   * @param parentOrigin a progress entry's parent, by origin
   */
  public record Item(
      String origin,
      NewMemoryItem item,
      String parentOrigin,
      Instant createdAt,
      Instant updatedAt) {}

  public record Link(
      String origin,
      String sourceOrigin,
      String targetOrigin,
      String relationship,
      String description,
      Instant createdAt) {}

  /**
   * @param history earlier contents, oldest first
   */
  public record Context(
      ContextKind kind, Map<String, Object> content, List<Map<String, Object>> history) {
    public Context {
      history = List.copyOf(history);
    }
  }
}
