package dev.baton.integrations;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The shell scripts baton installs (Claude Code hook, git pre-commit guard), with the socket baked
 * in.
 */
public final class HookScripts {
  /** The hook of an agent (Claude Code, Codex, Gemini CLI): see {@link #agentHook}. */
  private static final String AGENT_HOOK = "agent-hook.sh";

  public static final String PRE_COMMIT = "pre-commit.sh";

  /** Claude Code's headersHelper for baton's MCP endpoint; its placeholder is the token file. */
  public static final String MCP_HEADERS = "mcp-headers.sh";

  private HookScripts() {}

  /**
   * The hook script of the client {@code client} ({@code claude}, {@code codex}, {@code gemini}),
   * named {@code <client>-hook}, its default socket set to {@code socket}.
   */
  public static String agentHook(String client, String clientName, Path socket) {
    return render(AGENT_HOOK, socket)
        .replace("@BATON_CLIENT_NAME@", clientName)
        .replace("@BATON_CLIENT@", client);
  }

  /** The script's text, its default socket set to {@code socket} ($BATON_SOCKET still wins). */
  public static String render(String script, Path socket) {
    return render(script, "@BATON_SOCKET@", socket);
  }

  /** The script's text with {@code placeholder} replaced by {@code path}. */
  public static String render(String script, String placeholder, Path path) {
    try (InputStream in = HookScripts.class.getResourceAsStream("/dev/baton/hooks/" + script)) {
      if (in == null) {
        throw new IllegalStateException("script " + script + " is missing from the jar");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.replace(placeholder, escapeForDoubleQuotes(path.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes an executable file atomically (0755). */
  public static void writeExecutable(Path target, String text) {
    try {
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new BatonException(
          ErrorCode.INTERNAL, "cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /** Quotes a path for a POSIX shell command line. */
  public static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static String escapeForDoubleQuotes(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '$' || c == '`' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }
}
