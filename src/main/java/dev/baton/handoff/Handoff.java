package dev.baton.handoff;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A session handed from one instance to another.
 *
 * @param id its number, from 1
 * @param to the recipient, or null while a handoff to a role waits for an instance of it
 * @param toRole the role it was addressed to ({@code role:<name>}), or null
 * @param kind what is handed over, e.g. {@code debugging_session}
 * @param files the files or globs the sender named (empty: none, or all it held when {@code leases}
 *     is not empty)
 * @param leases the ids of the leases that moved to the recipient
 * @param checkpoints the ids of the sender's checkpoints included
 * @param answer the recipient's note when it accepted or declined, or why it expired
 * @param answeredAt when it left pending, or null
 * @param expiresAt when it expires unless answered
 */
public record Handoff(
    long id,
    Path workspace,
    String from,
    String to,
    String toRole,
    String kind,
    String summary,
    List<String> files,
    List<String> leases,
    List<Long> checkpoints,
    HandoffStatus status,
    String answer,
    Instant createdAt,
    Instant answeredAt,
    Instant expiresAt) {

  public Handoff {
    files = List.copyOf(files);
    leases = List.copyOf(leases);
    checkpoints = List.copyOf(checkpoints);
  }

  /** The address it was sent to: an instance id or {@code role:<name>}. */
  public String address() {
    return toRole != null ? "role:" + toRole : to;
  }

  /** A copy with another status, answer and answer time. */
  public Handoff answered(HandoffStatus newStatus, String note, Instant at) {
    return new Handoff(
        id,
        workspace,
        from,
        to,
        toRole,
        kind,
        summary,
        files,
        leases,
        checkpoints,
        newStatus,
        note,
        createdAt,
        at,
        expiresAt);
  }

  /** A copy addressed to {@code recipient}, holding {@code moved} leases. */
  public Handoff assigned(String recipient, List<String> moved) {
    return new Handoff(
        id,
        workspace,
        from,
        recipient,
        toRole,
        kind,
        summary,
        files,
        moved,
        checkpoints,
        status,
        answer,
        createdAt,
        answeredAt,
        expiresAt);
  }
}
