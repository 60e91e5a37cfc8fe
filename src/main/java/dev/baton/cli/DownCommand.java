package dev.baton.cli;

import dev.baton.api.HandoffRoutes;
import dev.baton.api.client.BrokerClient;
import dev.baton.core.BatonException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "down",
    description = {
      "End the fleet 'baton up' started: checkpoint and deregister each",
      "instance, stop the processes in its panes, close its tmux session (or",
      "window). Every worktree is kept: 'baton resume --instance ID' shows",
      "where each left off."
    },
    mixinStandardHelpOptions = true)
final class DownCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;
  @Mixin FleetOptions fleetOptions;

  @Override
  public Integer call() {
    String name = fleetOptions.name(spec);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<Fleet> fleet = Fleet.load(client.config().dataDir(), name);
    if (fleet.isEmpty()) {
      err.println("baton: no fleet " + name + " is running; nothing to end");
      err.flush();
      return ExitCodes.OK;
    }
    end(client, fleetOptions.tmux(), fleet.get(), err);
    out.println(
        "ended fleet "
            + name
            + ": "
            + fleet.get().members().size()
            + " instances checkpointed and deregistered; their worktrees are kept:");
    fleet.get().members().forEach(m -> out.println("  " + m.instance() + "  " + m.worktree()));
    out.flush();
    return ExitCodes.OK;
  }

  /** Checkpoints and deregisters every instance, closes the panes and forgets the fleet. */
  static void end(ClientOptions client, Tmux tmux, Fleet fleet, PrintWriter err) {
    try (BrokerClient broker = client.client()) {
      for (Fleet.Member m : fleet.members()) {
        try {
          broker.call(
              "POST",
              "/v1/checkpoints",
              new HandoffRoutes.CheckpointBody(
                  m.instance(), "baton down: the fleet " + fleet.name() + " was ended"),
              Object.class);
        } catch (BatonException e) {
          err.println("baton: no checkpoint for " + m.instance() + ": " + e.getMessage());
        }
        try {
          broker.deregister(m.instance());
        } catch (BatonException e) {
          err.println("baton: " + m.instance() + " not deregistered: " + e.getMessage());
        }
      }
      stopReminding(broker, tmux, fleet);
    }
    err.flush();
    TmuxStatus.remove(tmux, fleet);
    closeWindow(tmux, fleet);
    Fleet.delete(client.config().dataDir(), fleet.name());
  }

  /**
   * The broker stops reminding the person in the fleet's session (it would forget a session tmux no
   * longer knows at the next reminder, but not the person's own session a fleet window was in).
   */
  private static void stopReminding(BrokerClient broker, Tmux tmux, Fleet fleet) {
    try {
      broker.stopRemindingIn(tmux.fleetSession(fleet.session()));
    } catch (RuntimeException e) {
      // the session is gone already, or the broker never knew it
    }
  }

  /** Stops every process of the fleet's panes, then closes its session (or window). */
  static void closeWindow(Tmux tmux, Fleet fleet) {
    Tmux.Result panes =
        Tmux.exec(
            tmux.command(
                java.util.List.of("list-panes", "-t", fleet.window(), "-F", "#{pane_pid}")),
            null);
    if (!panes.ok()) {
      return;
    }
    panes
        .out()
        .lines()
        .map(String::strip)
        .filter(s -> s.matches("\\d+"))
        .forEach(
            pid ->
                ProcessHandle.of(Long.parseLong(pid))
                    .ifPresent(
                        h -> {
                          h.descendants().forEach(ProcessHandle::destroy);
                          h.destroy();
                        }));
    if (fleet.ownsSession()) {
      tmux.ok("kill-session", "-t", fleet.session());
    } else {
      tmux.ok("kill-window", "-t", fleet.window());
    }
  }
}
