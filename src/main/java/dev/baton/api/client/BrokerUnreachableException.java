package dev.baton.api.client;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;

/** The broker cannot be reached: not running, stale socket, or no answer in time. */
public final class BrokerUnreachableException extends BatonException {
  private static final long serialVersionUID = 1L;

  public BrokerUnreachableException(String message, Throwable cause) {
    super(ErrorCode.BROKER_UNREACHABLE, message, cause);
  }
}
