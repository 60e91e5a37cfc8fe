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
   * Calls the listener with every event committed from now on, by this broker or by another node on
   * the same PostgreSQL store: for what must follow the shared state (event streams, agents'
   * notifications, lease waiters). Each node's events arrive in its commit order; this node's run
   * on the committing thread, other nodes' on the store's listening thread. The listener must not
   * block.
   */
  Subscription subscribe(Consumer<Event> listener);

  /**
   * Calls the listener with every event this broker commits from now on, in commit order, on the
   * committing thread: for effects that exactly one node must have, such as the checkpoint taken
   * when an instance ends. The listener must not block.
   */
  Subscription subscribeOwn(Consumer<Event> listener);

  /** Stops delivery to one listener. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
