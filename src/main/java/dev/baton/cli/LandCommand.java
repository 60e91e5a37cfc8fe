package dev.baton.cli;

import dev.baton.api.Json;
import dev.baton.api.LandBody;
import dev.baton.api.LandJson;
import dev.baton.api.client.BrokerClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "land",
    description = {
      "Queue the instance's worktree branch to land on its base: baton rebases it in a scratch",
      "worktree of its own, runs git.land-check there, and moves the base only if both pass.",
      "With --wait: exit 0 landed, 3 conflicted, 1 failed."
    },
    mixinStandardHelpOptions = true)
final class LandCommand implements Callable<Integer> {
  /** How often --wait asks for the outcome. */
  private static final Duration POLL = Duration.ofMillis(200);

  @Spec CommandSpec spec;
  @Mixin ClientOptions client;
  @Mixin InstanceOption instance;

  @Option(
      names = "--base",
      paramLabel = "BRANCH",
      description = "The branch to land on (default: the one checked out in the main worktree).")
  String base;

  @Option(
      names = "--wait",
      arity = "0..1",
      fallbackValue = "",
      paramLabel = "DURATION",
      description =
          "Wait for the outcome (at most DURATION, e.g. 5m; without it, as long as it takes).")
  String waitFor;

  @Option(names = "--json", description = "Print the land as JSON.")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    String me = instance.required(spec);
    Duration limit =
        waitFor == null || waitFor.isBlank()
            ? null
            : LeaseCommand.duration(spec, waitFor, "--wait");
    PrintWriter out = spec.commandLine().getOut();
    LandJson land;
    try (BrokerClient broker = client.client()) {
      land = broker.land(new LandBody(me, base));
      if (waitFor == null) {
        print(out, land);
        return ExitCodes.OK;
      }
      Instant deadline = limit == null ? null : Instant.now().plus(limit);
      while (!land.finished() && (deadline == null || Instant.now().isBefore(deadline))) {
        Thread.sleep(POLL.toMillis());
        land = broker.land(land.id());
      }
    }
    print(out, land);
    if (!land.finished()) {
      spec.commandLine()
          .getErr()
          .println(
              "baton: land #"
                  + land.id()
                  + " is still "
                  + land.status()
                  + " after "
                  + Format.duration(limit)
                  + "; 'baton lands' shows the queue");
      spec.commandLine().getErr().flush();
      return ExitCodes.ERROR;
    }
    return exitCode(land);
  }

  static int exitCode(LandJson land) {
    switch (land.status()) {
      case "landed":
        return ExitCodes.OK;
      case "conflicted":
        return ExitCodes.CONFLICT;
      default:
        return land.finished() ? ExitCodes.ERROR : ExitCodes.OK;
    }
  }

  private void print(PrintWriter out, LandJson land) {
    if (json) {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(land));
    } else {
      out.print(describe(land));
    }
    out.flush();
  }

  /** A commit id as git shows it short. */
  static String commit(String id) {
    return id == null ? "-" : id.substring(0, Math.min(10, id.length()));
  }

  /** Text from the wire, each line indented and made safe to print. */
  private static String lines(String text) {
    StringBuilder s = new StringBuilder();
    if (text != null) {
      text.lines().forEach(line -> s.append("  ").append(Format.safe(line)).append('\n'));
    }
    return s.toString();
  }

  /** The land in a few lines: what happened and what to do. */
  static String describe(LandJson l) {
    StringBuilder s =
        new StringBuilder("land #")
            .append(l.id())
            .append(' ')
            .append(l.status())
            .append(": ")
            .append(l.branch())
            .append(" onto ")
            .append(l.base());
    switch (l.status()) {
      case "landed" -> {
        s.append(", ")
            .append(commit(l.from()))
            .append("..")
            .append(commit(l.to()))
            .append(" (")
            .append(l.files().size())
            .append(l.files().size() == 1 ? " file)" : " files)")
            .append('\n');
        if (l.note() != null) {
          s.append("  ").append(Format.safe(l.note())).append('\n');
        }
      }
      case "conflicted" -> {
        s.append('\n');
        for (LandJson.ConflictJson c : l.conflicts()) {
          s.append("  ")
              .append(Format.safe(c.file()))
              .append(c.lastLandedBy() == null ? "" : "  (last landed by " + c.lastLandedBy() + ")")
              .append('\n');
        }
        s.append(lines(l.error()));
      }
      case "failed" -> s.append('\n').append(lines(l.error()));
      default -> s.append(" (wait for it: baton land --wait, or baton lands)\n");
    }
    return s.toString();
  }
}
