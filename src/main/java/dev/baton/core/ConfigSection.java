package dev.baton.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One mapping of the configuration file ({@code leases:}, {@code gateway:}), as a capability reads
 * it next to its config record ({@code LeaseConfig.from(section)}). Values are already
 * variable-expanded; every error names the file and the dotted setting, and is thrown as the
 * configuration's own exception ({@code CONFIG_INVALID}). The loader implements it; a capability
 * never sees YAML.
 */
public interface ConfigSection {
  /** Refuses keys other than the allowed ones, so that a typo is not silently ignored. */
  ConfigSection allowOnly(String... keys);

  /** The mapping under {@code key}; empty when absent. */
  ConfigSection section(String key);

  /** The keys of this mapping, in file order. */
  List<String> keys();

  /** True when the setting is present. */
  boolean has(String key);

  Optional<String> string(String key);

  Optional<Duration> duration(String key);

  Optional<Integer> integer(String key);

  Optional<Boolean> bool(String key);

  /** A list of scalars (a single scalar is a list of one); empty when absent. */
  List<String> strings(String key);

  /** A mapping of names to scalars; empty when absent. */
  Map<String, String> stringMap(String key);

  /** An absolute path ({@code ~/} is the user's home), normalised; refused when relative. */
  Optional<Path> absolutePath(String key);

  /**
   * A pool size, 1 to {@code max}: the setting, else the environment variable {@code variable},
   * else {@code fallback}; a bad value in the variable is refused even when the setting wins.
   */
  int poolSize(String key, String variable, int fallback, int max);

  /** The setting {@code key} took its value from the setting at the dotted path {@code from}. */
  void sameOrigin(String key, String from);

  /** The dotted path of {@code key} in the file, e.g. {@code leases.max-ttl}. */
  String path(String key);

  /** An error about {@code setting} (a dotted path), naming the file. */
  BatonException error(String setting, String problem);

  /** The duration {@code key}, else {@code fallback}; refused unless longer than zero. */
  default Duration positive(String key, Duration fallback) {
    Duration d = duration(key).orElse(fallback);
    if (d.isZero() || d.isNegative()) {
      throw error(path(key), Units.formatDuration(d) + " must be longer than zero");
    }
    return d;
  }

  /** The duration {@code key}, else {@code fallback}; refused when negative. */
  default Duration notNegative(String key, Duration fallback) {
    Duration d = duration(key).orElse(fallback);
    if (d.isNegative()) {
      throw error(path(key), Units.formatDuration(d) + " must not be negative");
    }
    return d;
  }

  /** The whole number {@code key}, else {@code fallback}; refused outside {@code min..max}. */
  default int range(String key, int fallback, int min, int max) {
    int value = integer(key).orElse(fallback);
    if (value < min || value > max) {
      throw error(path(key), value + " is out of range; use " + min + " to " + max);
    }
    return value;
  }
}
