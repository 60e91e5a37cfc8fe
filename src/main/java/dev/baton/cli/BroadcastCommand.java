package dev.baton.cli;

import dev.baton.api.client.BrokerClient;
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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

@Command(
    name = "broadcast",
    description = {
      "Tell every agent working in the repository (or one role, with --to role:NAME).",
      "Low importance waits for each agent's digest; urgent is pushed over MCP at once."
    },
    mixinStandardHelpOptions = true)
final class BroadcastCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(paramLabel = "TEXT", arity = "1..*", description = "The message.")
  List<String> words;

  @Option(
      names = "--workspace",
      paramLabel = "DIR",
      description = "Any directory of the repository (default: the current directory).")
  Path workspace;

  @Option(
      names = "--to",
      paramLabel = "ADDRESS",
      description = "all (default), role:NAME, or human.")
  String to = "all";

  @Option(names = "--importance", paramLabel = "I", description = "low, normal or urgent.")
  String importance;

  @Option(names = "--from", paramLabel = "NAME", description = "Who you are (default: human).")
  String from;

  @Option(names = "--ack", description = "Ask each agent to acknowledge it.")
  boolean ack;

  @Override
  public Integer call() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", from == null ? "human" : from);
    body.put(
        "workspace",
        (workspace == null ? Path.of("") : workspace).toAbsolutePath().normalize().toString());
    body.put("to", to);
    body.put("text", String.join(" ", words));
    if (importance != null) {
      body.put("importance", importance);
    }
    body.put("ackRequested", ack);
    JsonNode answer;
    try (BrokerClient broker = client.client()) {
      answer = broker.call("POST", "/v1/messages", body, JsonNode.class);
    }
    PrintWriter out = spec.commandLine().getOut();
    StringBuilder who = new StringBuilder();
    answer
        .path("recipients")
        .forEach(r -> who.append(who.length() == 0 ? "" : ", ").append(r.asString()));
    out.println("message #" + answer.path("message").asLong() + " sent to " + who);
    out.flush();
    return ExitCodes.OK;
  }
}
