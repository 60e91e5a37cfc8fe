package dev.baton.git;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Lands instances' branches on their base, one at a time per repository, in the order they were
 * asked: rebase in a scratch worktree of baton's own, the optional land-check there, then a
 * compare-and-swap of the base ref. Thread-safe.
 */
public interface LandService {
  /**
   * Queues the instance's branch to land; when it already has an unfinished land, returns that one.
   *
   * @throws dev.baton.registry.InstanceNotFoundException when the instance is not registered
   * @throws dev.baton.core.InvalidInputException when the instance has no worktree or branch of its
   *     own, the base does not exist, or the branch has no commit the base lacks (nothing changes)
   */
  Land land(LandRequest request);

  /**
   * @throws LandNotFoundException when it is unknown
   */
  Land get(long id);

  /**
   * The queue and the recent lands, oldest first.
   *
   * @param workspace a repository's top level, or null for all
   * @param instance null for all
   */
  List<Land> list(String workspace, String instance, int limit);

  /**
   * Completes with the land once it has finished (landed, conflicted or failed).
   *
   * @throws LandNotFoundException when it is unknown
   */
  CompletableFuture<Land> outcome(long id);

  /** Takes up again the lands a previous broker left queued or started, in their order. */
  void resumeUnfinished();
}
