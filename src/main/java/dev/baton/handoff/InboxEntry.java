package dev.baton.handoff;

import java.time.Instant;

/**
 * A message as one recipient has it.
 *
 * @param readAt when the recipient was shown it (inbox, hook or digest), or null
 * @param ackedAt when it acknowledged it, or null
 */
public record InboxEntry(Message message, String recipient, Instant readAt, Instant ackedAt) {}
