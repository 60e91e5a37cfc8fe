package dev.baton.cli;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "attach",
    description = {
      "Attach this terminal to the fleet 'baton up' started (inside tmux:",
      "switch to it). Not on a terminal, print the tmux command instead."
    },
    mixinStandardHelpOptions = true)
final class AttachCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;
  @Mixin FleetOptions fleetOptions;

  @Override
  public Integer call() {
    String name = fleetOptions.name(spec);
    Tmux tmux = fleetOptions.tmux();
    Fleet fleet =
        Fleet.load(client.config().dataDir(), name)
            .filter(f -> f.alive(tmux))
            .orElseThrow(
                () ->
                    new BatonException(
                        ErrorCode.NOT_FOUND,
                        "no fleet " + name + " is running; start one with 'baton up'"));
    return attach(fleet, tmux, spec.commandLine().getOut());
  }

  /** Attaches the terminal to the fleet, or prints how when this is not a terminal. */
  static int attach(Fleet fleet, Tmux tmux, PrintWriter out) {
    if (System.console() == null) {
      out.println("not a terminal; attach with: " + fleet.attachCommand(tmux));
      out.flush();
      return ExitCodes.OK;
    }
    boolean inside = System.getenv("TMUX") != null && tmux.socket() == null;
    List<String> args =
        inside
            ? List.of("switch-client", "-t", fleet.window())
            : List.of("attach", "-t", fleet.session());
    tmux.ok("select-window", "-t", fleet.window());
    try {
      return new ProcessBuilder(tmux.command(args)).inheritIO().start().waitFor() == 0
          ? ExitCodes.OK
          : ExitCodes.ERROR;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run tmux to attach", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.ERROR;
    }
  }
}
