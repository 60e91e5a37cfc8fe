package dev.baton.cli;

import dev.baton.integrations.GitGuard;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "guard",
    description = {
      "The git pre-commit guard: a commit that stages a file leased exclusively to another agent is refused.",
      "Bypass once with BATON_GUARD=off git commit ... or git commit --no-verify."
    },
    mixinStandardHelpOptions = true,
    subcommands = {GuardCommand.Install.class, GuardCommand.Uninstall.class})
final class GuardCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "a subcommand is required: install or uninstall");
  }

  @Command(
      name = "install",
      description =
          "Install the guard (respects core.hooksPath; keeps an existing pre-commit hook and runs it first).",
      mixinStandardHelpOptions = true)
  static final class Install implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(
        arity = "0..1",
        paramLabel = "DIR",
        description = "Any directory of the repository or worktree (default: the current one).")
    Path dir;

    @Override
    public Integer call() {
      Path repo = (dir == null ? Path.of("") : dir).toAbsolutePath().normalize();
      GitGuard.Installed installed = GitGuard.install(repo, client.config().server().socket());
      PrintWriter out = spec.commandLine().getOut();
      out.println("installed " + installed.hook());
      if (installed.chained() != null) {
        out.println("the pre-commit hook that was there runs first: " + installed.chained());
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "uninstall",
      description = "Remove the guard and put back the hook it chained.",
      mixinStandardHelpOptions = true)
  static final class Uninstall implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        arity = "0..1",
        paramLabel = "DIR",
        description = "Any directory of the repository (default: the current one).")
    Path dir;

    @Override
    public Integer call() {
      Path repo = (dir == null ? Path.of("") : dir).toAbsolutePath().normalize();
      Path hook = GitGuard.uninstall(repo);
      spec.commandLine().getOut().println("removed the baton guard from " + hook);
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }
}
