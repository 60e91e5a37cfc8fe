package dev.baton.config;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;

/** The configuration cannot be used; the message names the file and the setting. */
public final class ConfigException extends BatonException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(ErrorCode.CONFIG_INVALID, message);
  }

  public ConfigException(String message, Throwable cause) {
    super(ErrorCode.CONFIG_INVALID, message, cause);
  }
}
