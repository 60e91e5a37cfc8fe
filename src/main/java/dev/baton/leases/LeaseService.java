package dev.baton.leases;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * File leases: who may edit what. Thread-safe.
 *
 * <p>Heartbeats keep an instance alive, not its leases: a lease lives until its TTL runs out unless
 * it is renewed (re-acquiring renews, and so does every edit through the Claude Code hook). An
 * instance that ends releases all its leases at once.
 */
public interface LeaseService {
  /**
   * Grants every requested path or none. Waits up to the request's wait, first come first served,
   * when other instances hold overlapping leases.
   *
   * @return completes with the granted leases, or exceptionally with {@link LeaseConflictException}
   *     (which names each holder), {@link InvalidPatternException}, or {@link
   *     dev.baton.registry.InstanceNotFoundException}
   */
  CompletableFuture<List<Lease>> acquire(AcquireRequest request);

  /**
   * Extends a lease held by the instance.
   *
   * @param ttl null for the lease's own TTL
   */
  Lease renew(String leaseId, String instance, Duration ttl);

  /**
   * Releases a lease. Without {@code force} only its holder may; a forced release tells the holder
   * through the event stream.
   *
   * @param by who releases it, e.g. an instance id or {@code human}
   */
  Lease release(String leaseId, String by, boolean force);

  Lease get(String leaseId);

  /**
   * Gives leases of one instance to another in one transaction: no moment exists in which a third
   * instance could take them, and each gets the workspace's next fencing token. Emits {@code
   * lease.transferred} for each.
   *
   * @param paths files or globs of the workspace: the leases of {@code from} that overlap them
   *     move; empty to move every lease it holds
   * @return the moved leases, as the new holder has them (empty when {@code from} holds none and no
   *     path was named)
   * @throws dev.baton.core.InvalidInputException when a named path is not leased by {@code from},
   *     or the two instances work in different workspaces (nothing moves then)
   * @throws dev.baton.registry.InstanceNotFoundException when either instance is not registered
   */
  List<Lease> transfer(String from, String to, List<String> paths);

  /**
   * Checks a transfer as {@link #transfer} does and returns it unrun, for a caller that runs it in
   * its own store transaction with other changes; nothing moves until then.
   *
   * @throws dev.baton.core.InvalidInputException when the two instances are the same or work in
   *     different workspaces, or a path is empty or outside the workspace
   * @throws dev.baton.registry.InstanceNotFoundException when either instance is not registered
   */
  LeaseTransfer prepareTransfer(String from, String to, List<String> paths);

  /**
   * Checks a transfer of the leases of {@code from} with the given ids, as {@link #transferLeases}
   * does, and returns it unrun; nothing moves until a store transaction runs it.
   *
   * @throws dev.baton.registry.InstanceNotFoundException when either instance is not registered
   */
  LeaseTransfer prepareTransferLeases(String from, String to, List<String> leaseIds);

  /**
   * Gives the named leases of {@code from} back to (or on to) {@code to}, as {@link #transfer}
   * does; leases {@code from} no longer holds are skipped.
   */
  List<Lease> transferLeases(String from, String to, List<String> leaseIds);

  /**
   * @param workspace any directory of a workspace, or null for all
   * @param instance a holder, or null for all
   */
  List<Lease> list(String workspace, String instance);

  /**
   * Who holds or covers a path given absolute or relative to the workspace containing {@code
   * workspace}.
   */
  Coverage check(String workspace, String path);

  /** Releases every lease past its TTL; returns them. */
  List<Lease> expireOverdue();

  /**
   * The edit a provisional lease was taken for happened (a hook's PostToolUse): the instance's
   * provisional lease on the file becomes a lease like any other, for the default TTL, renewed
   * while the agent lives.
   *
   * @return the confirmed leases (none when the instance holds no provisional lease on it)
   */
  List<Lease> confirm(String instance, String path);

  /**
   * The client asks a person whether the edit may happen (a hook's PermissionRequest): the
   * provisional lease on the file lasts the default TTL while the person decides, still
   * provisional.
   */
  List<Lease> holdProvisional(String instance, String path);

  /**
   * Releases the instance's provisional leases on {@code path} (null: all of them): the edit was
   * refused, failed, or the step is over without it.
   */
  List<Lease> dropProvisional(String instance, String path, String cause);

  /**
   * Renews the leases that follow their holder for as long as its agent process lives (see {@link
   * Lease#follows}); the janitor calls it after the registry's sweep.
   *
   * @return how many were renewed
   */
  int renewFollowing();

  /**
   * After a broker start: leases that expired while it was down, or expire within {@code grace},
   * last {@code grace} from now, so that agents can come back first.
   */
  int restartGrace(Instant downSince, Duration grace);

  /** Shortens the instance's leases to expire within the idle TTL (the agent stopped). */
  List<Lease> markIdle(String instance);

  /** Requests waiting in the workspace, in order. */
  List<Waiting> waiting(String workspace);
}
