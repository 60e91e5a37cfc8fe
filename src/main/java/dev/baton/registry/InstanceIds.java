package dev.baton.registry;

import java.util.Locale;

/** How the id of an agent session's instance is derived, the same way by its hooks and its MCP. */
public final class InstanceIds {
  private InstanceIds() {}

  /**
   * {@code <client>-} and the first 8 hex digits of the client's session id ({@code
   * claude-1a2b3c4d}), or null when the session id has fewer than 8 hex digits.
   */
  public static String forSession(String client, String session) {
    if (session == null) {
      return null;
    }
    String hex = session.toLowerCase(Locale.ROOT).replaceAll("[^0-9a-f]", "");
    return hex.length() < 8 ? null : client + "-" + hex.substring(0, 8);
  }
}
