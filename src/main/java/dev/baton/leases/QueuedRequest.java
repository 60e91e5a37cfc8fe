package dev.baton.leases;

import java.time.Instant;
import java.util.List;

/**
 * A lease request that waits on a broker node, recorded in a store that several nodes share so that
 * each node queues its newcomers behind the requests that came first on any node.
 *
 * @param id the queue's order across nodes (0 until recorded): lower came first
 * @param instance who waits
 * @param role its role
 * @param patterns what it waits for
 * @param mode how it wants to hold it
 * @param since when it started waiting
 * @param deadline when it stops waiting at the latest
 */
public record QueuedRequest(
    long id,
    String instance,
    String role,
    List<PathPattern> patterns,
    LeaseMode mode,
    Instant since,
    Instant deadline) {
  public QueuedRequest {
    patterns = List.copyOf(patterns);
  }

  /** How a conflict answer names it. */
  public Waiting describe() {
    return new Waiting(instance, role, patterns.stream().map(PathPattern::text).toList(), since);
  }
}
