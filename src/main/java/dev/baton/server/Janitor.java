package dev.baton.server;

import dev.baton.events.EventStore;
import dev.baton.git.WorktreeService;
import dev.baton.handoff.CheckpointService;
import dev.baton.handoff.HandoffService;
import dev.baton.handoff.HandoffStore;
import dev.baton.leases.LeaseService;
import dev.baton.registry.InstanceService;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background housekeeping: expires silent instances, overdue leases and unanswered handoffs,
 * checkpoints active instances, prunes old events, removes the worktrees of instances that ended
 * {@code git.worktree-retention} ago when nothing in them would be lost. Of several nodes on one
 * PostgreSQL store, one at a time expires leases and handoffs and prunes ({@code keepsHouse}); each
 * node follows its own host's agents and checkpoints.
 */
final class Janitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Janitor.class);
  private static final Duration PRUNE_INTERVAL = Duration.ofMinutes(10);
  private static final Duration WORKTREE_SWEEP = Duration.ofMinutes(1);

  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "baton-janitor");
            t.setDaemon(true);
            return t;
          });

  Janitor(
      InstanceService instances,
      LeaseService leases,
      HandoffService handoffs,
      CheckpointService checkpoints,
      Duration checkpointInterval,
      HandoffStore handoffStore,
      Duration handoffRetention,
      EventStore events,
      Duration sweep,
      Duration retention,
      BooleanSupplier keepsHouse,
      Clock clock,
      WorktreeService worktrees) {
    executor.scheduleWithFixedDelay(
        () -> {
          // every node: the agents whose processes run on this host are followed here
          guarded("expiring instances", instances::expireOverdue);
          guarded("renewing the leases of live agents", leases::renewFollowing);
          if (keepsHouse.getAsBoolean()) {
            guarded("expiring leases", leases::expireOverdue);
            guarded("expiring handoffs", handoffs::expireOverdue);
          }
        },
        sweep.toMillis(),
        sweep.toMillis(),
        TimeUnit.MILLISECONDS);
    // never forced: a worktree that holds work not in its base stays
    executor.scheduleWithFixedDelay(
        () -> guarded("removing the worktrees of ended instances", worktrees::sweep),
        WORKTREE_SWEEP.toMillis(),
        WORKTREE_SWEEP.toMillis(),
        TimeUnit.MILLISECONDS);
    // often enough that an interval is overshot by at most a tenth of it (or 30 s)
    long checkEvery = Math.max(1000, Math.min(30_000, checkpointInterval.toMillis() / 10));
    executor.scheduleWithFixedDelay(
        () -> guarded("checkpointing", checkpoints::takeDue),
        checkEvery,
        checkEvery,
        TimeUnit.MILLISECONDS);
    executor.scheduleWithFixedDelay(
        () -> {
          if (!keepsHouse.getAsBoolean()) {
            return;
          }
          guarded("pruning events", () -> events.pruneBefore(clock.instant().minus(retention)));
          guarded(
              "pruning checkpoints and messages",
              () -> handoffStore.prune(clock.instant().minus(handoffRetention)));
        },
        0,
        PRUNE_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private static void guarded(String what, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.warn("janitor failed {}: {}", what, e.getMessage());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
