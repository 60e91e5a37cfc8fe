package dev.baton.leases;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.util.Map;

/** A path or glob that cannot be leased: empty, malformed, or leaving the workspace. */
public final class InvalidPatternException extends BatonException {
  private static final long serialVersionUID = 1L;

  public InvalidPatternException(ErrorCode code, String path, String message) {
    super(code, message, Map.of("path", path));
  }

  public InvalidPatternException(String path, String message) {
    this(ErrorCode.INVALID_REQUEST, path, message);
  }
}
