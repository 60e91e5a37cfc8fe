package dev.baton.cli;

import dev.baton.integrations.HookScripts;
import java.nio.file.Path;

/**
 * Puts the broker's status line (the file {@code <data-dir>/tmux-status}, which the broker rewrites
 * when something changes) into tmux: the refresh is {@code #(cat FILE)}, one small read, no JVM.
 *
 * <p>A session {@code baton up} made shows it as its {@code status-right}, or, for more than {@link
 * #ONE_LINE_MAX} instances, on a second status line. In a session of the user's own (a fleet inside
 * tmux) it always takes a second status line, so that the user's {@code status-right} stays; {@code
 * baton down} takes that line away again. Only session options are set, never global ones.
 */
final class TmuxStatus {
  /** More instances than this get a status line of their own. */
  static final int ONE_LINE_MAX = 6;

  /** How often tmux reads the file, in seconds. */
  static final int INTERVAL_SECONDS = 2;

  /** Wide enough for {@link #ONE_LINE_MAX} instances and the totals. */
  static final int RIGHT_LENGTH = 120;

  /** The first line of what {@code baton tmux install} appends to {@code ~/.tmux.conf}. */
  static final String MARKER = "# baton status line (baton tmux install)";

  private TmuxStatus() {}

  /** The file the broker keeps the line in. */
  static Path file(Path dataDir) {
    return dataDir.resolve("tmux-status");
  }

  /**
   * The tmux format that shows the file: {@code #(cat '/path/tmux-status')}, shell-quoted, with
   * {@code #} doubled because tmux expands the command as a format.
   */
  static String format(Path dataDir) {
    String cat = "cat " + HookScripts.shellQuote(file(dataDir).toAbsolutePath().toString());
    return "#(" + cat.replace("#", "##") + ")";
  }

  /** Shows the line in the fleet's session (see the class comment); tmux failures are errors. */
  static void apply(Tmux tmux, Fleet fleet, Path dataDir) {
    String session = fleet.session();
    tmux.run("set-option", "-t", session, "status-interval", String.valueOf(INTERVAL_SECONDS));
    if (fleet.ownsSession() && fleet.members().size() <= ONE_LINE_MAX) {
      tmux.run("set-option", "-t", session, "status-right-length", String.valueOf(RIGHT_LENGTH));
      tmux.run("set-option", "-t", session, "status-right", format(dataDir));
      return;
    }
    if (fleet.ownsSession()) {
      tmux.ok("set-option", "-u", "-t", session, "status-right"); // the line moves below
    }
    // a session's status-format replaces the global array as a whole: keep the first line as is
    String first = tmux.run("show-options", "-gv", "status-format[0]");
    tmux.run("set-option", "-t", session, "status", "2");
    tmux.run("set-option", "-t", session, "status-format[0]", first);
    tmux.run("set-option", "-t", session, "status-format[1]", "#[align=left]" + format(dataDir));
  }

  /** Takes the line out of a session of the user's own (the fleet in it ended). Best effort. */
  static void remove(Tmux tmux, Fleet fleet) {
    if (fleet.ownsSession()) {
      return; // the session goes with the fleet
    }
    for (String option : new String[] {"status-format", "status", "status-interval"}) {
      tmux.ok("set-option", "-u", "-t", fleet.session(), option);
    }
  }

  /** What {@code baton tmux install} prints: the lines for {@code ~/.tmux.conf}. */
  static String snippet(Path dataDir) {
    String value = format(dataDir);
    // tmux.conf double quotes: a backslash, a double quote and $ are escaped
    String quoted =
        "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$") + "\"";
    return MARKER
        + "\n"
        + "set -g status-interval "
        + INTERVAL_SECONDS
        + "\n"
        + "set -g status-right-length "
        + RIGHT_LENGTH
        + "\n"
        + "set -g status-right "
        + quoted
        + "\n";
  }
}
