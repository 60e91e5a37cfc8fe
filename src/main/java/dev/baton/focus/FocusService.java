package dev.baton.focus;

import java.time.Duration;

/**
 * The broker's focus timer. Every change appends its {@code focus.*} event in the same transaction.
 * Thread-safe.
 */
public interface FocusService {
  FocusSnapshot status();

  /**
   * Starts a work block now (ending the current block or break), of {@code length} or {@code
   * focus.block} when null.
   */
  FocusSnapshot start(Duration length);

  /**
   * Starts a break now, of {@code length} or, when null, the break due after the current block.
   *
   * @throws FocusRefusedException when no block runs and no work was noted
   */
  FocusSnapshot takeBreak(Duration length);

  /** Stops the timer: idle, no block counted, nothing due. */
  FocusSnapshot stop();

  /**
   * Postpones the due break by {@code length} ({@code focus.snooze} when null): a running block
   * ends later, a break that has just started ends now and work goes on.
   *
   * @throws FocusRefusedException when nothing is due (idle) or after {@code focus.max-snoozes}
   *     snoozes in a row
   */
  FocusSnapshot snooze(Duration length);

  /** Notes that an instance is active now; with {@code focus.auto} on, an idle timer starts. */
  void activity();

  /**
   * Moves the timer on by the clock: a block that has ended becomes a break (announced once), a
   * break that has ended makes the timer idle, and a hyperfocus reminder comes when due. The broker
   * calls it every second.
   */
  void tick();
}
