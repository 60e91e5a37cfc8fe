package dev.baton.focus;

import dev.baton.events.NewEvent;
import java.util.List;
import java.util.Optional;

/** Persistence of the focus timer, one row per store. Implementations are thread-safe. */
public interface FocusStore {
  /** The stored timer; empty when it has never been stored. */
  Optional<FocusState> load();

  /**
   * Stores {@code next} (its version is ignored) and appends {@code events}, in one transaction,
   * only if the stored version is still {@code expected} (0: nothing stored yet).
   *
   * @return the stored state with its new version, or empty when another writer changed the timer
   *     first (nothing was stored nor appended)
   */
  Optional<FocusState> replace(long expected, FocusState next, List<NewEvent> events);
}
