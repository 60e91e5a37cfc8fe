package dev.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Undo steps for everything the harness starts or creates (broker processes, commands, the
 * PostgreSQL cluster, temporary directories). Each step runs at most once: when its owner is done
 * with it, or else at the end of the run or from the JVM's shutdown hook (Ctrl-C, a failure),
 * newest first, so that nothing outlives the harness. Once the shutdown hook has begun, anything
 * registered late is undone at once. Thread-safe.
 */
final class Cleanup {
  private static final Object ALL = new Object();
  private static final List<Step> STEPS = new ArrayList<>();
  private static final ThreadLocal<Boolean> UNDOING = ThreadLocal.withInitial(() -> false);
  private static volatile boolean closing;

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  closing = true;
                  runAll();
                },
                "bench-cleanup"));
  }

  private Cleanup() {}

  /** True once the JVM is shutting down: the harness should stop starting things. */
  static boolean closing() {
    return closing;
  }

  /** True while this thread runs an undo action (which may itself run commands). */
  static boolean undoing() {
    return UNDOING.get();
  }

  /** One registered undo action. */
  static final class Step {
    private final String what;
    private final Runnable action;
    private boolean done;

    private Step(String what, Runnable action) {
      this.what = what;
      this.action = action;
    }

    /** Runs the action unless it already ran; a second caller waits until the first is done. */
    synchronized void run() {
      if (done) {
        return;
      }
      done = true;
      UNDOING.set(true);
      try {
        action.run();
      } catch (RuntimeException e) {
        System.err.println("bench: cleanup of " + what + " failed: " + e);
      } finally {
        UNDOING.remove();
        synchronized (STEPS) {
          STEPS.remove(this);
        }
      }
    }
  }

  /**
   * Registers an undo action.
   *
   * @throws IllegalStateException after running the action at once, when the JVM is shutting down
   */
  static Step add(String what, Runnable action) {
    Step step = new Step(what, action);
    synchronized (STEPS) {
      STEPS.add(step);
    }
    if (closing) {
      step.run();
      throw new IllegalStateException("the benchmark is shutting down; undid " + what);
    }
    return step;
  }

  /** Runs every step still pending, newest first; concurrent callers take turns. */
  /**
   * Prints the report {@code bench} makes on stdout, runs every cleanup step, and exits: 0, or 1
   * with the failure on stderr.
   */
  static void printAndExit(java.util.concurrent.Callable<String> bench) throws Exception {
    int code = 0;
    try {
      System.out.print(bench.call());
    } catch (RuntimeException e) {
      System.err.println("bench: failed: " + e.getMessage());
      e.printStackTrace();
      code = 1;
    } finally {
      runAll();
    }
    System.exit(code);
  }

  static void runAll() {
    synchronized (ALL) {
      for (int pass = 0; pass < 3; pass++) {
        List<Step> pending;
        synchronized (STEPS) {
          pending = new ArrayList<>(STEPS);
        }
        if (pending.isEmpty()) {
          return;
        }
        for (int i = pending.size() - 1; i >= 0; i--) {
          pending.get(i).run();
        }
      }
    }
  }

  /** Creates a fresh directory under {@code parent} that is deleted at the latest at the end. */
  static Path tempDir(Path parent, String prefix) {
    try {
      Path dir = Files.createTempDirectory(parent, prefix);
      add("directory " + dir, () -> deleteTree(dir));
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot create a temporary directory in " + parent + ": " + e.getMessage(), e);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException e) {
      System.err.println("bench: cannot delete " + dir + ": " + e.getMessage());
    }
  }
}
