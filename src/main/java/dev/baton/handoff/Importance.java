package dev.baton.handoff;

import dev.baton.core.InvalidInputException;
import java.util.Locale;
import java.util.Map;

/**
 * How much a message may interrupt: low ones wait for a digest, normal ones are shown at the next
 * prompt, urgent ones are also pushed to the agent's MCP session at once.
 */
public enum Importance {
  LOW,
  NORMAL,
  URGENT;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The importance with this wire name; null gives normal.
   *
   * @throws InvalidInputException naming the valid ones
   */
  public static Importance of(String wireName) {
    if (wireName == null || wireName.isBlank()) {
      return NORMAL;
    }
    for (Importance i : values()) {
      if (i.wireName().equals(wireName.strip().toLowerCase(Locale.ROOT))) {
        return i;
      }
    }
    throw new InvalidInputException(
        "unknown importance '" + wireName + "'; use low, normal or urgent",
        Map.of("field", "importance"));
  }
}
