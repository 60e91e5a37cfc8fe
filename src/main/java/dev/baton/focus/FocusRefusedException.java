package dev.baton.focus;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.util.Map;

/**
 * A focus action the timer's state does not allow (a snooze beyond the limit, a break while idle).
 */
public final class FocusRefusedException extends BatonException {
  private static final long serialVersionUID = 1L;

  public FocusRefusedException(String message, Map<String, ?> details) {
    super(ErrorCode.FOCUS_REFUSED, message, details);
  }
}
