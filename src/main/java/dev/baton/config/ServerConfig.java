package dev.baton.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The broker's listeners.
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
}
