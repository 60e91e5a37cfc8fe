package dev.baton.handoff;

/**
 * A message about to be sent.
 *
 * @param from the sending instance, or a person's name when {@code workspace} is given
 * @param workspace any directory of the workspace when the sender is not an instance, else null
 * @param to an instance id, {@code role:<name>} or {@code all}
 * @param importance null gives normal
 */
public record MessageRequest(
    String from,
    String workspace,
    String to,
    String text,
    Importance importance,
    boolean ackRequested) {}
