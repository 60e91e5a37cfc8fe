package dev.baton.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands {@code ${VAR}}, {@code ${VAR:-default}} (default when unset or empty) and {@code
 * ${VAR-default}} (default when unset) in configuration values; {@code $${} stays a literal
 * {@code ${}. The placeholders a downstream server's settings are expanded with per instance
 * ({@code ${workspace}}, {@code ${worktree}}, {@code ${instance}}, {@code ${role}}) are kept as
 * they are.
 */
final class Substitution {
  private static final Pattern REF =
      Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?}");

  /** Expanded later, per instance, by the gateway. */
  static final java.util.Set<String> KEPT =
      java.util.Set.of("workspace", "worktree", "instance", "role");

  /** A {@code ${} that {@link #expand} would expand: not the start of a kept placeholder. */
  private static final Pattern LITERAL =
      Pattern.compile("\\$\\{(?!(?:" + String.join("|", KEPT) + ")})");

  private final Map<String, String> env;

  Substitution(Map<String, String> env) {
    this.env = env;
  }

  /**
   * Returns the text with every reference replaced.
   *
   * @throws IllegalArgumentException naming the variable when one without a default is unset
   */
  String expand(String text) {
    if (text.indexOf('$') < 0) {
      return text;
    }
    Matcher m = REF.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group().equals("$${")) {
        replacement = "${";
      } else if (m.group(2) == null && KEPT.contains(m.group(1))) {
        replacement = m.group();
      } else {
        String value = env.get(m.group(1));
        String op = m.group(2);
        if (op == null) {
          if (value == null) {
            throw new IllegalArgumentException(
                "environment variable "
                    + m.group(1)
                    + " is not set; set it or write ${"
                    + m.group(1)
                    + ":-default}");
          }
          replacement = value;
        } else if (value == null || (op.equals(":-") && value.isEmpty())) {
          replacement = m.group(3);
        } else {
          replacement = value;
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * The text to write in a configuration for {@link #expand} to give back exactly {@code text}:
   * each {@code ${} becomes {@code $${}, except in the placeholders the gateway fills in.
   */
  static String literal(String text) {
    return LITERAL.matcher(text).replaceAll(Matcher.quoteReplacement("$${"));
  }

  /** The environment variables whose values {@link #expand} puts into the text, in order. */
  List<String> variablesUsed(String text) {
    List<String> used = new ArrayList<>();
    Matcher m = REF.matcher(text);
    while (m.find()) {
      String name = m.group(1);
      if (name == null || (m.group(2) == null && KEPT.contains(name)) || used.contains(name)) {
        continue;
      }
      String value = env.get(name);
      if (value != null && !(":-".equals(m.group(2)) && value.isEmpty())) {
        used.add(name);
      }
    }
    return used;
  }
}
