package dev.baton.cli;

import dev.baton.api.client.BrokerClient;
import dev.baton.core.BatonException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * Runs beside the control pane of a fleet: heartbeats the fleet's instances every 10 s (an agent
 * without baton's hooks, a shell, would otherwise expire after 30 s) until the fleet is ended.
 */
@Command(name = "fleet-keepalive", hidden = true, mixinStandardHelpOptions = true)
final class FleetKeepAliveCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(paramLabel = "NAME", description = "The fleet's name.")
  String name;

  @Override
  public Integer call() throws InterruptedException {
    Path dataDir = client.config().dataDir();
    while (true) {
      var fleet = Fleet.load(dataDir, name);
      if (fleet.isEmpty()) {
        return ExitCodes.OK;
      }
      try (BrokerClient broker = client.client()) {
        for (Fleet.Member m : fleet.get().members()) {
          try {
            broker.heartbeat(m.instance());
          } catch (BatonException e) {
            // deregistered meanwhile, or the broker is restarting: try again next round
          }
        }
      }
      Thread.sleep(10_000);
    }
  }
}
