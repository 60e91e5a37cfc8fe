package dev.baton.registry;

import java.util.Locale;

/** How the id of an agent session's instance is derived, the same way by its hooks and its MCP. */
public final class InstanceIds {
  private static final int DIGITS = 8;
  private static final int UUID_HEX = 32;
  private static final int UUID_VERSION_AT = 12;

  private InstanceIds() {}

  /**
   * {@code <client>-} and 8 hex digits of the client's session id: its first 8 ({@code
   * claude-1a2b3c4d} for Claude Code's random UUIDs), or its last 8 when it is a time-ordered UUID
   * (version 7, Codex's thread ids), whose first digits are the time it was made and the same for
   * every session started within the same minute; null when the session id has fewer than 8 hex
   * digits.
   */
  public static String forSession(String client, String session) {
    if (session == null) {
      return null;
    }
    String hex = session.toLowerCase(Locale.ROOT).replaceAll("[^0-9a-f]", "");
    if (hex.length() < DIGITS) {
      return null;
    }
    boolean timeOrdered = hex.length() == UUID_HEX && hex.charAt(UUID_VERSION_AT) == '7';
    return client
        + "-"
        + (timeOrdered ? hex.substring(UUID_HEX - DIGITS) : hex.substring(0, DIGITS));
  }
}
