package dev.baton.config;

import dev.baton.core.Units;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The broker's listeners. Kept in {@code config} rather than {@code server}: the server is the
 * composition root and reads the whole configuration, so the record lives below it (no cycle).
 *
 * @param socket the Unix domain socket path (its directory is kept 0700, the socket 0600)
 * @param tcp the loopback TCP address, or empty when TCP is off
 * @param maxBodyBytes request bodies larger than this are refused with 413
 * @param shutdownTimeout how long SIGTERM waits for in-flight requests
 */
public record ServerConfig(
    Path socket, Optional<InetSocketAddress> tcp, long maxBodyBytes, Duration shutdownTimeout) {

  public static final int DEFAULT_PORT = 8090;
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Reads the {@code server:} section of the configuration; {@code --socket} and {@code --tcp}, or
   * {@code BATON_SOCKET} and {@code BATON_TCP}, beat the file.
   */
  static ServerConfig from(Section server, ConfigLoader loader, ConfigLoader.Overrides overrides) {
    server.allowOnly("socket", "tcp", "max-body", "shutdown-timeout");
    Path socket =
        loader
            .setting(server, "socket", overrides.socket(), "--socket")
            .map(s -> s.socketPath(loader))
            .orElseGet(loader::defaultSocket);
    Optional<InetSocketAddress> tcp =
        loader
            .setting(server, "tcp", overrides.tcp(), "--tcp")
            .map(Setting::tcp)
            .orElse(
                Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_PORT)));
    long maxBody = server.parsed("max-body", Units::parseSize).orElse(DEFAULT_MAX_BODY_BYTES);
    if (maxBody < 1024 || maxBody > 64L * 1024 * 1024) {
      throw server.error(
          server.path("max-body"),
          Units.formatSize(maxBody) + " is out of range; use 1KiB to 64MiB");
    }
    Duration shutdownTimeout = server.positive("shutdown-timeout", DEFAULT_SHUTDOWN_TIMEOUT);
    return new ServerConfig(socket, tcp, maxBody, shutdownTimeout);
  }
}
