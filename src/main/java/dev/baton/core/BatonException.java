package dev.baton.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one unchecked root of every failure baton reports. It carries a stable {@link ErrorCode}, a
 * message that says what failed and what to do about it, and optional details (ids, state) that the
 * HTTP edge adds to the JSON error object.
 */
public class BatonException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final transient Map<String, Object> details;

  public BatonException(ErrorCode code, String message) {
    this(code, message, Map.of(), null);
  }

  public BatonException(ErrorCode code, String message, Throwable cause) {
    this(code, message, Map.of(), cause);
  }

  public BatonException(ErrorCode code, String message, Map<String, ?> details) {
    this(code, message, details, null);
  }

  public BatonException(ErrorCode code, String message, Map<String, ?> details, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public ErrorCode code() {
    return code;
  }

  /** Extra fields for the wire error object; never contains secrets. */
  public Map<String, Object> details() {
    return details;
  }
}
