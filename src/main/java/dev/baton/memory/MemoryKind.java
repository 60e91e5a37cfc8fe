package dev.baton.memory;

import dev.baton.core.InvalidInputException;
import java.util.Locale;

/** The kinds of memory item, by their wire names (ConPort's item types). */
public enum MemoryKind {
  DECISION,
  PROGRESS,
  SYSTEM_PATTERN,
  CUSTOM_DATA;

  /** {@code decision}, {@code progress}, {@code system_pattern}, {@code custom_data}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The kind with this wire name.
   *
   * @throws InvalidInputException naming the valid kinds
   */
  public static MemoryKind of(String wireName) {
    for (MemoryKind k : values()) {
      if (k.wireName().equals(wireName)) {
        return k;
      }
    }
    throw new InvalidInputException(
        "unknown item type '"
            + wireName
            + "'; use decision, progress, system_pattern or custom_data");
  }
}
