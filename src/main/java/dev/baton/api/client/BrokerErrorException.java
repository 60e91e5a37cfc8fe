package dev.baton.api.client;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.util.Map;

/** The broker answered with an error; carries its code, message, details and HTTP status. */
public final class BrokerErrorException extends BatonException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public BrokerErrorException(int status, ErrorCode code, String message, Map<String, ?> details) {
    super(code, message, details);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
