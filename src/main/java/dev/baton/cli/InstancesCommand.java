package dev.baton.cli;

import dev.baton.api.InstanceJson;
import dev.baton.api.InstanceListJson;
import dev.baton.api.Json;
import dev.baton.api.client.BrokerClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "instances",
    description = "List registered instances.",
    mixinStandardHelpOptions = true)
final class InstancesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(
      names = "--workspace",
      paramLabel = "DIR",
      description = "Only instances in the repository containing DIR.")
  Path workspace;

  @Option(names = "--role", paramLabel = "ROLE", description = "Only instances with this role.")
  String role;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    InstanceListJson list;
    try (BrokerClient broker = client.client()) {
      list =
          broker.instances(
              workspace == null ? null : workspace.toAbsolutePath().normalize().toString(), role);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(list));
    } else if (list.instances().isEmpty()) {
      out.println(
          "no instances"
              + (workspace != null || role != null ? " match" : " registered")
              + " (register one: baton register --role developer)");
    } else {
      Instant now = Instant.now();
      List<List<String>> rows =
          list.instances().stream()
              .map(
                  (InstanceJson i) ->
                      List.of(
                          i.id(),
                          i.role(),
                          i.branch() == null ? "-" : i.branch(),
                          i.worktree() == null ? i.workspace() : i.worktree(),
                          Format.ago(i.lastHeartbeat(), now),
                          Format.in(i.expiresAt(), now)))
              .toList();
      out.print(
          Format.table(List.of("ID", "ROLE", "BRANCH", "DIRECTORY", "SEEN", "EXPIRES"), rows));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
