package dev.baton.cli;

import dev.baton.core.ErrorCode;

/** The CLI's exit codes (DESIGN.md), and the one mapping from {@link ErrorCode}. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int ERROR = 1;
  public static final int USAGE = 2;
  public static final int CONFLICT = 3;
  public static final int UNREACHABLE = 4;

  private ExitCodes() {}

  public static int of(ErrorCode code) {
    switch (code) {
      case BROKER_UNREACHABLE:
      case UNAVAILABLE:
        return UNREACHABLE;
      case INSTANCE_EXISTS:
      case LEASE_CONFLICT:
      case LEASE_NOT_HELD:
      case BROKER_ALREADY_RUNNING:
      case WORKTREE_KEPT:
      case FOCUS_REFUSED:
        return CONFLICT;
      default:
        return ERROR;
    }
  }
}
