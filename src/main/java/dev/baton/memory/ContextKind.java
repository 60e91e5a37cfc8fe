package dev.baton.memory;

import dev.baton.core.InvalidInputException;
import java.util.Locale;

/** ConPort's two context documents. */
public enum ContextKind {
  /** What the project is: goals, architecture, constraints. Shared by the workspace. */
  PRODUCT,
  /** What is going on now: current focus, open questions. Shared, and one per instance too. */
  ACTIVE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws InvalidInputException naming the valid kinds
   */
  public static ContextKind of(String wireName) {
    for (ContextKind k : values()) {
      if (k.wireName().equals(wireName)) {
        return k;
      }
    }
    throw new InvalidInputException("unknown context '" + wireName + "'; use product or active");
  }
}
