package dev.baton.focus;

/** The events the focus timer appends; the status line, {@code baton top} and hooks read them. */
public final class FocusEvents {
  /** A work block started; data: block, until. */
  public static final String BLOCK_STARTED = "focus.block_started";

  /** A break started, once for the whole fleet; data: until, long, block. */
  public static final String BREAK_STARTED = "focus.break_started";

  /** A break ended; data: block. */
  public static final String BREAK_ENDED = "focus.break_ended";

  /** A due break was postponed; data: until, snoozesLeft. */
  public static final String SNOOZED = "focus.snoozed";

  /** The person has worked {@code focus.hyperfocus-after} without a break; data: since, minutes. */
  public static final String HYPERFOCUS = "focus.hyperfocus";

  /** The timer was stopped. */
  public static final String STOPPED = "focus.stopped";

  private FocusEvents() {}
}
