package dev.baton.mcp;

import dev.baton.core.ConfigSection;
import java.util.Locale;
import java.util.Set;

/**
 * Which of baton's coordination tools each MCP endpoint lists ({@code coordination:} in the
 * configuration). The memory tools follow {@code memory.tools}; {@code find_tools} and {@code
 * call_tool} are always listed.
 *
 * @param tools the set of coordination tools
 */
public record CoordinationConfig(ToolSet tools) {
  public static final CoordinationConfig DEFAULTS = new CoordinationConfig(ToolSet.FULL);

  /** The coordination tools on every endpoint; each costs an agent tokens. */
  public enum ToolSet {
    /**
     * Instances, leases, roles, handoffs, messages, checkpoints, lands and the focus timer (the
     * handoff tools only with {@code handoff.tools: on}).
     */
    FULL,
    /**
     * For an agent that only leases and messages: {@code lease_acquire}, {@code lease_release},
     * {@code leases}, and with {@code handoff.tools: on} {@code send_message} and {@code inbox}.
     */
    COMPACT;

    /** The tools of the compact set. */
    public static final Set<String> COMPACT_TOOLS =
        Set.of("lease_acquire", "lease_release", "leases", "send_message", "inbox");

    /** Whether this set lists the coordination tool {@code name}. */
    public boolean lists(String name) {
      return this == FULL || COMPACT_TOOLS.contains(name);
    }

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Reads the {@code coordination:} section of the configuration. */
  public static CoordinationConfig from(ConfigSection section) {
    section.allowOnly("tools");
    String tools = section.string("tools").orElse("full").toLowerCase(Locale.ROOT);
    return switch (tools) {
      case "full" -> new CoordinationConfig(ToolSet.FULL);
      case "compact" -> new CoordinationConfig(ToolSet.COMPACT);
      default ->
          throw section.error(
              section.path("tools"), "'" + tools + "' is not a tool set; use full or compact");
    };
  }
}
