package dev.baton.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
            client.config().server().socket(), role, instance.instance, dir, System.out, err);
    try {
      return bridge.run(System.in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
