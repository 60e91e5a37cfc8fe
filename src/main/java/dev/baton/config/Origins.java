package dev.baton.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Where each setting that is not a built-in default came from, by dotted path: {@code
 * baton.yaml:14}, {@code --store}, {@code STORE_POOL}. Filled in while one configuration is loaded
 * (not thread-safe), then copied into {@link ConfigLoader.Loaded}.
 */
final class Origins {
  private final String fileName;
  private final Map<String, Integer> lines;
  private final Map<String, String> origins = new HashMap<>();

  private Origins(String fileName, Map<String, Integer> lines) {
    this.fileName = fileName;
    this.lines = lines;
  }

  /** No configuration file: every value is a default, a flag or an environment variable. */
  static Origins none() {
    return new Origins("", Map.of());
  }

  /** For the file {@code fileName} with this text, already parsed once without error. */
  static Origins of(String fileName, String text) {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser parser = YAMLMapper.shared().createParser(text)) {
      if (parser.nextToken() == JsonToken.START_OBJECT) {
        keyLines(parser, "", lines);
      }
    } catch (JacksonException e) {
      // The file parsed as a tree; without the lines its name alone says where a value came from.
      lines.clear();
    }
    return new Origins(fileName, Map.copyOf(lines));
  }

  /** The line of each key of the mapping the parser is in, by dotted path. */
  private static void keyLines(JsonParser parser, String prefix, Map<String, Integer> lines) {
    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
      String path = prefix.isEmpty() ? parser.currentName() : prefix + "." + parser.currentName();
      lines.put(path, parser.currentTokenLocation().getLineNr());
      if (parser.nextToken() == JsonToken.START_OBJECT) {
        keyLines(parser, path, lines);
      } else {
        parser.skipChildren();
      }
    }
  }

  /**
   * The setting at {@code path} came from the file; {@code variables} are the environment variables
   * its {@code ${VAR:-default}} references took their values from.
   */
  void file(String path, List<String> variables) {
    Integer line = lines.get(path);
    String where = line == null ? fileName : fileName + ":" + line;
    origins.put(
        path, variables.isEmpty() ? where : where + " (" + String.join(", ", variables) + ")");
  }

  /** The setting at {@code path} came from a flag or an environment variable. */
  void put(String path, String origin) {
    origins.put(path, origin);
  }

  /** The setting at {@code path} took its value from the setting at {@code from}. */
  void copy(String path, String from) {
    Optional.ofNullable(origins.get(from)).ifPresent(o -> origins.put(path, o));
  }

  Map<String, String> toMap() {
    return Map.copyOf(origins);
  }
}
