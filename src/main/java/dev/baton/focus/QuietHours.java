package dev.baton.focus;

import dev.baton.core.InvalidInputException;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Hours in which the person is not disturbed but by urgent messages ({@code focus.quiet}), in the
 * broker's local time; a range may cross midnight ({@code 22:00-08:00}). The start is inside, the
 * end is not.
 */
public record QuietHours(LocalTime from, LocalTime to) {
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("H:mm");

  /**
   * Parses {@code HH:MM-HH:MM}.
   *
   * @throws InvalidInputException naming the value when it does not parse or is empty (from = to)
   */
  public static QuietHours parse(String text) {
    String value = text == null ? "" : text.strip();
    int dash = value.indexOf('-');
    if (dash < 0) {
      throw invalid(value, "use HH:MM-HH:MM, e.g. 22:00-08:00");
    }
    LocalTime from = time(value, value.substring(0, dash));
    LocalTime to = time(value, value.substring(dash + 1));
    if (from.equals(to)) {
      throw invalid(value, "it starts and ends at the same time; give a range such as 22:00-08:00");
    }
    return new QuietHours(from, to);
  }

  private static LocalTime time(String value, String part) {
    try {
      return LocalTime.parse(part.strip(), HH_MM);
    } catch (DateTimeParseException e) {
      throw invalid(
          value, "'" + part.strip() + "' is not a time; use HH:MM-HH:MM, e.g. 22:00-08:00");
    }
  }

  private static InvalidInputException invalid(String value, String problem) {
    return new InvalidInputException(
        "focus.quiet '" + value + "' does not parse: " + problem, Map.of("field", "focus.quiet"));
  }

  /** Whether {@code time} is inside the quiet hours. */
  public boolean contains(LocalTime time) {
    if (from.isBefore(to)) {
      return !time.isBefore(from) && time.isBefore(to);
    }
    return !time.isBefore(from) || time.isBefore(to); // crosses midnight
  }

  @Override
  public String toString() {
    return HH_MM.format(from) + "-" + HH_MM.format(to);
  }
}
