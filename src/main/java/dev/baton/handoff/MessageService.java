package dev.baton.handoff;

import java.util.List;
import java.util.Map;

/** Messages between instances and people, and each instance's inbox. Thread-safe. */
public interface MessageService {
  /**
   * The address of the person who runs the fleet: a message to {@code human} goes to the person's
   * inbox (read with {@code GET /v1/messages?instance=human}), and reaches the person through the
   * focus capability's notifications.
   */
  String HUMAN = "human";

  /**
   * Sends a message to an instance, to every live instance of a role, to every live instance of the
   * workspace ({@code all}), or to the person ({@link #HUMAN}); the sender itself is left out.
   *
   * @return the stored message and its deliveries
   * @throws dev.baton.core.InvalidInputException for blank or oversized text, an unknown address,
   *     or an address nobody answers to (nothing is stored then)
   * @throws dev.baton.registry.InstanceNotFoundException when the sender or recipient instance is
   *     not registered
   */
  List<InboxEntry> send(MessageRequest request);

  /**
   * The instance's messages, newest first.
   *
   * @param markRead true to mark the listed unread ones as read
   */
  List<InboxEntry> inbox(String instance, boolean unreadOnly, boolean markRead, int limit);

  /**
   * Acknowledges messages in the instance's inbox; each sender is told by an event.
   *
   * @throws dev.baton.core.InvalidInputException naming an id that is not in its inbox
   */
  List<InboxEntry> acknowledge(String instance, List<Long> messageIds);

  /**
   * Marks messages in the recipient's inbox read (shown), e.g. the person's once a notification
   * showed them; returns how many were unread.
   */
  int markRead(String recipient, List<Long> messageIds);

  /**
   * What to show an agent now, marked read: its unread normal and urgent messages, plus its
   * low-importance ones when a digest is due (once per digest interval).
   */
  List<InboxEntry> news(String instance);

  /** Every delivery of one message. */
  List<InboxEntry> message(long id);

  /**
   * How many messages of this importance each recipient has not been shown yet, gone recipients
   * included (the caller keeps those it cares about); recipients with none are absent.
   */
  Map<String, Integer> unread(Importance importance);
}
