package dev.baton.cli;

import dev.baton.api.client.BrokerClient;
import dev.baton.config.BatonConfig;
import dev.baton.core.BatonException;
import dev.baton.integrations.ClaudeSettings;
import dev.baton.integrations.ClaudeUserConfig;
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
    subcommands = {SetupCommand.Claude.class, SetupCodex.class, SetupGemini.class})
final class SetupCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "say which tool: baton setup claude|codex|gemini [DIR]");
  }

  /**
   * The role an agent set up here works in: {@code --role}, else {@code $BATON_ROLE}, else
   * developer; refused when the configuration does not have it.
   */
  static String role(CommandSpec spec, BatonConfig config, String option) {
    String role = option != null ? option : System.getenv().getOrDefault("BATON_ROLE", "developer");
    if (!config.registry().roles().contains(role)) {
      throw new ParameterException(
          spec.commandLine(),
          "unknown role '"
              + role
              + "'; valid roles: "
              + String.join(", ", config.registry().roles()));
    }
    return role;
  }

  /**
   * How to start {@code baton}: the launcher script when this runs through it ({@code
   * BATON_LAUNCHER}), else this JVM with this jar.
   */
  static List<String> bridgeCommand() {
    String launcher = System.getenv("BATON_LAUNCHER");
    if (launcher != null && !launcher.isBlank() && Files.isExecutable(Path.of(launcher))) {
      return List.of(launcher);
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    try {
      Path jar =
          Path.of(SetupCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return List.of(java, "-jar", jar.toString());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("cannot tell where baton's jar is: " + e.getMessage(), e);
    }
  }

  /**
   * baton's own tools that an agent may call without asking: all but {@code call_tool}, which
   * reaches the downstream servers.
   */
  static List<String> coordinationTools(BatonConfig config) {
    return dev.baton.mcp.McpEndpoints.ownTools(
            config.memory().tools(), config.handoff().tools(), config.coordination().tools())
        .stream()
        .map(t -> t.name())
        .filter(n -> !n.equals("call_tool"))
        .toList();
  }

  static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (java.io.IOException e) {
      return p;
    }
  }

  @Command(
      name = "claude",
      description = {
        "Connect Claude Code in a project (or worktree) to baton, keeping everything else in the files it touches:",
        "  .claude/settings.local.json  hooks (an edit leases its file; an edit of a file another agent holds is denied,",
        "                               naming the holder) and permission to call baton's coordination tools;",
        "  ~/.claude.json               the 'baton' MCP server in the project's local scope (as 'claude mcp add --scope local'",
        "                               writes it): 'baton mcp' over stdio, which reaches the broker's socket without a token,",
        "                               needs no trusted folder and works in 'claude -p'. With --http instead: .mcp.json",
        "                               and a headersHelper that gives Claude Code the broker's token (trusted folders only)."
      },
      mixinStandardHelpOptions = true)
  static final class Claude implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(
        arity = "0..1",
        paramLabel = "DIR",
        description =
            "The project or worktree Claude Code starts in (default: the current directory).")
    Path dir;

    @Option(
        names = "--role",
        paramLabel = "ROLE",
        description = "Role for sessions started here (default: $BATON_ROLE, else developer).")
    String role;

    @Option(
        names = "--http",
        description =
            "Connect over HTTP (.mcp.json with a headersHelper) instead of stdio; Claude Code runs the helper only in a folder you trusted interactively.")
    boolean http;

    @Override
    public Integer call() {
      Path project = (dir == null ? Path.of("") : dir).toAbsolutePath().normalize();
      if (!Files.isDirectory(project)) {
        throw new ParameterException(spec.commandLine(), project + " is not a directory");
      }
      project = realPath(project);
      BatonConfig config = client.config();
      String mcpRole = role(spec, config, role);
      Path script = config.dataDir().resolve("hooks").resolve("claude-hook");
      HookScripts.writeExecutable(
          script, HookScripts.agentHook("claude", "Claude Code", config.server().socket()));
      String prefix =
          (role == null ? "" : "BATON_ROLE=" + HookScripts.shellQuote(role) + " ")
              + HookScripts.shellQuote(script.toString());
      Path settings = project.resolve(".claude").resolve("settings.local.json");
      List<String> events = ClaudeSettings.merge(settings, prefix);
      PrintWriter out = spec.commandLine().getOut();
      out.println("wrote " + script);
      out.println("updated " + settings + ": hooks for " + String.join(", ", events));
      List<String> allowed = ClaudeSettings.allow(settings, allowedTools(config));
      if (!allowed.isEmpty()) {
        out.println(
            "updated "
                + settings
                + ": Claude Code may call baton's coordination tools without asking ("
                + allowed.size()
                + " permissions.allow rules)");
      }
      boolean connected =
          http
              ? connectOverHttp(config, project, mcpRole, settings, out)
              : connectOverStdio(config, project, mcpRole, settings, out);
      if (connected) {
        out.println(
            "Claude Code sessions started in " + project + " now lease the files they edit,");
        out.println(
            "and their hooks and MCP tools act as one instance (claude-<session>) that lives as long as the session's process.");
      }
      out.flush();
      return ExitCodes.OK;
    }

    private static List<String> allowedTools(BatonConfig config) {
      return coordinationTools(config).stream()
          .map(n -> "mcp__" + McpJson.NAME + "__" + n)
          .toList();
    }

    private boolean connectOverStdio(
        BatonConfig config, Path project, String mcpRole, Path settings, PrintWriter out) {
      List<String> command = bridgeCommand();
      List<String> args = new java.util.ArrayList<>(command.subList(1, command.size()));
      args.addAll(
          List.of("mcp", "--role", mcpRole, "--socket", config.server().socket().toString()));
      String home = System.getenv("HOME");
      Path user =
          ClaudeUserConfig.file(
              System.getenv(),
              Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home));
      ClaudeUserConfig.addLocalServer(user, project, McpJson.NAME, command.get(0), args);
      out.println(
          "updated "
              + user
              + ": MCP server 'baton' for "
              + project
              + " (local scope): "
              + command.get(0)
              + " "
              + String.join(" ", args));
      Path mcpJson = project.resolve(".mcp.json");
      if (McpJson.remove(mcpJson)) {
        out.println("updated " + mcpJson + ": removed the 'baton' HTTP server of an earlier setup");
      }
      if (ClaudeSettings.unapproveMcpServer(settings, McpJson.NAME)) {
        out.println("updated " + settings + ": removed the approval of that server");
      }
      return true;
    }

    private boolean connectOverHttp(
        BatonConfig config, Path project, String mcpRole, Path settings, PrintWriter out) {
      String tcp = tcpAddress(config);
      if (tcp == null) {
        out.println(
            "skipped .mcp.json: the broker's TCP listener is off (server.tcp); leave out --http to connect over stdio");
        return false;
      }
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
      out.println(
          "Claude Code runs the headersHelper only in a folder you trusted: start 'claude' here once and accept.");
      return true;
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
