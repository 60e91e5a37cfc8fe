package dev.baton.handoff;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A message to one instance, a role, or the whole workspace.
 *
 * @param from an instance id, or a person (e.g. {@code human})
 * @param address an instance id, {@code role:<name>} or {@code all}
 * @param ackRequested true when the sender asked each recipient to acknowledge it
 * @param handoffId the handoff it announces or answers, or null
 */
public record Message(
    long id,
    Path workspace,
    String from,
    String address,
    Importance importance,
    String text,
    boolean ackRequested,
    Long handoffId,
    Instant createdAt) {}
