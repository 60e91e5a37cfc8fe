package dev.baton.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "mcp",
    description = {
      "Serve baton's MCP endpoint /mcp/<role> over stdio, for MCP clients that only start servers as commands.",
      "Relays to the broker over its Unix socket; when the broker is down, requests are answered with an error saying so."
    },
    mixinStandardHelpOptions = true)
final class McpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;
  @Mixin InstanceOption instance;

  @Option(
      names = "--role",
      paramLabel = "ROLE",
      defaultValue = "${env:BATON_ROLE:-developer}",
      description =
          "The endpoint's role, which chooses the tools (default: $BATON_ROLE, else developer).")
  String role;

  @Option(
      names = "--workspace",
      paramLabel = "DIR",
      description = "The repository the agent works in (default: the current directory).")
  Path workspace;

  @Override
  public Integer call() {
    Path dir = (workspace == null ? Path.of("") : workspace).toAbsolutePath().normalize();
    PrintWriter err = spec.commandLine().getErr();
    McpBridge bridge =
        new McpBridge(
            client.sockets(),
            role,
            identity(instance.instance, dir, System.getenv()),
            System.out,
            err);
    try {
      return bridge.run(System.in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Who the agent is, as headers. The process that started this bridge is the agent itself (or the
   * first one that is not a shell), the same process its hooks report, so that the broker finds the
   * instance the hooks registered instead of registering another. Claude Code's session id, when it
   * passes one on, names that instance even before the hooks have run.
   */
  static Map<String, String> identity(String instance, Path workspace, Map<String, String> env) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (instance != null && !instance.isBlank()) {
      headers.put("X-Baton-Instance", instance);
    }
    headers.put("X-Baton-Workspace", workspace.toString());
    agent().ifPresent(p -> headers.put("X-Baton-Agent-Pid", Long.toString(p.pid())));
    String session = env.get("CLAUDE_CODE_SESSION_ID");
    if (session != null && !session.isBlank()) {
      headers.put("X-Baton-Session", session);
      headers.put("X-Baton-Client", "claude");
    }
    return headers;
  }

  /** The first ancestor that is not a shell: the agent, even when it started us through one. */
  private static Optional<ProcessHandle> agent() {
    Optional<ProcessHandle> p = ProcessHandle.current().parent();
    for (int depth = 0; p.isPresent() && depth < 8; depth++) {
      String command = p.get().info().command().orElse("");
      String name = command.substring(command.lastIndexOf('/') + 1);
      if (!SHELLS.contains(name)) {
        return p;
      }
      p = p.get().parent();
    }
    return Optional.empty();
  }

  private static final Set<String> SHELLS =
      Set.of("sh", "bash", "dash", "zsh", "ksh", "mksh", "fish", "env", "timeout", "nohup");
}
