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

  /** Releases every lease whose expiry is at or before {@code now}, appending their events. */
  List<Lease> expire(Instant now, Function<Lease, NewEvent> event);
}
