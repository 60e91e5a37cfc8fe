package dev.baton.store.internal;

import dev.baton.events.Event;
import dev.baton.events.NewEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * One write transaction: a connection and the events appended in it, which are published only after
 * it commits. Not thread-safe; lives on one thread.
 */
final class Tx {
  private final Connection connection;
  private final EventRows events;
  private final ReentrantLock appendOrder;
  private final List<Event> emitted = new ArrayList<>();
  private final BooleanSupplier awaited;
  private boolean appending;

  Tx(Connection connection, EventRows events, ReentrantLock appendOrder, BooleanSupplier awaited) {
    this.connection = connection;
    this.events = events;
    this.appendOrder = appendOrder;
    this.awaited = awaited;
  }

  /**
   * Stops the transaction (it rolls back) when its caller no longer waits for it: long work calls
   * this between steps.
   */
  void checkAwaited() {
    if (!awaited.getAsBoolean()) {
      throw abandoned();
    }
  }

  /** The failure of a transaction whose caller gave up on it; it is rolled back. */
  static dev.baton.store.StoreException abandoned() {
    return new dev.baton.store.StoreException(
        dev.baton.core.ErrorCode.STORE_UNAVAILABLE,
        "the write was given up by its caller (it timed out) and rolled back",
        null);
  }

  Connection connection() {
    return connection;
  }

  /** Appends an event in this transaction. */
  Event emit(NewEvent event) throws SQLException {
    if (!appending) {
      appendOrder.lock();
      appending = true;
      events.lockForAppend(connection);
    }
    Event stored = events.insert(connection, event);
    emitted.add(stored);
    return stored;
  }

  List<Event> emitted() {
    return emitted;
  }

  /** Ends the transaction's hold on event order; called after commit and publication. */
  void release() {
    if (appending) {
      appending = false;
      appendOrder.unlock();
    }
  }
}
