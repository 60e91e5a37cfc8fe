package dev.baton.git.internal;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * One first-in, first-out queue per repository for the git work that touches shared state (the base
 * branch's refs, {@code worktree add/remove/prune}, fetch, gc): each repository's work runs on its
 * own thread, one piece after another, so that the broker never races itself on {@code index.lock}
 * or a ref. Reads that touch nothing shared need not queue. Thread-safe.
 */
public final class GitQueue implements AutoCloseable {
  private final Map<Path, ExecutorService> queues = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** Queues {@code work} for {@code repository}; the future ends when it has run. */
  public <T> CompletableFuture<T> submit(Path repository, Supplier<T> work) {
    if (closed) {
      return CompletableFuture.failedFuture(stopped(repository));
    }
    ExecutorService queue = queues.computeIfAbsent(repository, GitQueue::newQueue);
    try {
      return CompletableFuture.supplyAsync(work, queue);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(stopped(repository));
    }
  }

  /** Queues {@code work}, waits for its turn and its end, and returns what it returned. */
  public <T> T call(Path repository, Supplier<T> work) {
    return join(submit(repository, work));
  }

  /** Waits for queued work to end and returns what it returned, or throws what it threw. */
  public static <T> T join(CompletableFuture<T> queued) {
    try {
      return queued.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** Lets queued work finish and takes no more. */
  @Override
  public void close() {
    closed = true;
    queues.values().forEach(ExecutorService::shutdown);
  }

  private static ExecutorService newQueue(Path repository) {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "git-queue " + repository.getFileName());
          t.setDaemon(true);
          return t;
        });
  }

  private static BatonException stopped(Path repository) {
    return new BatonException(
        ErrorCode.UNAVAILABLE,
        "the broker is stopping; git work for " + repository + " is not taken any more");
  }
}
