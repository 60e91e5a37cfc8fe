package dev.baton.integrations;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The systemd user unit that keeps {@code baton serve} running: {@code baton.service} in the user's
 * unit directory ({@code $XDG_CONFIG_HOME/systemd/user}, else {@code ~/.config/systemd/user}). It
 * runs the JVM and the jar by absolute path, so it works without the shell that installed it.
 */
public final class SystemdUnit {
  /** The unit's file name, and so its name for {@code systemctl}. */
  public static final String NAME = "baton.service";

  static final String MARKER = "# Written by 'baton service install'";

  /** Arguments systemd takes as they are; anything else is quoted. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  /** What an install did. */
  public enum Outcome {
    WRITTEN,
    UNCHANGED,
    REPLACED
  }

  /** What an uninstall removed: the unit, and the link {@code systemctl enable} made, if any. */
  public record Removed(Path unit, Path enabledLink) {}

  private SystemdUnit() {}

  /** Where the user's own units live, in the configuration directory systemd reads them from. */
  public static Path directory(Path configHome) {
    return configHome.resolve("systemd").resolve("user");
  }

  /**
   * The unit's text.
   *
   * @param command what {@code ExecStart} runs, absolute executable first
   * @param stopTimeout how long systemd waits after SIGTERM before it kills the broker
   */
  public static String render(List<String> command, Duration stopTimeout) {
    if (command.isEmpty() || !Path.of(command.get(0)).isAbsolute()) {
      throw new IllegalArgumentException("ExecStart needs an absolute executable: " + command);
    }
    List<String> args = new ArrayList<>();
    args.add(argument(command.get(0), false));
    command.stream().skip(1).forEach(a -> args.add(argument(a, true)));
    return String.join(
        "\n",
        MARKER + "; 'baton service uninstall' removes it.",
        "[Unit]",
        "Description=baton broker: coordinates AI coding agents on one git repository",
        // A broker that cannot start (a bad configuration) stops being restarted after 5 tries.
        "StartLimitIntervalSec=60",
        "StartLimitBurst=5",
        "",
        "[Service]",
        "Type=exec",
        "ExecStart=" + String.join(" ", args),
        "Restart=on-failure",
        "RestartSec=2s",
        "# The JVM exits with 143 once it has shut down cleanly on SIGTERM.",
        "SuccessExitStatus=143",
        "TimeoutStopSec=" + stopTimeout.toSeconds() + "s",
        "",
        "[Install]",
        "WantedBy=default.target",
        "");
  }

  /**
   * Writes the unit. An existing file with other content is kept unless {@code force}.
   *
   * @throws BatonException when another unit is there and {@code force} is false
   */
  public static Outcome install(Path file, String text, boolean force) {
    try {
      boolean exists = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
      if (exists && Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
        return Outcome.UNCHANGED;
      }
      if (exists && !force) {
        throw new BatonException(
            ErrorCode.INVALID_REQUEST,
            file
                + " already exists and differs from the unit baton would write; see the new one"
                + " with 'baton service install --print', and replace it with"
                + " 'baton service install --force'");
      }
      Files.createDirectories(file.getParent());
      Path partial = file.resolveSibling(file.getFileName() + ".baton-new");
      Files.writeString(partial, text, StandardCharsets.UTF_8);
      Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return exists ? Outcome.REPLACED : Outcome.WRITTEN;
    } catch (IOException e) {
      throw new BatonException(
          ErrorCode.INTERNAL, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Removes the unit and the link that enabled it. A unit baton did not write is kept unless {@code
   * force}.
   *
   * @return what was removed, or null when there was no unit
   */
  public static Removed uninstall(Path file, boolean force) {
    try {
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      if (!force && !Files.readString(file, StandardCharsets.UTF_8).startsWith(MARKER)) {
        throw new BatonException(
            ErrorCode.INVALID_REQUEST,
            file
                + " was not written by 'baton service install'; remove it yourself, or with"
                + " 'baton service uninstall --force'");
      }
      Path link = file.resolveSibling("default.target.wants").resolve(file.getFileName());
      boolean linked =
          Files.isSymbolicLink(link)
              && link.getParent().resolve(Files.readSymbolicLink(link)).normalize().equals(file);
      if (linked) {
        Files.delete(link);
      }
      Files.delete(file);
      return new Removed(file, linked ? link : null);
    } catch (IOException e) {
      throw new BatonException(
          ErrorCode.INTERNAL, "cannot remove " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * One {@code ExecStart} word: {@code %} doubled (systemd expands specifiers everywhere), {@code
   * $} doubled in the arguments (systemd expands variables there, not in the executable's path),
   * quoted when it holds anything but plain path characters.
   */
  static String argument(String value, boolean expandsVariables) {
    if (value.isEmpty() || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException(
          "cannot write '" + value + "' into a systemd unit: empty, or control characters");
    }
    String escaped = value.replace("%", "%%");
    if (expandsVariables) {
      escaped = escaped.replace("$", "$$");
    }
    if (PLAIN.matcher(value).matches()) {
      return escaped;
    }
    return "\"" + escaped.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
