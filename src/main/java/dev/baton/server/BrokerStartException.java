package dev.baton.server;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;

/** The broker cannot start; the message says why and what to do. */
public final class BrokerStartException extends BatonException {
  private static final long serialVersionUID = 1L;

  public BrokerStartException(ErrorCode code, String message) {
    super(code, message);
  }

  public BrokerStartException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
