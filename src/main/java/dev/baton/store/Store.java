package dev.baton.store;

import dev.baton.events.EventStore;
import dev.baton.handoff.HandoffStore;
import dev.baton.leases.LeaseStore;
import dev.baton.memory.MemoryStore;
import dev.baton.registry.InstanceStore;

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

  /** Answers a trivial query; false when the database cannot be reached. */
  boolean isReachable();

  /** Finishes queued writes and closes every connection. */
  @Override
  void close();
}
