package dev.baton.api;

import dev.baton.core.ErrorCode;

/** Maps each {@link ErrorCode} to its HTTP status, once, for the whole API. */
public final class HttpErrors {
  private HttpErrors() {}

  public static int status(ErrorCode code) {
    switch (code) {
      case INVALID_JSON:
      case INVALID_REQUEST:
      case UNKNOWN_ROLE:
      case INVALID_WORKSPACE:
      case PATH_OUTSIDE_WORKSPACE:
      case CONFIG_INVALID:
        return 400;
      case UNAUTHORIZED:
        return 401;
      case FORBIDDEN:
        return 403;
      case INSTANCE_NOT_FOUND:
      case LEASE_NOT_FOUND:
      case WORKTREE_NOT_FOUND:
      case LAND_NOT_FOUND:
      case NOT_FOUND:
        return 404;
      case METHOD_NOT_ALLOWED:
        return 405;
      case REQUEST_TIMEOUT:
        return 408;
      case INSTANCE_EXISTS:
      case LEASE_CONFLICT:
      case LEASE_NOT_HELD:
      case BROKER_ALREADY_RUNNING:
      case WORKTREE_KEPT:
      case FOCUS_REFUSED:
        return 409;
      case BODY_TOO_LARGE:
        return 413;
      case STORE_UNAVAILABLE:
      case UNAVAILABLE:
      case BROKER_UNREACHABLE:
        return 503;
      case INTERNAL:
      default:
        return 500;
    }
  }

  /**
   * True for the codes that say baton itself failed (its store is unreachable, busy or broken)
   * rather than refused the request; the edges tell the caller that coordination is off, not that
   * it asked for something wrong. Mapped by code, so the API need not know the store's types.
   */
  static boolean brokerFailed(ErrorCode code) {
    return code == ErrorCode.STORE_UNAVAILABLE || code == ErrorCode.INTERNAL;
  }
}
