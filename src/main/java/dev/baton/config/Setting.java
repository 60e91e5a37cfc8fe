package dev.baton.config;

import dev.baton.store.StoreConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/** One value and where it came from, for error messages. */
record Setting(String value, String name, String origin) {
  /** sun_path holds 108 bytes including the terminating NUL. */
  private static final int MAX_SOCKET_PATH_BYTES = 107;

  ConfigException error(String problem) {
    String where =
        origin.equals("command line") || origin.equals("environment") ? name : origin + ": " + name;
    return new ConfigException(where + ": " + problem);
  }

  Path path(ConfigLoader loader) {
    Path p = loader.expandHome(value.trim());
    if (!p.isAbsolute()) {
      throw error("'" + value + "' is not an absolute path");
    }
    return p.normalize();
  }

  Path socketPath(ConfigLoader loader) {
    Path p = path(loader);
    if (p.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
      throw error(
          "'"
              + value
              + "' is longer than the "
              + MAX_SOCKET_PATH_BYTES
              + " bytes a Unix socket path may have");
    }
    return p;
  }

  Optional<InetSocketAddress> tcp() {
    String text = value.trim();
    if (text.equalsIgnoreCase("off") || text.equalsIgnoreCase("false") || text.isEmpty()) {
      return Optional.empty();
    }
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw error("'" + text + "' is not host:port (e.g. 127.0.0.1:8090) or off");
    }
    String host = text.substring(0, colon).replace("[", "").replace("]", "");
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw error("'" + text + "' has no valid port (e.g. 127.0.0.1:8090)");
    }
    if (port < 0 || port > 65535) {
      throw error("port " + port + " is out of range 0-65535");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(host.isEmpty() ? "127.0.0.1" : host);
    } catch (UnknownHostException e) {
      throw error("host '" + host + "' cannot be resolved");
    }
    if (!address.isLoopbackAddress()) {
      throw error(
          "'"
              + text
              + "' is not a loopback address; baton listens only on 127.0.0.1, ::1 or localhost");
    }
    return Optional.of(new InetSocketAddress(address, port));
  }

  StoreConfig store(Path dataDir, int poolSize) {
    try {
      return StoreConfig.parse(value, dataDir, poolSize);
    } catch (IllegalArgumentException e) {
      throw error(e.getMessage());
    }
  }
}
