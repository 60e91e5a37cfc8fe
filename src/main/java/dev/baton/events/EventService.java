package dev.baton.events;

import java.util.List;
import java.util.function.Consumer;

/** Reads history and follows live events. Thread-safe. */
public interface EventService {
  /** Up to {@code limit} stored events with ids greater than {@code afterId}, oldest first. */
  List<Event> after(long afterId, int limit);

  /** The newest stored event id, or 0. */
  long lastId();

  /**
   * Calls the listener with every event committed from now on, in commit order. The listener runs
   * on the committing thread and must not block.
   */
  Subscription subscribe(Consumer<Event> listener);

  /** Stops delivery to one listener. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
