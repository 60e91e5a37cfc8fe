package dev.baton.cli;

import dev.baton.config.BatonConfig;
import dev.baton.integrations.GeminiSettings;
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

@Command(
    name = "gemini",
    description = {
      "Connect Gemini CLI in a project (or worktree) to baton, keeping everything else in the file it touches:",
      "  .gemini/settings.json  the 'baton' MCP server ('baton mcp' over stdio, which reaches the broker's socket",
      "                         without a token), baton's coordination tools in tools.allowed (called without asking,",
      "                         also headless), and hooks: an edit (write_file, replace) leases its file; an edit of",
      "                         a file another agent holds is denied, naming the holder.",
      "Gemini CLI reads a project's settings only in a trusted folder: trust it once (see the output)."
    },
    mixinStandardHelpOptions = true)
final class SetupGemini implements Callable<Integer> {
  /** Gemini CLI calls an MCP server's tools {@code mcp_<server>_<tool>}. */
  private static final String TOOL_PREFIX = "mcp_" + McpJson.NAME + "_";

  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(
      arity = "0..1",
      paramLabel = "DIR",
      description =
          "The project or worktree Gemini CLI starts in (default: the current directory).")
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
    Path script = config.dataDir().resolve("hooks").resolve("gemini-hook");
    HookScripts.writeExecutable(
        script, HookScripts.agentHook("gemini", "Gemini CLI", config.server().socket()));
    String prefix =
        (role == null ? "" : "BATON_ROLE=" + HookScripts.shellQuote(role) + " ")
            + HookScripts.shellQuote(script.toString());
    List<String> command = SetupCommand.bridgeCommand();
    List<String> args = new ArrayList<>(command.subList(1, command.size()));
    args.addAll(List.of("mcp", "--role", mcpRole, "--socket", config.server().socket().toString()));
    List<String> allowed =
        SetupCommand.coordinationTools(config).stream().map(n -> TOOL_PREFIX + n).toList();
    Path settings = project.resolve(".gemini").resolve("settings.json");
    GeminiSettings.Merged merged =
        GeminiSettings.merge(
            settings, new GeminiSettings.Entries(prefix, command.get(0), args, allowed));

    PrintWriter out = spec.commandLine().getOut();
    out.println("wrote " + script);
    out.println(
        "updated "
            + settings
            + ": MCP server 'baton' (stdio): "
            + command.get(0)
            + " "
            + String.join(" ", args));
    out.println("updated " + settings + ": hooks for " + String.join(", ", merged.events()));
    if (!merged.allowedAdded().isEmpty()) {
      out.println(
          "updated "
              + settings
              + ": Gemini CLI may call baton's coordination tools without asking ("
              + merged.allowedAdded().size()
              + " tools.allowed entries)");
    }
    out.println("Gemini CLI sessions started in " + project + " now lease the files they edit,");
    out.println(
        "and their hooks and MCP tools act as one instance (gemini-<session>) that lives as long as the session's process.");
    out.println(
        "Gemini CLI reads .gemini/settings.json only in a trusted folder. Trust this one once: start 'gemini' in "
            + project);
    out.println(
        "and choose 'Trust folder' (it is then listed in ~/.gemini/trustedFolders.json). For headless runs without that,");
    out.println(
        "set GEMINI_CLI_TRUST_WORKSPACE=true; --skip-trust is not enough (it skips the project's settings).");
    out.flush();
    return ExitCodes.OK;
  }
}
