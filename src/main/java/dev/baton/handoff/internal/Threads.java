package dev.baton.handoff.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The one background thread each service of the capability runs its deferred work on. */
final class Threads {
  private Threads() {}

  /** A single daemon thread named {@code name}: it never keeps the broker's JVM alive. */
  static ExecutorService single(String name) {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }
}
