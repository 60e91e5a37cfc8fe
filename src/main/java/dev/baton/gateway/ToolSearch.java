package dev.baton.gateway;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Ranks tools for a free-text query with BM25 over the words of their names and descriptions
 * ({@code read_text_file} and {@code readTextFile} are the words read, text, file); a word found in
 * the name counts three times, and the server's name is part of the name.
 */
public final class ToolSearch {
  private static final double K1 = 1.2;
  private static final double B = 0.75;
  private static final int NAME_WEIGHT = 3;

  private ToolSearch() {}

  /** The tools that match at least one word of the query, best first, at most {@code limit}. */
  public static List<Gateway.CatalogTool> rank(
      List<Gateway.CatalogTool> tools, String query, int limit) {
    List<String> terms = words(query);
    if (terms.isEmpty() || tools.isEmpty()) {
      return List.of();
    }
    List<Map<String, Integer>> docs = new ArrayList<>();
    Map<String, Integer> df = new HashMap<>();
    double total = 0;
    for (Gateway.CatalogTool t : tools) {
      Map<String, Integer> tf = new HashMap<>();
      for (String w : words(t.server() + " " + t.original())) {
        tf.merge(w, NAME_WEIGHT, Integer::sum);
      }
      for (String w : words(t.tool().description() == null ? "" : t.tool().description())) {
        tf.merge(w, 1, Integer::sum);
      }
      docs.add(tf);
      total += tf.values().stream().mapToInt(Integer::intValue).sum();
      tf.keySet().forEach(w -> df.merge(w, 1, Integer::sum));
    }
    double avg = total / tools.size();
    int n = tools.size();
    List<double[]> scored = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Integer> tf = docs.get(i);
      double length = tf.values().stream().mapToInt(Integer::intValue).sum();
      double score = 0;
      for (String term : terms) {
        Integer f = tf.get(term);
        if (f == null) {
          continue;
        }
        int d = df.get(term);
        double idf = Math.log(1 + (n - d + 0.5) / (d + 0.5));
        score += idf * (f * (K1 + 1)) / (f + K1 * (1 - B + B * length / avg));
      }
      if (score > 0) {
        scored.add(new double[] {score, i});
      }
    }
    scored.sort(Comparator.comparingDouble((double[] s) -> -s[0]).thenComparingDouble(s -> s[1]));
    List<Gateway.CatalogTool> out = new ArrayList<>();
    for (int i = 0; i < scored.size() && out.size() < limit; i++) {
      out.add(tools.get((int) scored.get(i)[1]));
    }
    return out;
  }

  /** Lower-case words: split on non-letters and digits, on camel case, with a crude stemmer. */
  static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    String spaced = text.replaceAll("([a-z0-9])([A-Z])", "$1 $2");
    for (String w : spaced.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
      if (w.length() < 2) {
        continue;
      }
      out.add(stem(w));
    }
    return out;
  }

  private static String stem(String w) {
    if (w.length() > 4 && w.endsWith("ies")) {
      return w.substring(0, w.length() - 3) + "y";
    }
    if (w.length() > 4 && w.endsWith("ing")) {
      return w.substring(0, w.length() - 3);
    }
    if (w.length() > 3 && w.endsWith("es") && !w.endsWith("ses")) {
      return w.substring(0, w.length() - 2);
    }
    if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss")) {
      return w.substring(0, w.length() - 1);
    }
    return w;
  }
}
