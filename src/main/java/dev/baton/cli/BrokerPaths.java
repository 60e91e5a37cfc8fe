package dev.baton.cli;

import dev.baton.config.ConfigLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a local broker lives, for commands that write configuration around it (a systemd unit, an
 * nginx site): resolved by the broker's own {@link ConfigLoader}, so that the result names the
 * socket, data directory and file that {@code baton serve} would use here.
 */
final class BrokerPaths {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file (default: $BATON_CONFIG or ~/.config/baton/baton.yaml).")
  Path config;

  @Option(
      names = "--socket",
      paramLabel = "PATH",
      description =
          "The broker's Unix socket (default: $BATON_SOCKET, the config's server.socket, or the standard path).")
  Path socket;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "The broker's data directory, with its token (default: $BATON_DATA_DIR, the config's data-dir, or ~/.local/share/baton).")
  Path dataDir;

  ConfigLoader.Loaded load() {
    return ConfigLoader.forThisProcess()
        .load(
            new ConfigLoader.Overrides(
                config == null ? null : config.toAbsolutePath(),
                null,
                socket == null ? null : socket.toAbsolutePath().toString(),
                null,
                dataDir == null ? null : dataDir.toAbsolutePath()));
  }
}
