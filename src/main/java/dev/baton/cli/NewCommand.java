package dev.baton.cli;

import dev.baton.api.RegisterBody;
import dev.baton.api.RegistrationJson;
import dev.baton.api.client.BrokerClient;
import dev.baton.integrations.HookScripts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "new",
    description = {
      "Start an instance in a worktree of its own: register it, make the worktree on branch",
      "instance/<id> beside the repository (git.worktree-root), set the agent up there, and print",
      "the lines a launcher needs. Use it as:",
      "  eval \"$(baton new developer)\" && claude"
    },
    mixinStandardHelpOptions = true)
final class NewCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(
      paramLabel = "ROLE",
      description =
          "developer, research, architect, debugger, reviewer, ops, planner, or a configured role.")
  String role;

  @Option(
      names = "--base",
      paramLabel = "BRANCH",
      description =
          "The branch to start from and land on (default: the branch checked out in the repository).")
  String base;

  @Option(
      names = "--agent",
      paramLabel = "AGENT",
      defaultValue = "claude",
      description =
          "Set up claude, codex or gemini in the worktree, or none (default: ${DEFAULT-VALUE}).")
  String agent;

  @Option(
      names = "--workspace",
      paramLabel = "DIR",
      description = "Any directory in the repository (default: the current directory).")
  Path workspace;

  @Option(
      names = "--id",
      paramLabel = "ID",
      description = "Use this id (an ended instance's id gives its worktree back).")
  String id;

  @Override
  public Integer call() {
    String kind = AgentSetup.agent(spec, agent);
    Path dir = (workspace == null ? Path.of("") : workspace).toAbsolutePath().normalize();
    RegistrationJson registration;
    try (BrokerClient broker = client.client(java.time.Duration.ofMinutes(2))) {
      registration =
          broker.register(
              new RegisterBody(
                  role, dir.toString(), id, kind.equals("none") ? "cli" : kind, true, base));
    }
    Path worktree = Path.of(registration.instance().worktree());
    PrintWriter err = spec.commandLine().getErr();
    AgentSetup.run(client, kind, worktree, registration.instance().role(), err);
    err.flush();
    PrintWriter out = spec.commandLine().getOut();
    out.print(launch(registration));
    out.flush();
    return ExitCodes.OK;
  }

  /** The shell lines that put a launcher in the worktree as the instance. */
  static String launch(RegistrationJson registration) {
    return "cd "
        + HookScripts.shellQuote(registration.instance().worktree())
        + "\nexport BATON_INSTANCE="
        + HookScripts.shellQuote(registration.instance().id())
        + " BATON_ROLE="
        + HookScripts.shellQuote(registration.instance().role())
        + "\n";
  }
}
