package dev.baton.cli;

import dev.baton.config.BatonConfig;
import dev.baton.integrations.CodexConfig;
import dev.baton.integrations.CodexHooks;
import dev.baton.integrations.HookScripts;
import dev.baton.integrations.McpJson;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code baton setup codex [DIR]}: hooks, the MCP server and project trust for OpenAI's Codex. */
@Command(
    name = "codex",
    description = {
      "Connect OpenAI's Codex CLI in a project (or worktree) to baton, keeping everything else in the files it touches:",
      "  .codex/hooks.json        hooks (a patch leases the files it changes; a patch of a file another agent holds",
      "                           is denied, naming the holder); Codex runs them once you trusted them (/hooks);",
      "  .codex/config.toml       the 'baton' MCP server: 'baton mcp' over stdio, which reaches the broker's socket",
      "                           without a token, and approval of baton's coordination tools;",
      "  $CODEX_HOME/config.toml  the project marked trusted, without which Codex reads nothing in .codex/."
    },
    mixinStandardHelpOptions = true)
final class SetupCodex implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(
      arity = "0..1",
      paramLabel = "DIR",
      description = "The project or worktree Codex starts in (default: the current directory).")
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
    project = SetupCommand.realPath(project);
    BatonConfig config = client.config();
    String mcpRole = SetupCommand.role(spec, config, role);
    PrintWriter out = spec.commandLine().getOut();
    Path projectConfig = project.resolve(".codex").resolve("config.toml");
    Path user = CodexConfig.userFile(System.getenv(), home());
    CodexConfig.check(projectConfig); // a broken file stops setup before anything is written
    CodexConfig.check(user);

    Path script = config.dataDir().resolve("hooks").resolve("codex-hook");
    HookScripts.writeExecutable(
        script, HookScripts.agentHook("codex", "Codex", config.server().socket()));
    out.println("wrote " + script);
    String prefix =
        (role == null ? "" : "BATON_ROLE=" + HookScripts.shellQuote(role) + " ")
            + HookScripts.shellQuote(script.toString());
    Path hooks = project.resolve(".codex").resolve("hooks.json");
    List<String> events = CodexHooks.merge(hooks, prefix);
    out.println("updated " + hooks + ": hooks for " + String.join(", ", events));

    List<String> command = SetupCommand.bridgeCommand();
    List<String> args = new ArrayList<>(command.subList(1, command.size()));
    args.addAll(List.of("mcp", "--role", mcpRole, "--socket", config.server().socket().toString()));
    List<String> approved = SetupCommand.coordinationTools(config);
    boolean replaced =
        CodexConfig.addMcpServer(projectConfig, McpJson.NAME, command.get(0), args, approved);
    out.println(
        "updated "
            + projectConfig
            + ": MCP server 'baton'"
            + (replaced ? " (replacing the earlier one)" : "")
            + ": "
            + command.get(0)
            + " "
            + String.join(" ", args)
            + "; Codex calls baton's "
            + approved.size()
            + " coordination tools without asking");

    switch (CodexConfig.trustProject(user, project)) {
      case ADDED ->
          out.println(
              "updated "
                  + user
                  + ": trusted "
                  + project
                  + " (Codex reads .codex/ only in trusted projects)");
      case ALREADY -> out.println(user + ": " + project + " was trusted already");
      case KEPT_UNTRUSTED ->
          out.println(
              "left "
                  + user
                  + " as it was: you marked "
                  + project
                  + " untrusted, so Codex ignores its .codex/ (hooks and the baton server) until you trust it");
    }
    out.println(
        "Codex asks you once to review the new hooks: start 'codex' in "
            + project
            + ", open /hooks and trust them; until then they do not run ('codex exec' skips them silently).");
    out.println(
        "Codex sessions started there then lease the files they patch, and their hooks and MCP tools act as one");
    out.println("instance (codex-<session>) that lives as long as the session's process.");
    out.flush();
    return ExitCodes.OK;
  }

  private static Path home() {
    String home = System.getenv("HOME");
    return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home);
  }
}
