package dev.baton.registry;

import dev.baton.events.NewEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Persistence of instances. Every method is atomic; events passed in are appended in the same
 * transaction as the change they describe. Implementations are thread-safe.
 */
public interface InstanceStore {
  /** Inserts the instance unless its id exists; returns whether it was inserted. */
  boolean insert(Instance instance, NewEvent event);

  Optional<Instance> find(String id);

  /** Moves the heartbeat and expiry of a live instance; empty when the id is unknown. */
  Optional<Instance> touch(String id, Instant heardAt, Instant expiresAt);

  /**
   * Gives a live instance another role, appending {@code event} (built from the changed instance);
   * empty when the id is unknown.
   */
  Optional<Instance> changeRole(String id, String role, Function<Instance, NewEvent> event);

  /** Instances matching the workspace root and role (null matches any), ordered by id. */
  List<Instance> list(String workspace, String role);

  /** Deletes one instance; empty when the id is unknown. */
  Optional<Instance> delete(String id, Function<Instance, NewEvent> event);

  /** Deletes every instance whose expiry is before {@code now}; returns them. */
  List<Instance> expire(Instant now, Function<Instance, NewEvent> event);

  /** Live instance counts by role. */
  Map<String, Long> countByRole();
}
