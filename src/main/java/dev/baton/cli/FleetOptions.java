package dev.baton.cli;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** How {@code up}, {@code down} and {@code attach} name a fleet and find its tmux server. */
final class FleetOptions {
  @Option(
      names = "--session",
      paramLabel = "NAME",
      description = "The fleet's name and tmux session (default: baton-<repository directory>).")
  String session;

  @Option(
      names = "--tmux-socket",
      paramLabel = "NAME",
      description =
          "Use the tmux server 'tmux -L NAME' (default: $BATON_TMUX_SOCKET, else tmux's own).")
  String tmuxSocket;

  Tmux tmux() {
    return Tmux.of(tmuxSocket);
  }

  /** The fleet's name: {@code --session}, else from the repository around the current directory. */
  String name(CommandSpec spec) {
    if (session == null) {
      return FleetRoles.sessionName(repository());
    }
    if (!session.matches("[A-Za-z0-9_-]+")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--session '" + session + "' may hold only letters, digits, '-' and '_'");
    }
    return session;
  }

  /** The top directory of the git repository around the current directory. */
  static Path repository() {
    Path here = Path.of("").toAbsolutePath();
    Tmux.Result r = Tmux.exec(List.of("git", "rev-parse", "--show-toplevel"), here);
    if (!r.ok()) {
      throw new BatonException(
          ErrorCode.INVALID_WORKSPACE,
          here
              + " is not in a git repository; cd into the repository the agents should work on"
              + " (or run 'git init' there) and run the command again");
    }
    return Path.of(r.out().strip());
  }
}
