package dev.baton.core;

import java.util.Map;

/** A request is missing a field or has a value of the wrong form; the message names it. */
public class InvalidInputException extends BatonException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(ErrorCode.INVALID_REQUEST, message);
  }

  public InvalidInputException(String message, Map<String, ?> details) {
    super(ErrorCode.INVALID_REQUEST, message, details);
  }
}
