package dev.baton.config;

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
final class Section {
  private final String source;
  private final String prefix;
  private final JsonNode node;
  private final Substitution substitution;

  Section(String source, String prefix, JsonNode node, Substitution substitution) {
    this.source = source;
    this.prefix = prefix;
    this.node = node;
    this.substitution = substitution;
  }

  /** Refuses keys other than the allowed ones, so that a typo is not silently ignored. */
  Section allowOnly(String... keys) {
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

  Section section(String key) {
    JsonNode child = node.path(key);
    if (child.isMissingNode() || child.isNull()) {
      return new Section(
          source,
          path(key),
          tools.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
          substitution);
    }
    if (!child.isObject()) {
      throw error(path(key), "must be a mapping of settings, not '" + child + "'");
    }
    return new Section(source, path(key), child, substitution);
  }

  List<String> keys() {
    return new ArrayList<>(node.propertyNames());
  }

  Optional<String> string(String key) {
    JsonNode value = node.path(key);
    if (value.isMissingNode() || value.isNull()) {
      return Optional.empty();
    }
    if (value.isContainer()) {
      throw error(path(key), "must be a single value, not '" + value + "'");
    }
    try {
      return Optional.of(substitution.expand(value.asString()));
    } catch (IllegalArgumentException e) {
      throw error(path(key), e.getMessage());
    }
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

  Optional<Duration> duration(String key) {
    return parsed(key, Units::parseDuration);
  }

  Optional<Integer> integer(String key) {
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

  String path(String key) {
    return prefix.isEmpty() ? key : prefix + "." + key;
  }

  ConfigException error(String setting, String problem) {
    return new ConfigException(source + ": " + setting + ": " + problem);
  }
}
