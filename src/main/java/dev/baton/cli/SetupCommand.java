package dev.baton.cli;

import dev.baton.config.BatonConfig;
import dev.baton.integrations.ClaudeSettings;
import dev.baton.integrations.HookScripts;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "setup",
    description = "Connect an agent tool to baton.",
    mixinStandardHelpOptions = true,
    subcommands = {SetupCommand.Claude.class})
final class SetupCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "say which tool: baton setup claude [DIR]");
  }

  @Command(
      name = "claude",
      description = {
        "Add baton's hooks to a project's (or worktree's) .claude/settings.local.json, keeping everything else there.",
        "Edits then lease their file; an edit of a file another agent holds is denied, naming the holder."
      },
      mixinStandardHelpOptions = true)
  static final class Claude implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(
        arity = "0..1",
        paramLabel = "DIR",
        description = "The project or worktree (default: the current directory).")
    Path dir;

    @Option(
        names = "--role",
        paramLabel = "ROLE",
        description = "Role for sessions started here (default: $BATON_ROLE, else developer).")
    String role;

    @Override
    public Integer call() {
      Path project = (dir == null ? Path.of("") : dir).toAbsolutePath().normalize();
      if (!Files.isDirectory(project)) {
        throw new ParameterException(spec.commandLine(), project + " is not a directory");
      }
      BatonConfig config = client.config();
      Path script = config.dataDir().resolve("hooks").resolve("claude-hook");
      HookScripts.writeExecutable(
          script, HookScripts.render(HookScripts.CLAUDE_HOOK, config.server().socket()));
      String prefix =
          (role == null ? "" : "BATON_ROLE=" + HookScripts.shellQuote(role) + " ")
              + HookScripts.shellQuote(script.toString());
      Path settings = project.resolve(".claude").resolve("settings.local.json");
      List<String> events = ClaudeSettings.merge(settings, prefix);
      PrintWriter out = spec.commandLine().getOut();
      out.println("wrote " + script);
      out.println("updated " + settings + ": hooks for " + String.join(", ", events));
      out.println("Claude Code sessions started in " + project + " now lease the files they edit.");
      out.println(
          "Start each session with BATON_INSTANCE=$(baton register --role R --client claude) to choose its id; without it the id comes from the session.");
      out.flush();
      return ExitCodes.OK;
    }
  }
}
