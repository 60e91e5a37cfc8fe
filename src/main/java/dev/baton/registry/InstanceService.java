package dev.baton.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The instance registry: who is working where, and are they still alive. Thread-safe. */
public interface InstanceService {
  /**
   * Registers an instance, or refreshes it when the same id is registered again with the same role
   * and workspace.
   *
   * @throws UnknownRoleException when the role is not configured
   * @throws InvalidWorkspaceException when the workspace is not inside a git repository
   * @throws InstanceExistsException when the id is taken by another role or workspace
   * @throws dev.baton.core.InvalidInputException when a field is missing or malformed
   */
  Registration register(RegisterRequest request);

  /**
   * Records that the instance is alive.
   *
   * @throws InstanceNotFoundException when it is not registered
   */
  Registration heartbeat(String id);

  /**
   * @throws InstanceNotFoundException when it is not registered (or is an orphan)
   */
  Instance get(String id);

  /** The live instance whose agent is this process, if any. */
  Optional<Instance> findByAgent(AgentProcess agent);

  /** The process with this pid on this machine, as an agent to follow; empty when none runs. */
  Optional<AgentProcess> localProcess(long pid);

  List<Instance> list(InstanceFilter filter);

  /**
   * Gives an instance another role and emits {@code instance.role_changed} (with the role it had);
   * counts as a heartbeat.
   *
   * @throws UnknownRoleException when the role is not configured
   * @throws InstanceNotFoundException when it is not registered
   */
  Instance changeRole(String id, String role);

  /**
   * Records the worktree and branch the instance works in from now on (its worktree was made or
   * given back).
   *
   * @throws InstanceNotFoundException when it is not registered
   */
  Instance placeIn(String id, java.nio.file.Path worktree, String branch);

  /**
   * Removes an instance and emits {@code instance.deregistered}.
   *
   * @throws InstanceNotFoundException when it is not registered
   */
  Instance deregister(String id);

  /**
   * Expires every instance whose agent process has ended, or that has been silent past its TTL (not
   * within one TTL of the broker's start), emitting {@code instance.expired}: they become orphans,
   * whose exclusive leases wait for their session until the orphan grace ends. Also keeps instances
   * whose agent process lives from expiring, and removes orphans past the grace.
   *
   * @return the instances orphaned by this sweep
   */
  List<Instance> expireOverdue();

  /** Live instance counts by role. */
  Map<String, Long> countByRole();

  List<String> roles();
}
