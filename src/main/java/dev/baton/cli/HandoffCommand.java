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
    name = "handoff",
    description = {
      "Hand one instance's work to another: the recipient is told at once (inbox, MCP, its next",
      "prompt) and the leases on --files (or all with --all-files) move to it in one step."
    },
    mixinStandardHelpOptions = true)
final class HandoffCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "FROM", description = "The instance handing over.")
  String from;

  @Parameters(
      index = "1",
      paramLabel = "TO",
      description =
          "An instance id, role:NAME for the next instance of that role, or human: the"
              + " person's inbox (delivered at once; the leases stay with FROM).")
  String to;

  @Option(
      names = "--summary",
      required = true,
      paramLabel = "TEXT",
      description = "What the recipient needs to know.")
  String summary;

  @Option(names = "--kind", paramLabel = "KIND", description = "e.g. debugging_session.")
  String kind;

  @Option(
      names = "--files",
      split = ",",
      paramLabel = "PATH",
      description = "Files or globs whose leases move (comma-separated or repeated).")
  List<String> files = new ArrayList<>();

  @Option(names = "--all-files", description = "Move every lease FROM holds.")
  boolean allFiles;

  @Option(names = "--include-checkpoints", description = "Name FROM's recent checkpoints.")
  boolean includeCheckpoints;

  @Option(names = "--json", description = "Print the broker's JSON answer.")
  boolean json;

  @Override
  public Integer call() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", from);
    body.put("to", to);
    body.put("summary", summary);
    if (kind != null) {
      body.put("kind", kind);
    }
    body.put("files", files);
    body.put("allFiles", allFiles);
    body.put("includeCheckpoints", includeCheckpoints);
    JsonNode h;
    try (BrokerClient broker = client.client()) {
      h = broker.call("POST", "/v1/handoffs", body, JsonNode.class);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(h.toPrettyString());
    } else {
      String recipient =
          h.path("to").isNull() || h.path("to").isMissingNode()
              ? "the next instance of role " + h.path("toRole").asString() + " (none is here yet)"
              : h.path("to").asString();
      out.println("handoff #" + h.path("id").asLong() + " sent to " + recipient);
      List<String> leases = new ArrayList<>();
      h.path("leases").forEach(l -> leases.add(l.asString()));
      out.println(
          leases.isEmpty() ? "no lease moved" : "leases moved: " + String.join(", ", leases));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
