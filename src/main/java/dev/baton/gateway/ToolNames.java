package dev.baton.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The names downstream tools get on an endpoint: {@code <server>__<tool>}, with characters other
 * than letters, digits, {@code _} and {@code -} replaced by {@code _}, and never longer than 52
 * characters (Claude Code adds {@code mcp__baton__} and breaks past 64). A longer name is cut and
 * ends in 8 hex digits of a hash of the full name, so that it stays the same from run to run and
 * two long names do not collide.
 */
public final class ToolNames {
  /** The longest name baton lists. */
  public static final int MAX = 52;

  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_-]");

  private ToolNames() {}

  public static String full(String server, String tool) {
    return server + "__" + tool;
  }

  /** The listed name of a server's tool. */
  public static String of(String server, String tool) {
    String name = UNSAFE.matcher(full(server, tool)).replaceAll("_");
    if (name.length() <= MAX && name.equals(full(server, tool))) {
      return name;
    }
    if (name.length() <= MAX) {
      // Characters were replaced: a hash keeps "a.b" and "a_b" apart.
      name = name.length() <= MAX - 9 ? name : name.substring(0, MAX - 9);
      return name + "_" + hash(full(server, tool));
    }
    return name.substring(0, MAX - 9) + "_" + hash(full(server, tool));
  }

  private static String hash(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The same definition under another name (the rest passes through as the server gave it). */
  public static io.modelcontextprotocol.spec.McpSchema.Tool renamed(
      io.modelcontextprotocol.spec.McpSchema.Tool t, String name) {
    return new io.modelcontextprotocol.spec.McpSchema.Tool(
        name,
        t.title(),
        t.description(),
        t.inputSchema(),
        t.outputSchema(),
        t.annotations(),
        t.meta(),
        t.icons());
  }

  /** Glob on tool names: {@code *} any run of characters, {@code ?} one. */
  static boolean matches(String glob, String name) {
    StringBuilder re = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return name.matches(re.toString());
  }
}
