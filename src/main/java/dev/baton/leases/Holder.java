package dev.baton.leases;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * A lease that stands in the way, as a conflict answer names it.
 *
 * @param lease the conflicting lease
 * @param requested the requested path or glob it clashes with
 * @param expiresIn how long until it expires unless renewed
 */
public record Holder(Lease lease, String requested, Duration expiresIn) {
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  public static Holder of(Lease lease, String requested, Instant now) {
    Duration left = Duration.between(now, lease.expiresAt());
    return new Holder(lease, requested, left.isNegative() ? Duration.ZERO : left);
  }

  /**
   * One line a person reads: {@code src/app.py held exclusively by claude-1a2b3c4d (developer,
   * 'refactor auth') since 14:02:11, expires in 312 s}.
   */
  public String describe() {
    Lease l = lease;
    StringBuilder out = new StringBuilder();
    out.append(l.pattern().text())
        .append(l.mode() == LeaseMode.EXCLUSIVE ? " held exclusively by " : " held shared by ")
        .append(l.instance())
        .append(" (")
        .append(l.role());
    if (l.reason() != null && !l.reason().isBlank()) {
      out.append(", '").append(l.reason()).append('\'');
    }
    out.append(") since ").append(CLOCK.format(l.acquiredAt()));
    if (l.orphanedAt() != null) {
      out.append(", orphaned since ")
          .append(CLOCK.format(l.orphanedAt()))
          .append(" (its session ended without releasing it; only that session, resumed, or a")
          .append(" forced release takes it before it expires in ")
          .append(expiresIn.toSeconds())
          .append(" s)");
    } else if (l.provisional()) {
      out.append(", about to edit it (expires in ").append(expiresIn.toSeconds()).append(" s)");
    } else {
      out.append(", expires in ").append(expiresIn.toSeconds()).append(" s");
    }
    return out.toString();
  }
}
