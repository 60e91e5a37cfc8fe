package dev.baton.leases;

import dev.baton.events.NewEvent;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * The leases of one workspace inside one store transaction, serialised with every other change to
 * them (one writer on SQLite, an advisory lock per workspace on PostgreSQL). Lives on one thread.
 */
public interface LeaseTx {
  /** Releases the leases expired at {@code now} (appending their events) and returns the rest. */
  List<Lease> live(Instant now, Function<Lease, NewEvent> expiredEvent);

  /**
   * Stores a new lease and gives it an id and the workspace's next fencing token.
   *
   * @param draft a lease whose id and fencing token are ignored
   * @throws dev.baton.registry.InstanceNotFoundException when its instance is not registered
   */
  Lease insert(Lease draft);

  /** Stores a lease's new expiry (renewal). */
  void renew(Lease lease);

  /** Makes a lease exclusive under the workspace's next fencing token. */
  Lease upgrade(Lease lease, Instant now);

  void delete(Lease lease);

  /**
   * Gives a lease to another instance under the workspace's next fencing token, renewed for its own
   * TTL from {@code now}.
   *
   * @throws dev.baton.registry.InstanceNotFoundException when the new holder is not registered
   */
  Lease transfer(Lease lease, String instance, String role, Instant now);

  /** Appends an event in this transaction. */
  void emit(NewEvent event);
}
