package dev.baton.mcp;

import java.util.ArrayList;
import java.util.List;

/**
 * One agent request that the agent may cancel with {@code notifications/cancelled}. The SDK's
 * server ignores that notification, so the endpoint's dispatcher reads it and cancels here.
 * Thread-safe.
 */
final class Cancellation {
  private final List<Runnable> actions = new ArrayList<>();
  private boolean cancelled;

  /** Runs {@code action} on cancellation; at once when the request was cancelled already. */
  void onCancel(Runnable action) {
    synchronized (this) {
      if (!cancelled) {
        actions.add(action);
        return;
      }
    }
    action.run();
  }

  void cancel() {
    List<Runnable> run;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      run = new ArrayList<>(actions);
      actions.clear();
    }
    run.forEach(Runnable::run);
  }
}
