package dev.baton.memory;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What to look for in one workspace's memory, as {@code viewer} sees it (its private items and
 * everyone's shared ones).
 *
 * @param text words to find (all of them, stemmed), best first among the newest {@link #RANKED}
 *     matches that pass the other filters; null or blank lists the newest items instead
 * @param kinds only these kinds; empty for all
 * @param tags only items with every one of these tags
 * @param instance only items written by this instance; null for anyone's
 * @param status only progress entries with this status; null for any
 * @param limit at most this many, best first (newest first without text)
 * @param since only items written or changed at or after this; null for any time
 */
public record MemoryQuery(
    String workspace,
    String viewer,
    String text,
    Set<MemoryKind> kinds,
    List<String> tags,
    String instance,
    String status,
    int limit,
    Instant since) {
  /**
   * How many matches of {@code text} a search ranks at most: the newest that pass the other
   * filters. Ranking every match of a common word (tens of thousands of items out of 100,000) took
   * over 100 ms; a query that matches more items than this returns the best of its newest matches,
   * which more words or a filter (kind, tag, instance, since) narrow down. See docs/PERFORMANCE.md,
   * "Search over 100,000 items".
   */
  public static final int RANKED = 200;

  public MemoryQuery {
    kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  /** A query of any time. */
  public MemoryQuery(
      String workspace,
      String viewer,
      String text,
      Set<MemoryKind> kinds,
      List<String> tags,
      String instance,
      String status,
      int limit) {
    this(workspace, viewer, text, kinds, tags, instance, status, limit, null);
  }

  /** The newest items of one kind. */
  public static MemoryQuery newest(String workspace, String viewer, MemoryKind kind, int limit) {
    return new MemoryQuery(workspace, viewer, null, Set.of(kind), List.of(), null, null, limit);
  }
}
