package dev.baton.api;

import java.time.Duration;
import java.time.Instant;

/**
 * What an instance is doing, as {@code baton top}, the tmux status line and the dashboard show it.
 * One rule for all three, so they never disagree: {@link #of}.
 */
public enum InstanceState {
  /** Made a change (a lease, a memory item, a message, a land, a checkpoint) in the last while. */
  WORKING("●", "working"),
  /** Registered, but no change of its own for {@link #ACTIVE_WINDOW}. */
  IDLE("○", "idle"),
  /** Its lease request waits in the queue behind another instance's lease. */
  WAITING("◔", "waiting"),
  /** A handoff it sent has not been accepted, declined or expired yet. */
  HANDING_OFF("→", "handing off"),
  /** Deregistered or expired. */
  GONE("✗", "gone");

  /** How long after its last change an instance still counts as working. */
  public static final Duration ACTIVE_WINDOW = Duration.ofMinutes(2);

  private final String symbol;
  private final String label;

  InstanceState(String symbol, String label) {
    this.symbol = symbol;
    this.label = label;
  }

  /** One character for a narrow view, e.g. the status line. */
  public String symbol() {
    return symbol;
  }

  /** A word or two, e.g. {@code waiting}. */
  public String label() {
    return label;
  }

  /**
   * The state from what is known of the instance. Gone wins, then waiting (it is blocked), then
   * handing off, then working or idle by its last change.
   *
   * @param gone deregistered or expired
   * @param waiting a lease request of it is queued
   * @param handingOff a handoff it sent is open
   * @param lastChange when it last made a change (its registration at least), or null
   */
  public static InstanceState of(
      boolean gone, boolean waiting, boolean handingOff, Instant lastChange, Instant now) {
    if (gone) {
      return GONE;
    }
    if (waiting) {
      return WAITING;
    }
    if (handingOff) {
      return HANDING_OFF;
    }
    if (lastChange != null && Duration.between(lastChange, now).compareTo(ACTIVE_WINDOW) < 0) {
      return WORKING;
    }
    return IDLE;
  }
}
