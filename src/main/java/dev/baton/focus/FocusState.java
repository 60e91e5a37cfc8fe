package dev.baton.focus;

import java.time.Instant;
import java.util.Objects;

/**
 * The timer as stored: one row for the whole broker store.
 *
 * @param version increases with every change; a change is stored only over the version it read
 * @param mode idle, working or break
 * @param since when the current block or break started (null when never started)
 * @param until when it ends (null when idle)
 * @param block the number of the current (or last) block since the timer was started, from 1
 * @param snoozes breaks postponed in a row
 * @param workedSince when the person started working without a break (null: not working)
 * @param lastActivity the last activity of an instance the timer has noted (null: none)
 * @param hyperfocusAt when the last hyperfocus reminder was given (null: none in this stretch)
 */
public record FocusState(
    long version,
    FocusMode mode,
    Instant since,
    Instant until,
    int block,
    int snoozes,
    Instant workedSince,
    Instant lastActivity,
    Instant hyperfocusAt) {
  public FocusState {
    Objects.requireNonNull(mode, "mode");
  }

  /** The state of a store whose timer has never run. */
  public static FocusState initial() {
    return new FocusState(0, FocusMode.IDLE, null, null, 0, 0, null, null, null);
  }

  /** A copy in {@code mode} from {@code since} to {@code until}. */
  public FocusState in(FocusMode newMode, Instant newSince, Instant newUntil) {
    return new FocusState(
        version,
        newMode,
        newSince,
        newUntil,
        block,
        snoozes,
        workedSince,
        lastActivity,
        hyperfocusAt);
  }

  public FocusState withBlock(int newBlock) {
    return new FocusState(
        version, mode, since, until, newBlock, snoozes, workedSince, lastActivity, hyperfocusAt);
  }

  public FocusState withSnoozes(int newSnoozes) {
    return new FocusState(
        version, mode, since, until, block, newSnoozes, workedSince, lastActivity, hyperfocusAt);
  }

  public FocusState withWorkedSince(Instant at) {
    return new FocusState(
        version, mode, since, until, block, snoozes, at, lastActivity, hyperfocusAt);
  }

  public FocusState withLastActivity(Instant at) {
    return new FocusState(
        version, mode, since, until, block, snoozes, workedSince, at, hyperfocusAt);
  }

  public FocusState withHyperfocusAt(Instant at) {
    return new FocusState(
        version, mode, since, until, block, snoozes, workedSince, lastActivity, at);
  }
}
