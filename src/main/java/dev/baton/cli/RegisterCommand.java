package dev.baton.cli;

import dev.baton.api.Json;
import dev.baton.api.RegisterBody;
import dev.baton.api.RegistrationJson;
import dev.baton.api.client.BrokerClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "register",
    description = {
      "Register an instance and print its id.",
      "Use it as: export BATON_INSTANCE=$(baton register --role developer)",
      "With --worktree it works in a worktree of its own on branch instance/<id> (see 'baton new')."
    },
    mixinStandardHelpOptions = true)
final class RegisterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(
      names = "--role",
      required = true,
      paramLabel = "ROLE",
      description =
          "developer, research, architect, debugger, reviewer, ops, planner, or a configured role.")
  String role;

  @Option(
      names = "--workspace",
      paramLabel = "DIR",
      description = "Any directory in the repository (default: the current directory).")
  Path workspace;

  @Option(
      names = "--id",
      paramLabel = "ID",
      description = "Use this id instead of a generated <client>-<8 hex>.")
  String id;

  @Option(
      names = "--client",
      paramLabel = "KIND",
      defaultValue = "cli",
      description = "The kind of client, e.g. claude, codex (default: ${DEFAULT-VALUE}).")
  String clientKind;

  @Option(
      names = "--worktree",
      description =
          "Make a worktree of its own on branch instance/<id> beside the repository (git.worktree-root) and set the agent up there.")
  boolean worktree;

  @Option(
      names = "--base",
      paramLabel = "BRANCH",
      description =
          "With --worktree: the branch to start from (default: the branch checked out in the repository).")
  String base;

  @Option(
      names = "--agent",
      paramLabel = "AGENT",
      defaultValue = "claude",
      description =
          "With --worktree: set up claude, codex or gemini in it, or none (default: ${DEFAULT-VALUE}).")
  String agent;

  @Option(names = "--json", description = "Print the whole registration as JSON.")
  boolean json;

  @Override
  public Integer call() {
    Path dir = (workspace == null ? Path.of("") : workspace).toAbsolutePath().normalize();
    String kind = worktree ? AgentSetup.agent(spec, agent) : "none";
    if (!worktree && base != null) {
      throw new ParameterException(spec.commandLine(), "--base needs --worktree");
    }
    RegistrationJson registration;
    try (BrokerClient broker = client.client(java.time.Duration.ofMinutes(2))) {
      registration =
          broker.register(
              new RegisterBody(
                  role, dir.toString(), id, clientKind, worktree ? Boolean.TRUE : null, base));
    }
    if (worktree) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("worktree: " + registration.instance().worktree());
      AgentSetup.run(
          client,
          kind,
          Path.of(registration.instance().worktree()),
          registration.instance().role(),
          err);
      err.flush();
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        json
            ? Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(registration)
            : registration.instance().id());
    out.flush();
    return ExitCodes.OK;
  }
}
