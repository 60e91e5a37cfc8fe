package dev.baton.handoff;

import dev.baton.core.InvalidInputException;
import java.util.Locale;
import java.util.Map;

/** Where a handoff stands. Only a pending one can be accepted, declined or expire. */
public enum HandoffStatus {
  PENDING,
  ACCEPTED,
  DECLINED,
  EXPIRED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The status with this wire name.
   *
   * @throws InvalidInputException naming the valid ones
   */
  public static HandoffStatus of(String wireName) {
    for (HandoffStatus s : values()) {
      if (s.wireName().equals(wireName)) {
        return s;
      }
    }
    throw new InvalidInputException(
        "unknown handoff status '" + wireName + "'; use pending, accepted, declined or expired",
        Map.of("field", "status"));
  }
}
