package dev.baton.registry;

import java.util.List;
import java.util.Map;

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
   * @throws InstanceNotFoundException when it is not registered
   */
  Instance get(String id);

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
   * Removes an instance and emits {@code instance.deregistered}.
   *
   * @throws InstanceNotFoundException when it is not registered
   */
  Instance deregister(String id);

  /** Expires every instance past its TTL, emitting {@code instance.expired}; returns them. */
  List<Instance> expireOverdue();

  /** Live instance counts by role. */
  Map<String, Long> countByRole();

  List<String> roles();
}
