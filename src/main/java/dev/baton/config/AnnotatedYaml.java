package dev.baton.config;

import java.util.Collection;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Writes a tree of mappings, lists of scalars and scalars as block YAML, with a comment after each
 * setting that has one ({@code pool-size: 12 # STORE_POOL}). Jackson cannot write comments, so the
 * lines are laid out here and only the scalars are quoted by Jackson.
 */
final class AnnotatedYaml {
  /** Comments start in this column when the line is shorter, so that they read as one column. */
  private static final int COMMENT_COLUMN = 40;

  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
          .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
          .build();

  private final Map<String, String> comments;
  private final StringBuilder out = new StringBuilder();

  private AnnotatedYaml(Map<String, String> comments) {
    this.comments = comments;
  }

  /**
   * @param comments by dotted path of the setting ({@code store.pool-size})
   */
  static String write(Map<String, ?> root, Map<String, String> comments) {
    AnnotatedYaml yaml = new AnnotatedYaml(comments);
    yaml.mapping(root, "", 0);
    return yaml.out.toString();
  }

  private void mapping(Map<?, ?> map, String prefix, int indent) {
    String margin = " ".repeat(indent);
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String key = entry.getKey().toString();
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      Object value = entry.getValue();
      if (value instanceof Map<?, ?> child && !child.isEmpty()) {
        line(margin + scalar(key) + ":", path);
        mapping(child, path, indent + 2);
      } else if (value instanceof Collection<?> items && !items.isEmpty()) {
        line(margin + scalar(key) + ":", path);
        items.forEach(item -> line(margin + "  - " + scalar(value(item)), null));
      } else {
        line(margin + scalar(key) + ": " + scalar(value(value)), path);
      }
    }
  }

  /** One line, with the comment of the setting at {@code path} (null: none). */
  private void line(String text, String path) {
    out.append(text);
    String comment = path == null ? null : comments.get(path);
    if (comment != null) {
      out.append(" ".repeat(Math.max(2, COMMENT_COLUMN - text.length())))
          .append("# ")
          .append(comment);
    }
    out.append('\n');
  }

  /**
   * A value as the loader reads it back: its {@code ${} written {@code $${}, unless it is a
   * placeholder the gateway fills in per instance ({@code ${worktree}}).
   */
  private static Object value(Object value) {
    return value instanceof String text ? Substitution.literal(text) : value;
  }

  /**
   * A scalar as Jackson quotes it when that fits on one line (plain where YAML reads it back as the
   * same string), else double-quoted with JSON's escapes, which YAML reads the same way.
   */
  private static String scalar(Object value) {
    if (value instanceof Map<?, ?>) {
      return "{}";
    }
    if (value instanceof Collection<?>) {
      return "[]";
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    String text = String.valueOf(value);
    String yaml = YAML.writeValueAsString(text).stripTrailing();
    if (yaml.indexOf('\n') >= 0 || yaml.startsWith("---") || yaml.isEmpty()) {
      return JsonMapper.shared().writeValueAsString(text);
    }
    return yaml;
  }
}
