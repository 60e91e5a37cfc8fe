package dev.baton.cli;

import dev.baton.api.client.BrokerClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

@Command(
    name = "resume",
    description = {
      "Where you left off: what each instance of the repository was doing at its last",
      "checkpoint (its own words, active context, git state, files held), and open handoffs."
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
    try (BrokerClient broker = client.client()) {
      answer =
          broker.call(
              "GET",
              "/v1/checkpoints/resume" + MemoryCommand.queryString(query),
              null,
              JsonNode.class);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? answer.toPrettyString() : answer.path("text").asString());
    out.flush();
    return ExitCodes.OK;
  }
}
