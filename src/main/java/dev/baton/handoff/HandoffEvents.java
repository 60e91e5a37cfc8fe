package dev.baton.handoff;

/** The event types the handoff capability emits. Each names the instance it is for. */
public final class HandoffEvents {
  /** A handoff reached its recipient (data: handoff, from, kind, summary, leases). */
  public static final String SENT = "handoff.sent";

  public static final String ACCEPTED = "handoff.accepted";
  public static final String DECLINED = "handoff.declined";
  public static final String EXPIRED = "handoff.expired";

  /** One event per recipient of a message (data: message, from, importance, text). */
  public static final String MESSAGE = "message.sent";

  /** A recipient acknowledged a message; the event is for the sender. */
  public static final String ACKED = "message.acked";

  /**
   * A checkpoint of a live instance (scheduled, its own, on handoff). The checkpoint kept when an
   * instance ends has no event of its own: {@code instance.deregistered} or {@code
   * instance.expired} announces it.
   */
  public static final String CHECKPOINT = "checkpoint.taken";

  private HandoffEvents() {}
}
