package dev.baton.cli;

import dev.baton.core.BatonException;
import dev.baton.core.Version;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code baton} command. */
@Command(
    name = "baton",
    description = {
      "Coordinates several AI coding agents on one git repository.",
      "Start the broker with 'baton serve'; the other commands talk to it over its Unix socket."
    },
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    subcommands = {
      ServeCommand.class,
      StatusCommand.class,
      InstancesCommand.class,
      RegisterCommand.class,
      NewCommand.class,
      UpCommand.class,
      DownCommand.class,
      TopCommand.class,
      AttachCommand.class,
      FleetKeepAliveCommand.class,
      HeartbeatCommand.class,
      DeregisterCommand.class,
      TokenCommand.class,
      LeaseCommand.class,
      WhoCommand.class,
      MemoryCommand.class,
      HandoffCommand.class,
      InboxCommand.class,
      BroadcastCommand.class,
      ResumeCommand.class,
      WorktreeCommand.class,
      LandCommand.class,
      LandsCommand.class,
      FocusCommand.class,
      DashboardCommand.class,
      McpCommand.class,
      RolesCommand.class,
      SetupCommand.class,
      GuardCommand.class,
      ServiceCommand.class,
      NginxCommand.class,
      TmuxCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {"", "Exit codes: 0 ok, 1 error, 2 usage, 3 conflict, 4 broker unreachable."})
public final class Main implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code. */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          if (e instanceof BatonException b) {
            err.println("baton: " + b.getMessage());
            err.flush();
            return ExitCodes.of(b.code());
          }
          err.println("baton: unexpected failure: " + e);
          e.printStackTrace(err);
          err.flush();
          return ExitCodes.ERROR;
        });
    cli.setParameterExceptionHandler(
        (e, ignored) -> {
          CommandLine command = e.getCommandLine();
          PrintWriter err = command.getErr();
          err.println("baton: " + e.getMessage());
          err.println(
              "Try '" + command.getCommandSpec().qualifiedName() + " --help' for the options.");
          err.flush();
          return ExitCodes.USAGE;
        });
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required, e.g. 'baton serve' or 'baton status'");
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"baton " + Version.current()};
    }
  }
}
