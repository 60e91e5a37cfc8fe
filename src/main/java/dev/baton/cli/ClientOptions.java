package dev.baton.cli;

import dev.baton.api.client.BrokerClient;
import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a client command finds the broker: the same configuration the broker reads. */
final class ClientOptions {
  @Option(
      names = "--socket",
      paramLabel = "PATH",
      description =
          "The broker's Unix socket (default: $BATON_SOCKET, the config's server.socket, or the standard path).")
  Path socket;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file (default: $BATON_CONFIG or ~/.config/baton/baton.yaml).")
  Path config;

  BatonConfig config() {
    return ConfigLoader.forThisProcess()
        .load(
            new ConfigLoader.Overrides(
                config, null, socket == null ? null : socket.toString(), null, null))
        .config();
  }

  /**
   * The sockets to try in order: the configured one alone when it was set (flag, environment or
   * file), else every path a broker of this user may have chosen.
   */
  java.util.List<Path> sockets() {
    Path configured = config().server().socket();
    java.util.List<Path> defaults = ConfigLoader.forThisProcess().defaultSockets();
    return configured.equals(defaults.get(0)) ? defaults : java.util.List.of(configured);
  }

  BrokerClient client() {
    return client(BrokerClient.DEFAULT_TIMEOUT);
  }

  /** A client whose calls may take this long (an acquire that waits). */
  BrokerClient client(java.time.Duration timeout) {
    return BrokerClient.overUnixSocket(config().server().socket(), true, timeout);
  }
}
