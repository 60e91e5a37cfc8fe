package dev.baton.cli;

import dev.baton.integrations.HookScripts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What runs in a fleet's panes: the agent per instance and the control pane. */
final class FleetPanes {
  /** Variables a pane needs to reach the same broker, whatever the tmux server's environment. */
  private static final List<String> FORWARDED =
      List.of("PATH", "BATON_SOCKET", "BATON_CONFIG", "BATON_DATA_DIR", "BATON_JAR", "HOME");

  private FleetPanes() {}

  /**
   * The agent command for {@code --agent}: {@code claude} or {@code codex} by name, {@code shell}
   * for the user's shell, anything else a command line; null means claude when it is installed.
   */
  record Agent(String kind, String command) {
    /** The {@code baton setup} kind for the worktree: claude, codex or none. */
    String setup() {
      return kind.equals("claude") || kind.equals("codex") ? kind : "none";
    }
  }

  /**
   * Resolves {@code --agent}, checking the program is installed.
   *
   * @throws IllegalArgumentException saying what to install or pass instead
   */
  static Agent agent(String option) {
    if (option == null) {
      return Tmux.onPath("claude") ? new Agent("claude", "claude") : new Agent("shell", null);
    }
    String a = option.strip();
    String lower = a.toLowerCase(Locale.ROOT);
    if (lower.equals("shell")) {
      return new Agent("shell", null);
    }
    String program = a.split("\\s+")[0];
    if (!Tmux.onPath(program)) {
      throw new IllegalArgumentException(
          "agent command '"
              + program
              + "' is not found on PATH; install it, give its full path, or use --agent shell");
    }
    if (lower.equals("claude") || lower.equals("codex")) {
      return new Agent(lower, lower);
    }
    return new Agent("command", a);
  }

  /** The argv an instance's pane runs: the agent, then the user's shell when it ends. */
  static List<String> instanceCommand(Agent agent, String id, String role) {
    String shell = "exec \"${SHELL:-/bin/sh}\"";
    String script =
        agent.command() == null
            ? "echo "
                + HookScripts.shellQuote(
                    "baton: instance "
                        + id
                        + " ("
                        + role
                        + ") in this worktree; start your agent here, e.g. claude or codex")
                + "; "
                + shell
            : agent.command() + "; " + shell;
    return List.of("/bin/sh", "-c", script);
  }

  /**
   * The argv of the control pane: {@code baton top} for the fleet, with the fleet's heartbeats in
   * the background; when top is quit, a shell that says how to see it again.
   */
  static List<String> controlCommand(String fleet, String tmuxSocket) {
    String launcher =
        HookScripts.shellQuote(System.getenv().getOrDefault("BATON_LAUNCHER", "baton"));
    String keepAlive =
        launcher + " fleet-keepalive " + HookScripts.shellQuote(fleet) + " >/dev/null 2>&1 & ";
    String top =
        launcher
            + " top --session "
            + HookScripts.shellQuote(fleet)
            + (tmuxSocket == null ? "" : " --tmux-socket " + HookScripts.shellQuote(tmuxSocket));
    String script =
        keepAlive
            + top
            + "; echo "
            + HookScripts.shellQuote("baton top ended; run 'baton top' here to see the fleet again")
            + "; exec \"${SHELL:-/bin/sh}\"";
    return List.of("/bin/sh", "-c", script);
  }

  /** {@code -e NAME=VALUE} options for new panes: the broker's whereabouts and the instance. */
  static List<String> environment(ClientOptions client, Map<String, String> extra) {
    List<String> args = new ArrayList<>();
    for (String name : FORWARDED) {
      String value = System.getenv(name);
      if (value != null) {
        args.addAll(List.of("-e", name + "=" + value));
      }
    }
    if (client.socket != null) {
      args.addAll(List.of("-e", "BATON_SOCKET=" + client.socket.toAbsolutePath()));
    }
    if (client.config != null) {
      args.addAll(List.of("-e", "BATON_CONFIG=" + client.config.toAbsolutePath()));
    }
    extra.forEach((k, v) -> args.addAll(List.of("-e", k + "=" + v)));
    return args;
  }
}
