package dev.baton.focus;

import java.util.Locale;

/** What the person is doing, as far as the timer knows. */
public enum FocusMode {
  /** No block runs (never started, stopped, or a break ended and nobody has worked since). */
  IDLE,
  /** A work block runs until its end. */
  WORKING,
  /** A break runs until its end. */
  BREAK;

  /** The lower-case name used on the wire and in the store. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static FocusMode parse(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
