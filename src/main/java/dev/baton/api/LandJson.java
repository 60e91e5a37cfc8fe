package dev.baton.api;

import dev.baton.git.Land;
import dev.baton.git.LandConflict;
import java.time.Instant;
import java.util.List;

/**
 * A land on the wire. {@code from} and {@code to} are the base's commits before and after (the
 * landed range {@code from..to}), set once landed; {@code conflicts} name, for each file, the
 * instance that last landed a change to it ({@code lastLandedBy}, absent when none did through
 * baton); {@code error} says why it conflicted or failed; {@code note} what happened to the
 * instance's branch.
 */
public record LandJson(
    long id,
    String workspace,
    String instance,
    String branch,
    String base,
    String worktree,
    String status,
    Instant queuedAt,
    Instant startedAt,
    Instant finishedAt,
    String from,
    String to,
    List<String> files,
    List<ConflictJson> conflicts,
    String error,
    String note) {

  /** A file the rebase could not merge, and who last landed a change to it. */
  public record ConflictJson(String file, String lastLandedBy) {
    static ConflictJson from(LandConflict c) {
      return new ConflictJson(c.file(), c.lastLandedBy());
    }
  }

  public static LandJson from(Land l) {
    boolean landed = l.status() == dev.baton.git.LandStatus.LANDED;
    return new LandJson(
        l.id(),
        l.workspace().toString(),
        l.instance(),
        l.branch(),
        l.base(),
        l.worktree() == null ? null : l.worktree().toString(),
        l.status().wireName(),
        l.queuedAt(),
        l.startedAt(),
        l.finishedAt(),
        landed ? l.oldBase() : null,
        landed ? l.newHead() : null,
        l.files(),
        l.conflicts().stream().map(ConflictJson::from).toList(),
        l.error(),
        l.note());
  }

  /** True once it landed, conflicted or failed. */
  public boolean finished() {
    return status.equals("landed") || status.equals("conflicted") || status.equals("failed");
  }
}
