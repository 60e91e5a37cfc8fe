package dev.baton.handoff.internal;

import dev.baton.core.InvalidInputException;
import java.util.Map;

/** Checks and shortens the free text of messages, handoffs and checkpoints. */
final class Texts {
  private Texts() {}

  /**
   * The stripped text.
   *
   * @throws InvalidInputException naming the field when it is blank or longer than {@code max}
   */
  static String required(String text, String field, int max) {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException("field '" + field + "' is required", Map.of("field", field));
    }
    return optional(text, field, max);
  }

  /** The stripped text, or null when blank; too long is an error naming the field. */
  static String optional(String text, String field, int max) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String s = text.strip();
    if (s.length() > max) {
      throw new InvalidInputException(
          "field '" + field + "' has " + s.length() + " characters; at most " + max + " fit",
          Map.of("field", field, "limit", max));
    }
    return s;
  }

  /** At most {@code max} characters, with an ellipsis when cut. */
  static String cut(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    return text.substring(0, max - 1) + "…";
  }
}
