package dev.baton.focus;

/**
 * Tells the person something through one channel (tmux, the desktop). Implementations run external
 * programs with a timeout and may block for that long: call them off event listeners' threads. A
 * channel that cannot reach the person now (no session, no display) does nothing.
 */
public interface Notifier {
  /** The channel's name, e.g. {@code tmux}. */
  String channel();

  /**
   * Shows the notice; failures are logged, never thrown.
   *
   * @return true when the notice reached at least one place
   */
  boolean send(Notice notice);
}
