package dev.baton.cli;

import dev.baton.api.Json;
import dev.baton.api.LandJson;
import dev.baton.api.LandListJson;
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
    name = "lands",
    description = "List the landing queue and recent lands, oldest first.",
    mixinStandardHelpOptions = true)
final class LandsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(
      names = "--workspace",
      paramLabel = "DIR",
      description = "Only lands in the repository containing DIR (default: every repository).")
  Path workspace;

  @Option(names = "--instance", paramLabel = "ID", description = "Only this instance's lands.")
  String instance;

  @Option(names = "--limit", paramLabel = "N", description = "At most N lands (default 50).")
  Integer limit;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    LandListJson list;
    try (BrokerClient broker = client.client()) {
      list =
          broker.lands(
              workspace == null ? null : workspace.toAbsolutePath().normalize().toString(),
              instance,
              limit);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(list));
    } else if (list.lands().isEmpty()) {
      out.println("no lands (queue one from an instance's worktree: baton land --wait)");
    } else {
      Instant now = Instant.now();
      List<List<String>> rows =
          list.lands().stream()
              .map(
                  (LandJson l) ->
                      List.of(
                          "#" + l.id(),
                          l.status(),
                          l.instance(),
                          l.branch() + " -> " + l.base(),
                          Format.ago(l.queuedAt(), now),
                          detail(l)))
              .toList();
      out.print(
          Format.table(List.of("LAND", "STATUS", "INSTANCE", "BRANCH", "QUEUED", "DETAIL"), rows));
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static String detail(LandJson l) {
    switch (l.status()) {
      case "landed":
        return LandCommand.commit(l.from()) + ".." + LandCommand.commit(l.to());
      case "conflicted":
        return "conflicts: "
            + String.join(
                ", ",
                l.conflicts().stream()
                    .map(
                        c ->
                            Format.safe(c.file())
                                + (c.lastLandedBy() == null ? "" : " (" + c.lastLandedBy() + ")"))
                    .toList());
      case "failed":
        String first = l.error() == null ? "" : l.error().lines().findFirst().orElse("");
        return Format.safe(first.length() > 80 ? first.substring(0, 77) + "..." : first);
      default:
        return "";
    }
  }
}
