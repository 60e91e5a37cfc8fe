package dev.baton.leases.internal;

import dev.baton.leases.LeaseMode;
import dev.baton.leases.PathPattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A validated acquire request: who, where, what, how long. {@code follows}: no TTL was asked for,
 * so the grant is renewed while the holder's agent lives. Immutable.
 */
record Plan(
    String instance,
    String role,
    Path workspace,
    List<PathPattern> patterns,
    LeaseMode mode,
    Duration ttl,
    Duration waitFor,
    String reason,
    boolean provisional,
    boolean follows) {

  String requested() {
    return patterns.stream().map(PathPattern::text).collect(Collectors.joining(", "));
  }

  /** True when granting both plans to their two instances would break exclusivity. */
  boolean clashesWith(Plan other) {
    if (instance.equals(other.instance) || !mode.clashesWith(other.mode)) {
      return false;
    }
    for (PathPattern a : patterns) {
      for (PathPattern b : other.patterns) {
        if (a.overlaps(b)) {
          return true;
        }
      }
    }
    return false;
  }
}
