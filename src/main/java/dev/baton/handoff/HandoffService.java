package dev.baton.handoff;

import java.util.List;

/** Handoffs of a session, with its leases, from one instance to another. Thread-safe. */
public interface HandoffService {
  /**
   * Checkpoints the sender, moves the named leases to the recipient, and tells the recipient
   * (event, inbox, MCP notification, next hook). The leases, the checkpoint, the handoff, its inbox
   * message and their events are stored in one transaction: should any of it fail, nothing changes
   * and no event is published. A handoff to {@code role:<name>} goes to the live instance of that
   * role heard from most recently; when there is none it waits, and the next instance of the role
   * to register receives it (the leases move then).
   *
   * @throws dev.baton.core.InvalidInputException for a blank summary, an address that is neither an
   *     instance nor {@code role:<name>}, a file the sender does not hold (nothing changes then)
   * @throws dev.baton.registry.InstanceNotFoundException when the sender or the recipient is not
   *     registered
   */
  Handoff send(HandoffRequest request);

  /**
   * The recipient takes the handoff; the sender is told.
   *
   * @throws HandoffNotFoundException when it is unknown or addressed to someone else
   * @throws dev.baton.core.InvalidInputException when it is no longer pending
   */
  Handoff accept(long id, String by, String note);

  /**
   * The recipient refuses the handoff; the leases that moved go back to the sender when it is still
   * registered (else they are released), and the sender is told.
   */
  Handoff decline(long id, String by, String note);

  /**
   * @throws HandoffNotFoundException when it is unknown
   */
  Handoff get(long id);

  /**
   * @param workspace a workspace's root directory, or null for all
   * @param instance null for all; else those it sent or received
   * @param status null for any
   */
  List<Handoff> list(String workspace, String instance, HandoffStatus status, int limit);

  /** Expires pending handoffs past their time, as a decline would; returns them. */
  List<Handoff> expireOverdue();
}
