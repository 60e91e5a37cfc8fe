package dev.baton.testing;

import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigLoader;
import dev.baton.server.Broker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** Starts a real broker in this JVM on a temporary socket, data directory and TCP port. */
public final class TestBroker {
  private static final String FOCUS_OFF = "focus:\n  auto: off\n  notify: off\n";

  private TestBroker() {}

  private static String nonNull(String yaml) {
    return yaml == null ? "" : yaml;
  }

  /**
   * The configuration of an isolated broker under {@code dir}: socket {@code dir/s/broker.sock},
   * data in {@code dir/data}, TCP on a free loopback port.
   *
   * @param storeUrl {@code sqlite} or a {@code postgresql://} URL
   * @param yaml extra configuration, or null
   */
  public static BatonConfig config(Path dir, String storeUrl, String yaml) {
    Map<String, String> env = new HashMap<>();
    env.put("BATON_DATA_DIR", dir.resolve("data").toString());
    env.put("BATON_SOCKET", dir.resolve("s/broker.sock").toString());
    env.put("BATON_TCP", "127.0.0.1:0");
    env.put("BATON_STORE", storeUrl);
    // The focus timer would start by itself on the first registration and append its events
    // among those a test counts: off unless the test configures it.
    // Breaks would reach the developer's desktop (notify-send) and tmux: off unless named.
    String withFocus =
        yaml != null && yaml.contains("focus:")
            ? (yaml.contains("notify:")
                ? yaml
                : yaml.replace("focus:\n", "focus:\n  notify: off\n"))
            : FOCUS_OFF + nonNull(yaml);
    Path file = null;
    if (withFocus != null) {
      try {
        Files.createDirectories(dir);
        file = Files.writeString(dir.resolve("baton.yaml"), withFocus);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new ConfigLoader(env, dir.resolve("home"), dev.baton.config.Os.uid())
        .load(new ConfigLoader.Overrides(file, null, null, null, null))
        .config();
  }

  public static Broker start(Path dir, String storeUrl, String yaml) {
    return Broker.start(config(dir, storeUrl, yaml), Clock.systemUTC());
  }
}
