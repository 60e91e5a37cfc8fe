package dev.baton.cli;

import dev.baton.api.client.BrokerClient;
import java.io.PrintWriter;
import java.util.ArrayList;
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
    name = "inbox",
    description = {
      "An instance's messages and handoffs, newest first. Looking does not mark them read: the",
      "agent still gets them."
    },
    mixinStandardHelpOptions = true)
final class InboxCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(
      paramLabel = "ID",
      arity = "0..1",
      description = "The instance (or human: the person's own inbox).")
  String instance;

  @Option(
      names = "--human",
      description = "The person's inbox: messages agents sent to: human (same as ID human).")
  boolean human;

  @Option(names = "--unread", description = "Only messages it has not been shown.")
  boolean unread;

  @Option(names = "--limit", paramLabel = "N", description = "At most N (default 20).")
  Integer limit;

  @Option(names = "--json", description = "Print the broker's JSON answer.")
  boolean json;

  @Override
  public Integer call() {
    if (human && instance != null && !instance.equals("human")) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "give an instance ID or --human, not both");
    }
    if (human) {
      instance = "human";
    }
    if (instance == null) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "whose inbox? give an instance ID, or --human for yours");
    }
    Map<String, Object> query = new LinkedHashMap<>();
    query.put("instance", instance);
    query.put("unread", unread);
    if (limit != null) {
      query.put("limit", limit);
    }
    JsonNode answer;
    try (BrokerClient broker = client.client()) {
      answer =
          broker.call(
              "GET", "/v1/messages" + MemoryCommand.queryString(query), null, JsonNode.class);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(answer.toPrettyString());
    } else if (answer.path("messages").isEmpty()) {
      out.println("no messages for " + instance);
    } else {
      for (JsonNode m : answer.path("messages")) {
        List<String> marks = new ArrayList<>();
        marks.add(m.path("importance").asString());
        marks.add(m.path("readAt").isNull() ? "unread" : "read");
        if (m.path("ackRequested").asBoolean()) {
          marks.add(m.path("ackedAt").isNull() ? "ack requested" : "acknowledged");
        }
        out.println(
            "#"
                + m.path("id").asLong()
                + " "
                + m.path("sentAt").asString()
                + " from "
                + Format.safe(m.path("from").asString())
                + " ("
                + String.join(", ", marks)
                + "): "
                + Format.safe(m.path("text").asString()));
      }
    }
    out.flush();
    return ExitCodes.OK;
  }
}
