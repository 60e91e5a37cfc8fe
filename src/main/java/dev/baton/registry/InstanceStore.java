package dev.baton.registry;

import dev.baton.events.NewEvent;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Persistence of instances. Every method is atomic; events passed in are appended in the same
 * transaction as the change they describe. Unless a method says otherwise it sees live instances
 * only, never orphans. Implementations are thread-safe.
 */
public interface InstanceStore {
  /** Inserts the instance unless its id exists (live or orphaned); returns whether it was. */
  boolean insert(Instance instance, NewEvent event);

  Optional<Instance> find(String id);

  /** The instance, live or orphaned. */
  Optional<Instance> findAny(String id);

  /** The newest live instance whose agent is this process on this host (pid and host match). */
  Optional<Instance> findByAgent(String host, long pid);

  /** Moves the heartbeat and expiry of a live instance; empty when the id is unknown. */
  Optional<Instance> touch(String id, Instant heardAt, Instant expiresAt);

  /** Moves the expiry of live instances (their agents were seen alive); not their heartbeat. */
  void extend(Collection<String> ids, Instant expiresAt);

  /**
   * Records the session and agent process of a live instance (a null keeps what is stored); empty
   * when the id is unknown.
   */
  Optional<Instance> attach(String id, String session, AgentProcess agent);

  /**
   * Gives a live instance another role, appending {@code event} (built from the changed instance);
   * empty when the id is unknown.
   */
  Optional<Instance> changeRole(String id, String role, Function<Instance, NewEvent> event);

  /**
   * Records the worktree and branch an instance, live or orphaned, works in; empty when the id is
   * unknown.
   */
  Optional<Instance> placeIn(String id, java.nio.file.Path worktree, String branch);

  /** Instances matching the workspace root and role (null matches any), ordered by id. */
  List<Instance> list(String workspace, String role);

  /** Live instances whose agent process runs on this host. */
  List<Instance> withAgentsOn(String host);

  /** Deletes one instance, live or orphaned, releasing its leases; empty when the id is unknown. */
  Optional<Instance> delete(String id, Function<Instance, NewEvent> event);

  /**
   * Orphans live instances: {@code ids}, or when {@code ids} is null every one whose expiry is
   * before {@code now}. Their shared and provisional leases are released at once; their exclusive
   * leases stay, marked orphaned, and expire by {@code leasesUntil} at the latest.
   *
   * @return the orphaned instances, oldest expiry first
   */
  List<Instance> orphan(
      Collection<String> ids, Instant now, Instant leasesUntil, Function<Instance, NewEvent> event);

  /**
   * Makes an orphan live again for its session: its exclusive leases come back, each renewed for
   * its own TTL from {@code now}; empty when the id is not an orphan.
   */
  Optional<Instance> revive(
      String id,
      Instant now,
      Instant expiresAt,
      String session,
      AgentProcess agent,
      Function<Instance, NewEvent> event);

  /**
   * Deletes the orphans orphaned at or before {@code orphanedBefore}, releasing what they still
   * hold; returns them.
   */
  List<Instance> endOrphans(Instant orphanedBefore);

  /** Live instance counts by role. */
  Map<String, Long> countByRole();
}
