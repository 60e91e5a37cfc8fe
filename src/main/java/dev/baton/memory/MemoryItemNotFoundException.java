package dev.baton.memory;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.util.Map;

/** No item with that id in the caller's workspace (or it is another instance's private one). */
public final class MemoryItemNotFoundException extends BatonException {
  private static final long serialVersionUID = 1L;

  public MemoryItemNotFoundException(long id) {
    super(
        ErrorCode.NOT_FOUND,
        "no memory item "
            + id
            + " in this workspace; search_memory (MCP) or baton memory search finds items",
        Map.of("id", id));
  }

  /** No custom data under that category and key (visible to the caller). */
  public MemoryItemNotFoundException(String category, String key) {
    super(
        ErrorCode.NOT_FOUND,
        "no custom data '"
            + key
            + "' in category '"
            + category
            + "' in this workspace; get_custom_data (MCP) lists the keys",
        Map.of("category", category, "key", key));
  }
}
