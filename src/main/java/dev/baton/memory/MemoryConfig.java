package dev.baton.memory;

import java.util.Locale;

/**
 * The shared memory's settings ({@code memory:} in the configuration).
 *
 * @param maxItemChars the most characters of text in one item (all its fields together)
 * @param maxResults the most items one query returns
 * @param tools which memory tools each MCP endpoint lists
 */
public record MemoryConfig(int maxItemChars, int maxResults, ToolSet tools) {
  public static final int DEFAULT_MAX_ITEM_CHARS = 64 * 1024;
  public static final MemoryConfig DEFAULTS =
      new MemoryConfig(DEFAULT_MAX_ITEM_CHARS, 200, ToolSet.COMPACT);

  /** The memory tools on every endpoint; each costs an agent tokens. */
  public enum ToolSet {
    /** None: the memory is reached over HTTP and the CLI only. */
    OFF,
    /** {@code log_decision}, {@code log_progress}, {@code search_memory}. */
    COMPACT,
    /** The compact set plus ConPort's other operations that baton implements. */
    FULL;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
