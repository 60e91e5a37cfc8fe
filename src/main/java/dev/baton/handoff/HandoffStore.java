package dev.baton.handoff;

import dev.baton.events.NewEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Persistence of handoffs, messages and checkpoints. Each method is one transaction, events
 * included. Implementations are thread-safe.
 */
public interface HandoffStore {
  /**
   * Sends a handoff in one transaction: moves its leases, stores the sender's checkpoint, the
   * handoff and the message that announces it, with their events. When any step fails, nothing of
   * it is stored, no lease moves and no event is published.
   *
   * @return the stored handoff
   */
  Handoff send(NewHandoff sending);

  Optional<Handoff> findHandoff(long id);

  /**
   * Replaces a handoff that is still pending with {@code changed}, its message and event; empty
   * when it is no longer pending (nothing changes then).
   *
   * @param notice the message that tells someone, or null
   */
  default Optional<Handoff> updatePending(
      Handoff changed, Function<Handoff, Message> notice, Function<Handoff, NewEvent> event) {
    return updatePending(changed, null, moved -> changed, notice, event);
  }

  /**
   * Replaces a handoff that is still pending, moving leases in the same transaction: the answer to
   * it and the leases that go with the answer (back to the sender when declined or expired, to the
   * instance a role's handoff waited for) commit together or not at all. Empty when it is no longer
   * pending: then nothing changes and no lease moves.
   *
   * @param draft the handoff as changed, before the leases move
   * @param transfer the leases to move, or null
   * @param withMoved the handoff as changed, given the leases that moved
   * @param notice the message that tells someone, or null
   */
  Optional<Handoff> updatePending(
      Handoff draft,
      dev.baton.leases.LeaseTransfer transfer,
      Function<List<dev.baton.leases.Lease>, Handoff> withMoved,
      Function<Handoff, Message> notice,
      Function<Handoff, NewEvent> event);

  /**
   * Handoffs, newest first.
   *
   * @param workspace null for every workspace
   * @param instance null for all; else those it sent or received
   * @param status null for any
   */
  List<Handoff> handoffs(String workspace, String instance, HandoffStatus status, int limit);

  /** Pending handoffs that expire at or before {@code now}. */
  List<Handoff> overdue(Instant now);

  /** Pending handoffs to a role that wait for an instance of it, oldest first. */
  List<Handoff> waitingForRole(String workspace, String role);

  /**
   * Stores a message (its id is ignored) with one delivery per recipient, and an event for each.
   */
  Message insertMessage(
      Message draft, List<String> recipients, BiFunction<Message, String, NewEvent> event);

  /**
   * The recipient's messages, newest first.
   *
   * @param unreadOnly only those not yet shown
   * @param since only those sent after this, or null
   */
  List<InboxEntry> inbox(String recipient, boolean unreadOnly, Instant since, int limit);

  /**
   * How many messages of this importance each recipient has not been shown yet; recipients with
   * none are absent.
   */
  Map<String, Integer> unreadCounts(Importance importance);

  /** Marks messages as shown to the recipient; returns how many were unread. */
  int markRead(String recipient, List<Long> messageIds, Instant at);

  /**
   * Acknowledges messages of the recipient (reading them too), with an event for each sender.
   *
   * @return the acknowledged entries
   * @throws dev.baton.core.InvalidInputException naming an id that is not in its inbox (nothing
   *     changes then)
   */
  List<InboxEntry> acknowledge(
      String recipient, List<Long> messageIds, Instant at, Function<InboxEntry, NewEvent> event);

  /** A message with every delivery of it; empty when unknown. */
  List<InboxEntry> deliveries(long messageId);

  /**
   * Deletes what is older than {@code before} and no longer needed: checkpoints except the newest
   * of each instance, messages every recipient has read, and answered handoffs no message refers to
   * any more.
   *
   * @return how many rows went
   */
  int prune(Instant before);

  /**
   * Stores a checkpoint (its id is ignored).
   *
   * @param event the event to append with it, or a function that gives null for none
   */
  Checkpoint insertCheckpoint(Checkpoint draft, Function<Checkpoint, NewEvent> event);

  /**
   * Checkpoints, newest first.
   *
   * @param workspace null for every workspace
   * @param instance null for every instance
   * @param latestOnly only the newest of each instance
   */
  List<Checkpoint> checkpoints(String workspace, String instance, boolean latestOnly, int limit);
}
