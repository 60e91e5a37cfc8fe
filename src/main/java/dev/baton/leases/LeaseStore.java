package dev.baton.leases;

import dev.baton.events.NewEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Persistence of leases. Implementations are thread-safe. */
public interface LeaseStore {
  /** Runs the work in one transaction over the workspace's leases. */
  <T> T inWorkspace(Path workspace, Function<LeaseTx, T> work);

  Optional<Lease> find(String id);

  /** Leases in the workspace (null: any) held by the instance (null: any), ordered by id. */
  List<Lease> list(String workspace, String instance);

  /**
   * Renews, from {@code now} for their own TTL, the leases that follow their holder (asked for
   * without a TTL, not provisional) of live instances with an agent process, when less than half
   * their TTL is left. The registry orphans an instance whose agent died before this runs.
   *
   * @return how many were renewed
   */
  int renewFollowing(Instant now);

  /**
   * Restart grace: leases that expired while the broker was down (at or after {@code since}), or
   * would expire before {@code until}, last until {@code until}.
   *
   * @return how many were extended
   */
  int extendLapsed(Instant since, Instant until);

  /** Releases every lease whose expiry is at or before {@code now}, appending their events. */
  List<Lease> expire(Instant now, Function<Lease, NewEvent> event);

  /**
   * Records a request that waits on this broker node where the other nodes sharing the store see
   * it, so that they queue their newcomers behind it, with its {@code lease.waiting} event in the
   * same transaction; returns its queue id, or 0 where no other node can share the store (SQLite),
   * and then appends the event only.
   */
  long enqueue(Path workspace, QueuedRequest request, NewEvent waiting);

  /**
   * Forgets a recorded request once it has stopped waiting (an id of 0 was never recorded) and
   * appends its {@code lease.wait_ended} event, in one transaction.
   */
  void dequeue(long id, NewEvent ended);

  /**
   * The requests that wait on other live broker nodes in the workspace, oldest first; none where no
   * other node can share the store. A node that has stopped leaves its requests behind, ignored.
   */
  List<QueuedRequest> queuedElsewhere(Path workspace, Instant now);
}
