package dev.baton.api;

/**
 * How large a request body may be, per route. Claude Code's hook documents carry whole file
 * contents (a Write of a big file), which the hook route reads as a stream without keeping them, so
 * it takes far more than the rest of the API.
 */
public final class BodyLimits {
  /** The limit for {@code /v1/hooks/...}. */
  static final long HOOKS = 64L * 1024 * 1024;

  private BodyLimits() {}

  /** The limit for a request to {@code path} when {@code server.max-body} is {@code configured}. */
  public static long forPath(String path, long configured) {
    return path != null && path.startsWith("/v1/hooks/") ? Math.max(HOOKS, configured) : configured;
  }
}
