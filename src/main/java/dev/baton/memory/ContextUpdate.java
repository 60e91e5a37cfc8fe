package dev.baton.memory;

import java.util.Map;

/**
 * A change to a context document: either the whole new {@code content}, or a {@code patch} whose
 * keys replace the content's and whose value {@code "__DELETE__"} removes a key (ConPort's {@code
 * patch_content}).
 *
 * @param owner the instance whose own active context to change; null for the shared one
 * @param instance who writes it (null: a person)
 */
public record ContextUpdate(
    String workspace,
    ContextKind kind,
    String owner,
    Map<String, Object> content,
    Map<String, Object> patch,
    String instance) {

  /** The patch value that removes a key. */
  public static final String DELETE = "__DELETE__";
}
