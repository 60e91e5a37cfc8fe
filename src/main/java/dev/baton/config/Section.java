package dev.baton.config;

import dev.baton.core.ConfigSection;
import dev.baton.core.Units;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * One mapping of the YAML tree, read with the dotted path of each setting so that every error names
 * the file and the setting. Values are already variable-expanded strings or scalars.
 */
final class Section implements ConfigSection {
  private final String source;
  private final String prefix;
  private final JsonNode node;
  private final Substitution substitution;
  private final Origins origins;
  private final ConfigLoader loader;

  Section(
      String source,
      String prefix,
      JsonNode node,
      Substitution substitution,
      Origins origins,
      ConfigLoader loader) {
    this.source = source;
    this.prefix = prefix;
    this.node = node;
    this.substitution = substitution;
    this.origins = origins;
    this.loader = loader;
  }

  /** Refuses keys other than the allowed ones, so that a typo is not silently ignored. */
  @Override
  public Section allowOnly(String... keys) {
    Set<String> allowed = Set.of(keys);
    for (String key : node.propertyNames()) {
      if (!allowed.contains(key)) {
        throw error(
            path(key),
            "unknown setting; known settings here: " + String.join(", ", new TreeSet<>(allowed)));
      }
    }
    return this;
  }

  @Override
  public Section section(String key) {
    JsonNode child = node.path(key);
    if (child.isMissingNode() || child.isNull()) {
      return new Section(
          source,
          path(key),
          tools.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
          substitution,
          origins,
          loader);
    }
    if (!child.isObject()) {
      throw error(path(key), "must be a mapping of settings, not '" + child + "'");
    }
    return new Section(source, path(key), child, substitution, origins, loader);
  }

  @Override
  public List<String> keys() {
    return new ArrayList<>(node.propertyNames());
  }

  @Override
  public Optional<String> string(String key) {
    JsonNode value = node.path(key);
    if (value.isMissingNode() || value.isNull()) {
      return Optional.empty();
    }
    if (value.isContainer()) {
      throw error(path(key), "must be a single value, not '" + value + "'");
    }
    try {
      String expanded = substitution.expand(value.asString());
      origins.file(path(key), substitution.variablesUsed(value.asString()));
      return Optional.of(expanded);
    } catch (IllegalArgumentException e) {
      throw error(path(key), e.getMessage());
    }
  }

  /** The value of {@code key} in the file, named for error messages. */
  Optional<Setting> setting(String key) {
    return string(key).map(value -> new Setting(value, path(key), source));
  }

  /** The setting {@code key} took its value from a flag or an environment variable. */
  void origin(String key, String origin) {
    origins.put(path(key), origin);
  }

  /** The setting {@code key} took its value from the setting at the dotted path {@code from}. */
  @Override
  public void sameOrigin(String key, String from) {
    origins.copy(path(key), from);
  }

  <T> Optional<T> parsed(String key, Function<String, T> parser) {
    Optional<String> text = string(key);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parser.apply(text.get()));
    } catch (IllegalArgumentException e) {
      throw error(path(key), e.getMessage());
    }
  }

  @Override
  public Optional<Duration> duration(String key) {
    return parsed(key, Units::parseDuration);
  }

  @Override
  public Optional<Integer> integer(String key) {
    return parsed(
        key,
        text -> {
          try {
            return Integer.parseInt(text.trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number", e);
          }
        });
  }

  @Override
  public Optional<Boolean> bool(String key) {
    return parsed(
        key,
        text ->
            switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
              case "true", "yes", "on" -> true;
              case "false", "no", "off" -> false;
              default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
            });
  }

  /** A list of scalars (a single scalar is a list of one); empty when absent. */
  @Override
  public List<String> strings(String key) {
    JsonNode value = node.path(key);
    if (value.isMissingNode() || value.isNull()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (!value.isArray()) {
      string(key).ifPresent(out::add);
      return out;
    }
    List<String> variables = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      if (item.isContainer() || item.isNull()) {
        throw error(path(key) + "[" + i + "]", "must be a single value, not '" + item + "'");
      }
      try {
        out.add(substitution.expand(item.asString()));
      } catch (IllegalArgumentException e) {
        throw error(path(key) + "[" + i + "]", e.getMessage());
      }
      substitution.variablesUsed(item.asString()).stream()
          .filter(v -> !variables.contains(v))
          .forEach(variables::add);
    }
    origins.file(path(key), variables);
    return out;
  }

  /** A mapping of names to scalars; empty when absent. */
  @Override
  public java.util.Map<String, String> stringMap(String key) {
    Section map = section(key);
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String name : map.keys()) {
      out.put(name, map.string(name).orElse(""));
    }
    if (has(key)) {
      origins.file(path(key), List.of());
    }
    return out;
  }

  /** True when the setting is present. */
  @Override
  public boolean has(String key) {
    JsonNode value = node.path(key);
    return !value.isMissingNode() && !value.isNull();
  }

  @Override
  public String path(String key) {
    return prefix.isEmpty() ? key : prefix + "." + key;
  }

  @Override
  public ConfigException error(String setting, String problem) {
    return new ConfigException(source + ": " + setting + ": " + problem);
  }

  @Override
  public Optional<Path> absolutePath(String key) {
    return setting(key).map(s -> s.path(loader));
  }

  @Override
  public int poolSize(String key, String variable, int fallback, int max) {
    return loader.pool(this, key, variable, fallback, max);
  }
}
