package dev.baton.git;

/** The event types of landing. Each names the instance whose branch lands. */
public final class LandEvents {
  /** A land joined its repository's queue (data: land, branch, base, position). */
  public static final String QUEUED = "land.queued";

  /** Its turn came: the rebase begins (data: land, branch, base). */
  public static final String STARTED = "land.started";

  /** The base moved to the rebased commits (data: land, base, from, to, commits, files, note). */
  public static final String LANDED = "land.landed";

  /** The rebase stopped on conflicts; the base did not change (data: land, conflicts). */
  public static final String CONFLICTED = "land.conflicted";

  /** The land-check failed, or git did; the base did not change (data: land, error). */
  public static final String FAILED = "land.failed";

  private LandEvents() {}
}
