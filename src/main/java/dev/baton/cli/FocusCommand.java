package dev.baton.cli;

import dev.baton.api.FocusBody;
import dev.baton.api.FocusJson;
import dev.baton.api.Json;
import dev.baton.api.client.BrokerClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "focus",
    description = {
      "The person's focus timer, one for the whole fleet: work blocks and breaks.",
      "A block (focus.block, 25m) is followed by a break (focus.break, 5m; every fourth a long",
      "one, focus.long-break, 15m). The break is announced once, whatever the number of agents,",
      "and agents are told to finish their step and not ask questions until it ends. With",
      "focus.auto on (the default) a block starts by itself when an agent becomes active."
    },
    mixinStandardHelpOptions = true,
    subcommands = {
      FocusCommand.Start.class,
      FocusCommand.Break.class,
      FocusCommand.Stop.class,
      FocusCommand.Status.class,
      FocusCommand.Snooze.class
    })
final class FocusCommand implements Runnable {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "say what to do: baton focus start|break|stop|status|snooze");
  }

  /** What every focus command shares: the broker, --json, and printing the timer. */
  abstract static class Action implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions client;

    @Option(names = "--json", description = "Print the broker's JSON answer.")
    boolean json;

    abstract FocusJson act(BrokerClient broker);

    @Override
    public Integer call() {
      FocusJson after;
      try (BrokerClient broker = client.client()) {
        after = act(broker);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          json
              ? Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(after)
              : describe(after, Instant.now()));
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "start",
      description = "Start a work block now (ends a running break).",
      mixinStandardHelpOptions = true)
  static final class Start extends Action {
    @Parameters(
        arity = "0..1",
        paramLabel = "DURATION",
        description = "How long, e.g. 25m or 1h (default: focus.block).")
    String duration;

    @Override
    FocusJson act(BrokerClient broker) {
      return broker.focus(new FocusBody("start", duration));
    }
  }

  @Command(
      name = "break",
      description = "Take a break now; every agent is told until when.",
      mixinStandardHelpOptions = true)
  static final class Break extends Action {
    @Parameters(
        arity = "0..1",
        paramLabel = "DURATION",
        description =
            "How long, e.g. 5m (default: the break due, focus.break or focus.long-break).")
    String duration;

    @Override
    FocusJson act(BrokerClient broker) {
      return broker.focus(new FocusBody("break", duration));
    }
  }

  @Command(
      name = "stop",
      description =
          "Stop the timer: no block, no break. With focus.auto on, the next block starts when"
              + " agents become active again after a pause.",
      mixinStandardHelpOptions = true)
  static final class Stop extends Action {
    @Override
    FocusJson act(BrokerClient broker) {
      return broker.focus(new FocusBody("stop", null));
    }
  }

  @Command(
      name = "status",
      description = "Show the timer: working or on a break, until when, the next break.",
      mixinStandardHelpOptions = true)
  static final class Status extends Action {
    @Override
    FocusJson act(BrokerClient broker) {
      return broker.focus();
    }
  }

  @Command(
      name = "snooze",
      description =
          "Postpone the due break (at most focus.max-snoozes times in a row, 2 by default).",
      mixinStandardHelpOptions = true)
  static final class Snooze extends Action {
    @Parameters(
        arity = "0..1",
        paramLabel = "DURATION",
        description = "By how long, e.g. 10m (default: focus.snooze).")
    String duration;

    @Override
    FocusJson act(BrokerClient broker) {
      return broker.focus(new FocusBody("snooze", duration));
    }
  }

  /** One line for the person, e.g. {@code working, block 2, until 10:35 (break in 12m)}. */
  static String describe(FocusJson f, Instant now) {
    StringBuilder s = new StringBuilder();
    switch (f.mode()) {
      case "working" ->
          s.append("working, block ")
              .append(f.block())
              .append(", until ")
              .append(clock(f.until()))
              .append(" (")
              .append(f.longBreak() ? "long " : "")
              .append("break ")
              .append(f.until() == null ? "due" : Format.in(f.until(), now))
              .append(")");
      case "break" ->
          s.append(f.longBreak() ? "long break" : "break")
              .append(" until ")
              .append(clock(f.until()))
              .append(" (after block ")
              .append(f.block())
              .append(")");
      default -> s.append("idle: no block runs (start one: baton focus start)");
    }
    if (!"idle".equals(f.mode())) {
      s.append("; snoozes left: ").append(f.snoozesLeft());
    }
    if (f.hyperfocus()) {
      s.append("; you have worked a long time without a break: take one (baton focus break)");
    }
    return s.toString();
  }

  private static String clock(Instant at) {
    return at == null ? "?" : CLOCK.format(at.atZone(ZoneId.systemDefault()));
  }
}
