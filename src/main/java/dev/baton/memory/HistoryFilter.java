package dev.baton.memory;

import java.time.Instant;

/**
 * Which earlier versions of a context to list (ConPort's {@code get_item_history} arguments).
 *
 * @param version only this version; null for any
 * @param before only versions written before this time; null for any
 * @param after only versions written after this time; null for any
 * @param limit at most this many, newest first
 */
public record HistoryFilter(Integer version, Instant before, Instant after, int limit) {
  /** The newest {@code limit} versions. */
  public static HistoryFilter newest(int limit) {
    return new HistoryFilter(null, null, null, limit);
  }
}
