package dev.baton.core;

import java.util.Arrays;
import java.util.Optional;

/**
 * The stable, closed set of failure kinds. Each edge maps a code once: the HTTP API to a status and
 * the JSON {@code code}, the CLI to an exit code.
 */
public enum ErrorCode {
  INVALID_JSON("invalid_json"),
  INVALID_REQUEST("invalid_request"),
  UNKNOWN_ROLE("unknown_role"),
  INVALID_WORKSPACE("invalid_workspace"),
  INSTANCE_NOT_FOUND("instance_not_found"),
  INSTANCE_EXISTS("instance_exists"),
  LEASE_CONFLICT("lease_conflict"),
  LEASE_NOT_FOUND("lease_not_found"),
  LEASE_NOT_HELD("lease_not_held"),
  PATH_OUTSIDE_WORKSPACE("path_outside_workspace"),
  NOT_FOUND("not_found"),
  METHOD_NOT_ALLOWED("method_not_allowed"),
  BODY_TOO_LARGE("body_too_large"),
  REQUEST_TIMEOUT("request_timeout"),
  UNAUTHORIZED("unauthorized"),
  FORBIDDEN("forbidden"),
  STORE_UNAVAILABLE("store_unavailable"),
  UNAVAILABLE("unavailable"),
  CONFIG_INVALID("config_invalid"),
  BROKER_UNREACHABLE("broker_unreachable"),
  BROKER_ALREADY_RUNNING("broker_already_running"),
  WORKTREE_NOT_FOUND("worktree_not_found"),
  WORKTREE_KEPT("worktree_kept"),
  FOCUS_REFUSED("focus_refused"),
  LAND_NOT_FOUND("land_not_found"),
  GIT_FAILED("git_failed"),
  INTERNAL("internal");

  private final String code;

  ErrorCode(String code) {
    this.code = code;
  }

  /** The stable wire name, e.g. {@code instance_not_found}. */
  public String code() {
    return code;
  }

  public static Optional<ErrorCode> fromCode(String code) {
    return Arrays.stream(values()).filter(c -> c.code.equals(code)).findFirst();
  }
}
