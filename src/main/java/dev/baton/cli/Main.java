package dev.baton.cli;

import dev.baton.core.BatonException;
import dev.baton.core.Version;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
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
    footer = {"", "Exit codes: 0 ok, 1 error, 2 usage, 3 conflict, 4 broker unreachable."})
public final class Main implements Runnable {
  /**
   * The subcommands, in the order help lists them. Built on demand: picocli reads every command's
   * annotations by reflection when it is added, which for all of them cost about 0.3 s of each
   * short client command, so a command line that names one gets only that one.
   */
  private static final Map<String, Class<?>> COMMANDS = commands();

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  private static Map<String, Class<?>> commands() {
    Map<String, Class<?>> commands = new LinkedHashMap<>();
    commands.put("serve", ServeCommand.class);
    commands.put("status", StatusCommand.class);
    commands.put("instances", InstancesCommand.class);
    commands.put("register", RegisterCommand.class);
    commands.put("new", NewCommand.class);
    commands.put("up", UpCommand.class);
    commands.put("down", DownCommand.class);
    commands.put("top", TopCommand.class);
    commands.put("attach", AttachCommand.class);
    commands.put("fleet-keepalive", FleetKeepAliveCommand.class);
    commands.put("heartbeat", HeartbeatCommand.class);
    commands.put("deregister", DeregisterCommand.class);
    commands.put("token", TokenCommand.class);
    commands.put("lease", LeaseCommand.class);
    commands.put("who", WhoCommand.class);
    commands.put("memory", MemoryCommand.class);
    commands.put("handoff", HandoffCommand.class);
    commands.put("inbox", InboxCommand.class);
    commands.put("broadcast", BroadcastCommand.class);
    commands.put("resume", ResumeCommand.class);
    commands.put("worktree", WorktreeCommand.class);
    commands.put("land", LandCommand.class);
    commands.put("lands", LandsCommand.class);
    commands.put("focus", FocusCommand.class);
    commands.put("dashboard", DashboardCommand.class);
    commands.put("mcp", McpCommand.class);
    commands.put("roles", RolesCommand.class);
    commands.put("setup", SetupCommand.class);
    commands.put("guard", GuardCommand.class);
    commands.put("service", ServiceCommand.class);
    commands.put("nginx", NginxCommand.class);
    commands.put("tmux", TmuxCommand.class);
    commands.put("warm-up", WarmUpCommand.class);
    return commands;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code. */
  public static int run(String... args) {
    Class<?> named = args.length == 0 ? null : COMMANDS.get(args[0]);
    CommandLine cli;
    if (named != null) {
      cli = new CommandLine(new Main());
      cli.addSubcommand(args[0], named);
    } else { // help, a usage error or an unknown command: list them all, suggest the nearest
      cli = withEveryCommand();
    }
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

  /** The whole command tree, as help lists it. */
  static CommandLine withEveryCommand() {
    CommandLine cli = new CommandLine(new Main());
    COMMANDS.forEach(cli::addSubcommand);
    cli.addSubcommand("help", CommandLine.HelpCommand.class);
    return cli;
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
