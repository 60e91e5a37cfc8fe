package dev.baton.leases;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lease was not granted: other instances hold overlapping leases, or wait for them and go first.
 */
public final class LeaseConflictException extends BatonException {
  private static final long serialVersionUID = 1L;
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private final transient List<Holder> holders;
  private final transient List<Waiting> waitingAhead;

  public LeaseConflictException(
      String requested, long waitedMs, List<Holder> holders, List<Waiting> waitingAhead) {
    super(
        ErrorCode.LEASE_CONFLICT,
        message(requested, waitedMs, holders, waitingAhead),
        details(requested, holders, waitingAhead));
    this.holders = List.copyOf(holders);
    this.waitingAhead = List.copyOf(waitingAhead);
  }

  /** The leases in the way, one per clash. */
  public List<Holder> holders() {
    return holders;
  }

  /** Earlier requests that overlap this one and are served first. */
  public List<Waiting> waitingAhead() {
    return waitingAhead;
  }

  private static Map<String, Object> details(
      String requested, List<Holder> holders, List<Waiting> waiting) {
    List<Map<String, Object>> holderList = new ArrayList<>();
    for (Holder h : holders) {
      Lease l = h.lease();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("lease", l.id());
      m.put("instance", l.instance());
      m.put("role", l.role());
      m.put("path", l.pattern().text());
      m.put("mode", l.mode().wireName());
      if (l.reason() != null) {
        m.put("reason", l.reason());
      }
      m.put("since", l.acquiredAt().toString());
      m.put("expiresAt", l.expiresAt().toString());
      m.put("expiresInMs", h.expiresIn().toMillis());
      m.put("requested", h.requested());
      holderList.add(m);
    }
    List<Map<String, Object>> waitingList = new ArrayList<>();
    for (Waiting w : waiting) {
      waitingList.add(
          Map.of(
              "instance",
              w.instance(),
              "role",
              w.role(),
              "paths",
              w.paths(),
              "since",
              w.since().toString()));
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("requested", requested);
    details.put("holders", holderList);
    details.put("waiting", waitingList);
    return details;
  }

  private static String message(
      String requested, long waitedMs, List<Holder> holders, List<Waiting> waiting) {
    List<String> parts = new ArrayList<>();
    for (Holder h : holders) {
      parts.add(h.describe());
    }
    for (Waiting w : waiting) {
      parts.add(
          w.instance()
              + " ("
              + w.role()
              + ") has waited for "
              + String.join(", ", w.paths())
              + " since "
              + CLOCK.format(w.since())
              + " and goes first");
    }
    return "lease on "
        + requested
        + " not granted"
        + (waitedMs > 0 ? " after " + waitedMs + " ms" : "")
        + ": "
        + String.join("; ", parts);
  }
}
