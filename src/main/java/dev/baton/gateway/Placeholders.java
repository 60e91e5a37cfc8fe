package dev.baton.gateway;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Expands {@code ${workspace}}, {@code ${worktree}}, {@code ${instance}}, {@code ${role}}. */
final class Placeholders {
  private static final Pattern REF = Pattern.compile("\\$\\{(workspace|worktree|instance|role)}");

  private Placeholders() {}

  static String expand(String text, Map<String, String> vars) {
    if (text == null || text.indexOf('$') < 0) {
      return text;
    }
    Matcher m = REF.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = vars.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** True when the text names a per-instance value. */
  static boolean usesInstance(String text) {
    return text != null && (text.contains("${instance}") || text.contains("${worktree}"));
  }
}
