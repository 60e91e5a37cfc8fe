package dev.baton.git.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GitQueueTest {
  private final Path a = Path.of("/repos/a");
  private final Path b = Path.of("/repos/b");

  @Test
  void oneRepositorysWorkRunsOnePieceAtATimeInTheOrderItWasQueued() {
    try (GitQueue queue = new GitQueue()) {
      AtomicInteger running = new AtomicInteger();
      List<Integer> overlaps = Collections.synchronizedList(new ArrayList<>());
      List<Integer> order = Collections.synchronizedList(new ArrayList<>());
      List<CompletableFuture<Integer>> done = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        int n = i;
        done.add(
            queue.submit(
                a,
                () -> {
                  if (running.incrementAndGet() != 1) {
                    overlaps.add(n);
                  }
                  order.add(n);
                  Thread.onSpinWait();
                  running.decrementAndGet();
                  return n;
                }));
      }
      done.forEach(CompletableFuture::join);

      assertThat(overlaps).isEmpty();
      assertThat(order).isSorted().hasSize(50);
    }
  }

  @Test
  void differentRepositoriesDoNotWaitForEachOther() throws Exception {
    try (GitQueue queue = new GitQueue()) {
      CountDownLatch bRan = new CountDownLatch(1);
      CompletableFuture<Boolean> waitingInA =
          queue.submit(
              a,
              () -> {
                try {
                  return bRan.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return false;
                }
              });
      queue.call(
          b,
          () -> {
            bRan.countDown();
            return null;
          });

      assertThat(waitingInA.get(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void callRethrowsWhatTheWorkThrew() {
    try (GitQueue queue = new GitQueue()) {
      assertThatThrownBy(
              () ->
                  queue.call(
                      a,
                      () -> {
                        throw new IllegalStateException("index.lock exists");
                      }))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("index.lock exists");
    }
  }

  @Test
  void aClosedQueueTakesNoMoreWorkAndSaysWhy() {
    GitQueue queue = new GitQueue();
    queue.close();

    assertThatThrownBy(() -> queue.call(a, () -> 1))
        .isInstanceOf(BatonException.class)
        .hasMessage("the broker is stopping; git work for /repos/a is not taken any more");
  }
}
