package dev.baton.git.internal;

import dev.baton.git.Land;
import dev.baton.git.LandStore;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes up the lands that a stopped broker node left unfinished on this machine (see {@link
 * LandStore#claimUnfinished}): at start, and then every {@link DefaultLandService#TAKE_UP_EVERY},
 * since another node on this machine may stop at any time. At start it first removes the scratch
 * worktrees that this broker's scratch root still holds (a land taken up again makes a new one; one
 * finished by another node while this one was down would be left for good). Thread-safe.
 */
final class UnfinishedLands implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UnfinishedLands.class);

  private final LandStore store;
  private final String host;
  private final Path scratchRoot;
  private final Landing landing;
  private final Consumer<Land> schedule;
  private final AtomicBoolean started = new AtomicBoolean();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "baton-land-take-up");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param schedule runs a land taken up on its repository's lander; it must ignore a land that is
   *     there already
   */
  UnfinishedLands(
      LandStore store, DefaultLandService.Setup setup, Landing landing, Consumer<Land> schedule) {
    this.store = store;
    this.host = setup.host();
    this.scratchRoot = setup.scratchRoot();
    this.landing = landing;
    this.schedule = schedule;
  }

  /**
   * Takes up what is unfinished now; the first time, first removes the scratch worktrees a stopped
   * broker left (no land runs yet), and then starts looking regularly.
   */
  void start() {
    if (started.compareAndSet(false, true)) {
      try {
        landing.removeLeftScratch();
      } catch (RuntimeException e) {
        LOG.warn(
            "could not remove the scratch worktrees left in {}: {}", scratchRoot, e.toString());
      }
      takeUp();
      long every = DefaultLandService.TAKE_UP_EVERY.toMillis();
      timer.scheduleWithFixedDelay(this::takeUpQuietly, every, every, TimeUnit.MILLISECONDS);
    } else {
      takeUp();
    }
  }

  private void takeUp() {
    for (Land l : store.claimUnfinished(host)) {
      LOG.debug("land #{} of {} is {} and this node's", l.id(), l.branch(), l.status().wireName());
      schedule.accept(l);
    }
  }

  private void takeUpQuietly() {
    try {
      takeUp();
    } catch (RuntimeException e) {
      LOG.warn("could not look for unfinished lands: {}", e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
