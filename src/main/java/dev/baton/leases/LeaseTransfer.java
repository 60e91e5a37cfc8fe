package dev.baton.leases;

import java.nio.file.Path;
import java.util.List;

/**
 * A transfer of leases checked against the registry and not yet run ({@link
 * LeaseService#prepareTransfer}), for a caller that runs it inside a store transaction of its own
 * together with other changes (a handoff), so that all of them commit or none does. Run it at most
 * once.
 */
public interface LeaseTransfer {
  /** The workspace whose leases move: the transaction that runs it must be over its leases. */
  Path workspace();

  /**
   * Moves the leases inside the transaction, each under the workspace's next fencing token, with a
   * {@code lease.transferred} event each.
   *
   * @return the moved leases, as the new holder has them
   * @throws dev.baton.core.InvalidInputException when a named path is not leased by the giver (the
   *     transaction must roll back then)
   * @throws dev.baton.registry.InstanceNotFoundException when the new holder is not registered
   */
  List<Lease> run(LeaseTx tx);

  /** Called once the transaction that ran it has committed: requests waiting may be served now. */
  void committed();
}
