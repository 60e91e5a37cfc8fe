package dev.baton.git;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * One branch queued to land on its base.
 *
 * @param id its number, from 1; lands of one repository run in this order
 * @param workspace the repository's main top level
 * @param instance the instance that asked
 * @param branch the branch that lands, e.g. {@code instance/claude-1a2b3c4d}
 * @param base the branch it lands on, e.g. {@code main}
 * @param worktree the instance's worktree, or null when it had none
 * @param branchHead the branch's commit that was rebased, or null before the rebase
 * @param oldBase the base's commit before the land, or null before the rebase
 * @param newHead the rebased commit the base moves to, or null before the rebase
 * @param files the files the landed commits change (empty unless landed)
 * @param conflicts the files the rebase could not merge (empty unless conflicted)
 * @param error why it failed or conflicted, or null
 * @param note what happened to the instance's branch after landing, or null
 */
public record Land(
    long id,
    Path workspace,
    String instance,
    String branch,
    String base,
    Path worktree,
    LandStatus status,
    Instant queuedAt,
    Instant startedAt,
    Instant finishedAt,
    String branchHead,
    String oldBase,
    String newHead,
    List<String> files,
    List<LandConflict> conflicts,
    String error,
    String note) {

  public Land {
    files = List.copyOf(files);
    conflicts = List.copyOf(conflicts);
  }

  /** A new land, not yet stored. */
  public static Land queued(
      Path workspace, String instance, String branch, String base, Path worktree, Instant at) {
    return new Land(
        0,
        workspace,
        instance,
        branch,
        base,
        worktree,
        LandStatus.QUEUED,
        at,
        null,
        null,
        null,
        null,
        null,
        List.of(),
        List.of(),
        null,
        null);
  }

  /** A copy that started at {@code at}. */
  public Land started(Instant at) {
    return new Land(
        id,
        workspace,
        instance,
        branch,
        base,
        worktree,
        LandStatus.STARTED,
        queuedAt,
        at,
        null,
        branchHead,
        oldBase,
        newHead,
        files,
        conflicts,
        error,
        note);
  }

  /** A copy that rebased {@code head} onto {@code onto}, giving {@code rebased}. */
  public Land rebased(String head, String onto, String rebased) {
    return new Land(
        id,
        workspace,
        instance,
        branch,
        base,
        worktree,
        status,
        queuedAt,
        startedAt,
        finishedAt,
        head,
        onto,
        rebased,
        files,
        conflicts,
        error,
        note);
  }

  /** A copy that landed, changing {@code changed}. */
  public Land landed(List<String> changed, String branchNote, Instant at) {
    return new Land(
        id,
        workspace,
        instance,
        branch,
        base,
        worktree,
        LandStatus.LANDED,
        queuedAt,
        startedAt,
        at,
        branchHead,
        oldBase,
        newHead,
        changed,
        List.of(),
        null,
        branchNote);
  }

  /** A copy that conflicted on {@code files}; the base did not change. */
  public Land conflicted(List<LandConflict> files, String why, Instant at) {
    return new Land(
        id,
        workspace,
        instance,
        branch,
        base,
        worktree,
        LandStatus.CONFLICTED,
        queuedAt,
        startedAt,
        at,
        branchHead,
        oldBase,
        null,
        List.of(),
        files,
        why,
        null);
  }

  /** A copy that failed; the base did not change. */
  public Land failed(String why, Instant at) {
    return new Land(
        id,
        workspace,
        instance,
        branch,
        base,
        worktree,
        LandStatus.FAILED,
        queuedAt,
        startedAt,
        at,
        branchHead,
        oldBase,
        null,
        List.of(),
        List.of(),
        why,
        null);
  }
}
