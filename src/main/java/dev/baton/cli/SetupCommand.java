package dev.baton.cli;

import dev.baton.api.client.BrokerClient;
import dev.baton.config.BatonConfig;
import dev.baton.core.BatonException;
import dev.baton.integrations.ClaudeSettings;
import dev.baton.integrations.HookScripts;
import dev.baton.integrations.McpJson;
import dev.baton.server.DataDirectory;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        "Connect Claude Code in a project (or worktree) to baton, keeping everything else in its files:",
        "  .claude/settings.local.json  hooks (edits lease their file; an edit of a file another agent holds is denied, naming the holder);",
        "  .mcp.json                    the 'baton' MCP server at /mcp/<role> (coordination tools plus the role's tools),",
        "                               with a headersHelper that gives Claude Code the broker's token."
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
      String mcpRole =
          role != null ? role : System.getenv().getOrDefault("BATON_ROLE", "developer");
      if (!config.registry().roles().contains(mcpRole)) {
        throw new ParameterException(
            spec.commandLine(),
            "unknown role '"
                + mcpRole
                + "'; valid roles: "
                + String.join(", ", config.registry().roles()));
      }
      Path settings = project.resolve(".claude").resolve("settings.local.json");
      List<String> events = ClaudeSettings.merge(settings, prefix);
      PrintWriter out = spec.commandLine().getOut();
      out.println("wrote " + script);
      out.println("updated " + settings + ": hooks for " + String.join(", ", events));
      String tcp = tcpAddress(config);
      if (tcp != null) {
        String url = "http://" + tcp + "/mcp/" + mcpRole;
        DataDirectory.token(config.dataDir(), config.tokenFile()); // created if needed
        Path helper = config.dataDir().resolve("hooks").resolve("mcp-headers");
        HookScripts.writeExecutable(
            helper,
            HookScripts.render(HookScripts.MCP_HEADERS, "@BATON_TOKEN_FILE@", config.tokenFile()));
        out.println("wrote " + helper);
        Path mcpJson = project.resolve(".mcp.json");
        boolean created =
            McpJson.merge(mcpJson, url, project, HookScripts.shellQuote(helper.toString()));
        out.println((created ? "wrote " : "updated ") + mcpJson + ": MCP server 'baton' at " + url);
        if (ClaudeSettings.approveMcpServer(settings, McpJson.NAME)) {
          out.println("updated " + settings + ": approved .mcp.json's 'baton' server");
        }
      } else {
        out.println(
            "skipped .mcp.json: the broker's TCP listener is off (server.tcp), and Claude Code reaches MCP servers over HTTP only");
      }
      out.println("Claude Code sessions started in " + project + " now lease the files they edit.");
      out.println(
          "Start each session with BATON_INSTANCE=$(baton register --role R --client claude) to choose its id; without it the id comes from the session.");
      out.flush();
      return ExitCodes.OK;
    }

    /**
     * The running broker's TCP address ({@code host:port}), which may differ from the
     * configuration's (e.g. {@code serve --tcp}); the configuration's when no broker runs; null
     * when TCP is off.
     */
    private String tcpAddress(BatonConfig config) {
      try (BrokerClient c = client.client(Duration.ofSeconds(2))) {
        return c.health().tcp();
      } catch (BatonException e) {
        if (config.server().tcp().isEmpty()) {
          return null;
        }
        InetSocketAddress a = config.server().tcp().get();
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
      }
    }
  }
}
