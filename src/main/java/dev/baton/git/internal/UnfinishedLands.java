package dev.baton.git.internal;

import dev.baton.git.Land;
import dev.baton.git.LandStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes up the lands that a stopped broker node left unfinished on this machine (see {@link
 * LandStore#claimUnfinished}): at start, and then every {@link DefaultLandService#TAKE_UP_EVERY},
 * since another node on this machine may stop at any time. At start it also removes the scratch
 * worktrees that this broker's scratch root still holds for lands it no longer runs (finished, or
 * taken up by another node while this one was down). Thread-safe.
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

  /** Takes up what is unfinished now; the first time, also sweeps and starts looking regularly. */
  void start() {
    List<Land> claimed = takeUp();
    if (started.compareAndSet(false, true)) {
      sweepScratch(claimed.stream().map(Land::id).collect(Collectors.toSet()));
      long every = DefaultLandService.TAKE_UP_EVERY.toMillis();
      timer.scheduleWithFixedDelay(this::takeUpQuietly, every, every, TimeUnit.MILLISECONDS);
    }
  }

  private List<Land> takeUp() {
    List<Land> claimed = store.claimUnfinished(host);
    for (Land l : claimed) {
      LOG.debug("land #{} of {} is {} and this node's", l.id(), l.branch(), l.status().wireName());
      schedule.accept(l);
    }
    return claimed;
  }

  private void takeUpQuietly() {
    try {
      takeUp();
    } catch (RuntimeException e) {
      LOG.warn("could not look for unfinished lands: {}", e.toString());
    }
  }

  /** Removes the scratch worktrees (named land-ID) of lands this node does not run. */
  private void sweepScratch(Set<Long> mine) {
    if (!Files.isDirectory(scratchRoot)) {
      return;
    }
    List<Path> dirs;
    try (Stream<Path> list = Files.list(scratchRoot)) {
      dirs = list.filter(Files::isDirectory).toList();
    } catch (IOException e) {
      LOG.warn("could not look into {}: {}", scratchRoot, e.toString());
      return;
    }
    for (Path dir : dirs) {
      String name = dir.getFileName().toString();
      if (!name.matches("land-[0-9]{1,18}")) {
        continue;
      }
      long id = Long.parseLong(name.substring("land-".length()));
      if (mine.contains(id)) {
        continue; // its land removes it when it runs
      }
      try {
        store.find(id).ifPresent(landing::removeScratch);
      } catch (RuntimeException e) {
        LOG.warn("could not remove the scratch worktree {}: {}", dir, e.toString());
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
