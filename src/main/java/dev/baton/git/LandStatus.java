package dev.baton.git;

import dev.baton.core.InvalidInputException;
import java.util.Locale;
import java.util.Map;

/**
 * Where a land stands: {@code queued} and {@code started} are unfinished (a broker restart takes
 * them up again); {@code landed}, {@code conflicted} and {@code failed} are its outcome.
 */
public enum LandStatus {
  QUEUED,
  STARTED,
  LANDED,
  CONFLICTED,
  FAILED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean finished() {
    return this == LANDED || this == CONFLICTED || this == FAILED;
  }

  /**
   * The status with this wire name.
   *
   * @throws InvalidInputException naming the valid ones
   */
  public static LandStatus of(String wireName) {
    for (LandStatus s : values()) {
      if (s.wireName().equals(wireName)) {
        return s;
      }
    }
    throw new InvalidInputException(
        "unknown land status '" + wireName + "'; use queued, started, landed, conflicted or failed",
        Map.of("field", "status"));
  }
}
