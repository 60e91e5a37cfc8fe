package dev.baton.store;

import dev.baton.events.Event;
import dev.baton.events.EventService;
import dev.baton.events.EventStore;
import dev.baton.focus.FocusStore;
import dev.baton.git.LandStore;
import dev.baton.git.WorktreeStore;
import dev.baton.handoff.HandoffStore;
import dev.baton.leases.LeaseStore;
import dev.baton.memory.MemoryStore;
import dev.baton.registry.InstanceStore;
import java.util.List;
import java.util.function.Consumer;

/**
 * An open database with every capability's store on it. Only the broker process opens one.
 * Thread-safe.
 */
public interface Store extends AutoCloseable {
  StoreKind kind();

  /** Where it is, without secrets, e.g. {@code sqlite:/home/u/.local/share/baton/baton.db}. */
  String describe();

  InstanceStore instances();

  EventStore events();

  LeaseStore leases();

  MemoryStore memory();

  HandoffStore handoffs();

  WorktreeStore worktrees();

  LandStore lands();

  FocusStore focus();

  /**
   * Delivers the events that other broker nodes commit to this store, each transaction's at once
   * and in commit order, on a thread of the store's, until the subscription is closed. A store that
   * only one broker opens (SQLite) has no other nodes: nothing is delivered.
   */
  EventService.Subscription followOtherNodes(Consumer<List<Event>> listener);

  /**
   * True when this broker node does the store-wide housekeeping (expiring leases and handoffs,
   * pruning history): always where one broker opens the store; on PostgreSQL, the one node at a
   * time whose {@link #followOtherNodes} session holds the housekeeping lock.
   */
  boolean keepsHouse();

  /** Answers a trivial query; false when the database cannot be reached. */
  boolean isReachable();

  /** Finishes queued writes and closes every connection. */
  @Override
  void close();
}
