package dev.baton.store;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;

/**
 * A store operation failed. {@link ErrorCode#STORE_UNAVAILABLE} when the database cannot be reached
 * or is busy (worth a retry), {@link ErrorCode#INTERNAL} otherwise.
 */
public final class StoreException extends BatonException {
  private static final long serialVersionUID = 1L;

  public StoreException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
