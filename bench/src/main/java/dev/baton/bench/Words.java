package dev.baton.bench;

import java.util.SplittableRandom;

/**
 * Prose-like text for memory items and queries: words of a 5,000-word vocabulary drawn Zipf-like
 * (low ranks are common, as words are in prose), so that searches find some items and not all.
 */
final class Words {
  private static final int VOCABULARY = 5000;

  private Words() {}

  /** {@code n} words separated by spaces. */
  static String phrase(SplittableRandom random, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        s.append(' ');
      }
      s.append(word(random));
    }
    return s.toString();
  }

  static String word(SplittableRandom random) {
    int rank = (int) Math.floor(Math.pow(VOCABULARY, random.nextDouble()));
    return "w" + Integer.toString(rank * 7919 % 1_000_003, 36);
  }
}
