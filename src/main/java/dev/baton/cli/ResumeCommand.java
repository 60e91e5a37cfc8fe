package dev.baton.cli;

import dev.baton.api.Json;
import dev.baton.api.WorktreeJson;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.BrokerErrorException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "resume",
    description = {
      "Where you left off: what each instance of the repository was doing at its last",
      "checkpoint (its own words, active context, git state, files held), open handoffs, and",
      "each worktree's branch, ahead/behind its base and dirty files. With --instance, an",
      "instance that had a worktree gets its own back (made again if it was removed)."
    },
    mixinStandardHelpOptions = true)
final class ResumeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(names = "--instance", paramLabel = "ID", description = "Only this instance.")
  String instance;

  @Option(
      names = "--workspace",
      paramLabel = "DIR",
      description = "Any directory of the repository (default: the current directory).")
  Path workspace;

  @Option(names = "--json", description = "Print the broker's JSON answer.")
  boolean json;

  @Override
  public Integer call() {
    Map<String, Object> query = new LinkedHashMap<>();
    if (instance != null && !instance.isBlank()) {
      query.put("instance", instance.strip());
    } else {
      query.put(
          "workspace",
          (workspace == null ? Path.of("") : workspace).toAbsolutePath().normalize().toString());
    }
    JsonNode answer;
    List<WorktreeJson> worktrees;
    try (BrokerClient broker = client.client(java.time.Duration.ofMinutes(2))) {
      answer =
          broker.call(
              "GET",
              "/v1/checkpoints/resume" + MemoryCommand.queryString(query),
              null,
              JsonNode.class);
      worktrees = worktrees(broker);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode both =
          answer.isObject() ? (ObjectNode) answer.deepCopy() : Json.MAPPER.createObjectNode();
      both.set("worktrees", Json.MAPPER.valueToTree(worktrees));
      out.println(both.toPrettyString());
    } else {
      out.println(answer.path("text").asString());
      out.print(worktreeText(worktrees, instance != null && !instance.isBlank()));
    }
    out.flush();
    return ExitCodes.OK;
  }

  /**
   * The worktree of {@code --instance}, given back (made again when it was removed), or every
   * worktree of the workspace.
   */
  private List<WorktreeJson> worktrees(BrokerClient broker) {
    if (instance != null && !instance.isBlank()) {
      try {
        broker.worktree(instance.strip());
      } catch (BrokerErrorException e) {
        return List.of(); // it never had one
      }
      return List.of(broker.openWorktree(instance.strip(), null));
    }
    return broker
        .worktrees(
            (workspace == null ? Path.of("") : workspace).toAbsolutePath().normalize().toString(),
            false)
        .worktrees();
  }

  static String worktreeText(List<WorktreeJson> worktrees, boolean one) {
    if (worktrees.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("\nWorktrees:\n");
    List<List<String>> rows =
        worktrees.stream()
            .map(
                w ->
                    List.of(
                        w.instance(),
                        w.branch(),
                        "+" + w.ahead() + " -" + w.behind() + " " + w.base(),
                        (w.uncommitted() + w.untracked()) + " dirty",
                        w.path()))
            .toList();
    Format.rows(rows).lines().forEach(l -> out.append("  ").append(l).append('\n'));
    if (one) {
      out.append("Continue there: cd ")
          .append(dev.baton.integrations.HookScripts.shellQuote(worktrees.get(0).path()))
          .append('\n');
    }
    return out.toString();
  }
}
