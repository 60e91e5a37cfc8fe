package dev.baton.handoff;

import java.util.List;

/**
 * A handoff about to be sent.
 *
 * @param from the sending instance
 * @param to an instance id, or {@code role:<name>} for the next instance of that role
 * @param kind what is handed over, e.g. {@code debugging_session}; null gives {@code session}
 * @param summary what the recipient needs to know
 * @param allFiles true to hand over every lease the sender holds
 * @param files files or globs whose leases move (ignored when {@code allFiles})
 * @param includeCheckpoints true to name the sender's recent checkpoints in the handoff
 */
public record HandoffRequest(
    String from,
    String to,
    String kind,
    String summary,
    boolean allFiles,
    List<String> files,
    boolean includeCheckpoints) {
  public HandoffRequest {
    files = files == null ? List.of() : List.copyOf(files);
  }
}
