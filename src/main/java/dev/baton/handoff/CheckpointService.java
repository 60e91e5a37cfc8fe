package dev.baton.handoff;

import java.util.List;

/** Checkpoints of what each instance is doing, and "where you left off". Thread-safe. */
public interface CheckpointService {
  /**
   * Records the instance's active context, leases, git state and the items it wrote since its
   * previous checkpoint.
   *
   * @param reason e.g. {@code agent}, {@code handoff}, {@code manual}
   * @param summary the agent's own words, or null
   * @throws dev.baton.registry.InstanceNotFoundException when the instance is not registered
   */
  Checkpoint take(String instance, String reason, String summary);

  /**
   * What {@link #take} would record, unstored (id 0): it reads the store and runs git, so call it
   * before, never inside, a store transaction; {@link HandoffStore#send} stores it with a handoff.
   *
   * @throws dev.baton.registry.InstanceNotFoundException when the instance is not registered
   */
  Checkpoint draft(String instance, String reason, String summary);

  /**
   * Checkpoints every live instance that was active since its last checkpoint and whose last one is
   * at least the checkpoint interval old; returns the new ones.
   */
  List<Checkpoint> takeDue();

  /**
   * @param workspace any directory of a workspace, or null for all
   * @param instance null for all
   * @param latestOnly only the newest of each instance
   */
  List<Checkpoint> list(String workspace, String instance, boolean latestOnly, int limit);

  /**
   * A short, readable "where you left off": the newest checkpoint of the instance, or of each
   * instance of the workspace, with pending handoffs.
   *
   * @param workspace any directory of a workspace (ignored when {@code instance} is given)
   * @param instance an instance id, live or gone, or null
   * @throws dev.baton.core.InvalidInputException when neither is given
   */
  String resume(String workspace, String instance);

  /**
   * "Where you left off" for an agent session that starts, within {@code maxChars}: its own newest
   * checkpoint when it has one (a resumed session), else those of at most a few ended instances of
   * its workspace that matter to it (handing work to it, on its branch or worktree, of its role),
   * newest first, then "and N more: baton resume"; with the pending handoffs addressed to it or its
   * role. Null when there is nothing to say.
   */
  String briefing(String instance, int maxChars);
}
