package dev.baton.leases;

import dev.baton.events.NewEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/** The event types the leases capability emits. */
public final class LeaseEvents {
  /** A grant, or an upgrade from shared to exclusive (data {@code upgraded: true}). */
  public static final String ACQUIRED = "lease.acquired";

  /**
   * Released by its holder, by a human ({@code forced: true}), or because its instance ended
   * ({@code cause}).
   */
  public static final String RELEASED = "lease.released";

  /**
   * Given to another instance by a handoff, under a new fencing token; the event names the new
   * holder, and {@code from} the old one.
   */
  public static final String TRANSFERRED = "lease.transferred";

  /**
   * Its holder was orphaned (its agent ended without saying so): it stays held, waiting for the
   * same session to come back, until it expires at the end of the orphan grace.
   */
  public static final String ORPHANED = "lease.orphaned";

  /** Not renewed within its TTL; released by the broker. */
  public static final String EXPIRED = "lease.expired";

  /**
   * A request started waiting in the queue behind other holders (data: paths, mode, role, until).
   */
  public static final String WAITING = "lease.waiting";

  /**
   * A waiting request left the queue (data: {@code outcome} granted, timed_out, cancelled, gone,
   * failed or shutdown, and {@code waitedMs}).
   */
  public static final String WAIT_ENDED = "lease.wait_ended";

  private LeaseEvents() {}

  /** The event of a request that starts waiting in the workspace. */
  public static NewEvent waiting(java.nio.file.Path workspace, QueuedRequest r) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("paths", r.patterns().stream().map(PathPattern::text).toList());
    data.put("mode", r.mode().wireName());
    data.put("role", r.role());
    data.put("until", r.deadline().toString());
    return new NewEvent(WAITING, workspace.toString(), r.instance(), data);
  }

  /** The event of a request that stopped waiting, and why. */
  public static NewEvent waitEnded(
      java.nio.file.Path workspace, String instance, String outcome, long waitedMs) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("outcome", outcome);
    data.put("waitedMs", waitedMs);
    return new NewEvent(WAIT_ENDED, workspace.toString(), instance, data);
  }

  /** An event about a lease, with its id, path, mode, role, token, reason, expiry and extras. */
  public static NewEvent of(String type, Lease l, Map<String, Object> extra) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("lease", l.id());
    data.put("path", l.pattern().text());
    data.put("glob", l.pattern().isGlob());
    data.put("mode", l.mode().wireName());
    data.put("role", l.role());
    data.put("fencingToken", l.fencingToken());
    if (l.reason() != null) {
      data.put("reason", l.reason());
    }
    data.put("expiresAt", l.expiresAt().toString());
    data.putAll(extra);
    return new NewEvent(type, l.workspace().toString(), l.instance(), data);
  }
}
