package dev.baton.leases;

import java.util.Locale;

/** How a lease shares its paths. */
public enum LeaseMode {
  /** Conflicts with any lease of another instance on an overlapping path. */
  EXCLUSIVE,
  /** Conflicts only with another instance's exclusive lease. */
  SHARED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True when a lease in this mode and one in {@code other} mode, held by two instances, clash. */
  public boolean clashesWith(LeaseMode other) {
    return this == EXCLUSIVE || other == EXCLUSIVE;
  }

  /**
   * @throws IllegalArgumentException naming the value when it is neither mode
   */
  public static LeaseMode parse(String text) {
    if (text == null || text.isBlank()) {
      return EXCLUSIVE;
    }
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "exclusive":
        return EXCLUSIVE;
      case "shared":
        return SHARED;
      default:
        throw new IllegalArgumentException("mode '" + text + "' is neither exclusive nor shared");
    }
  }
}
