package dev.baton.memory;

import dev.baton.events.NewEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Persistence and search of memory items. Implementations are thread-safe. */
public interface MemoryStore {
  /**
   * Stores the item, or replaces the custom item or pattern with the same key, and appends the
   * event built from the stored item in the same transaction.
   */
  MemoryItem log(NewMemoryItem item, Instant at, Function<MemoryItem, NewEvent> event);

  Optional<MemoryItem> find(long id);

  /** Matching items, best first (newest first when the query has no text). */
  List<MemoryHit> search(MemoryQuery query);
}
