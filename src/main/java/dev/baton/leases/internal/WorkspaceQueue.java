package dev.baton.leases.internal;

import dev.baton.leases.Lease;
import dev.baton.leases.Waiting;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * The requests waiting for leases in one workspace, oldest first. Guarded by its own monitor: every
 * attempt to grant in the workspace holds it, so a request never jumps a queue it clashes with.
 */
final class WorkspaceQueue {
  /** One waiting request. */
  static final class Waiter {
    final Plan plan;
    final Instant since;
    final CompletableFuture<List<Lease>> future = new CompletableFuture<>();
    ScheduledFuture<?> timeout;

    /** Its place in the queue that broker nodes sharing the store keep; 0 when none is kept. */
    long order;

    Waiter(Plan plan, Instant since) {
      this.plan = plan;
      this.since = since;
    }

    Waiting describe() {
      return new Waiting(
          plan.instance(),
          plan.role(),
          plan.patterns().stream().map(p -> p.text()).toList(),
          since);
    }
  }

  private final List<Waiter> waiters = new ArrayList<>();

  /** Waiters that came first and clash with the plan. */
  List<Waiter> clashingWith(Plan plan) {
    List<Waiter> out = new ArrayList<>();
    for (Waiter w : waiters) {
      if (!w.future.isDone() && w.plan.clashesWith(plan)) {
        out.add(w);
      }
    }
    return out;
  }

  void add(Waiter w) {
    waiters.add(w);
  }

  boolean remove(Waiter w) {
    return waiters.remove(w);
  }

  List<Waiter> snapshot() {
    return new ArrayList<>(waiters);
  }
}
