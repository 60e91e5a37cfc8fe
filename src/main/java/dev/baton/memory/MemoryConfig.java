package dev.baton.memory;

import dev.baton.core.ConfigSection;
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

  /** Reads the {@code memory:} section of the configuration. */
  public static MemoryConfig from(ConfigSection section) {
    section.allowOnly("tools", "max-item-chars");
    String tools = section.string("tools").orElse("compact").toLowerCase(Locale.ROOT);
    ToolSet set;
    try {
      set = ToolSet.valueOf(tools.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw section.error(
          section.path("tools"), "'" + tools + "' is not a tool set; use compact, full or off");
    }
    return new MemoryConfig(
        section.range("max-item-chars", DEFAULT_MAX_ITEM_CHARS, 100, 16 * 1024 * 1024),
        DEFAULTS.maxResults(),
        set);
  }
}
