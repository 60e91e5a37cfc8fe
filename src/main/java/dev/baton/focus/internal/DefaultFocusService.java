package dev.baton.focus.internal;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import dev.baton.core.Units;
import dev.baton.events.Event;
import dev.baton.events.EventService;
import dev.baton.events.NewEvent;
import dev.baton.focus.FocusConfig;
import dev.baton.focus.FocusService;
import dev.baton.focus.FocusSnapshot;
import dev.baton.focus.FocusState;
import dev.baton.focus.FocusStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The focus timer over a {@link FocusStore}. Each change reads the stored timer, computes the next
 * one and stores it over the version it read (retrying when another writer came first), so that of
 * several ticks, threads or broker nodes exactly one announces each break. Activity is only noted
 * in memory by the event listener and applied by the next tick, so that no listener writes.
 */
public final class DefaultFocusService implements FocusService, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultFocusService.class);
  private static final int ATTEMPTS = 5;

  /** Events that show an instance at work (not housekeeping the broker does by itself). */
  private static final Set<String> ACTIVITY =
      Set.of(
          "instance.registered",
          "instance.role_changed",
          "lease.acquired",
          "lease.released",
          "lease.waiting",
          "handoff.sent",
          "handoff.accepted",
          "handoff.declined",
          "message.sent",
          "message.acked",
          "land.queued",
          "worktree.created");

  private final FocusStore store;
  private final FocusConfig config;
  private final Timer timer;
  private final Clock clock;
  private final AtomicReference<Instant> pendingActivity = new AtomicReference<>();
  private ScheduledExecutorService ticker;

  public DefaultFocusService(FocusStore store, FocusConfig config, Clock clock) {
    this.store = store;
    this.config = config;
    this.timer = new Timer(config);
    this.clock = clock;
  }

  /** True when {@code e} shows an instance at work. */
  public static boolean isActivity(Event e) {
    return e.instance() != null && ACTIVITY.contains(e.type());
  }

  /** Notes the activity of every instance, as {@link #isActivity} tells it, until closed. */
  public EventService.Subscription followActivity(EventService events) {
    return events.subscribe(
        e -> {
          if (isActivity(e)) {
            activity();
          }
        });
  }

  /** Calls {@link #tick()} every {@code every} on a thread of its own until closed. */
  public synchronized void startTicking(Duration every) {
    if (ticker != null) {
      return;
    }
    ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "baton-focus");
              t.setDaemon(true);
              return t;
            });
    ticker.scheduleWithFixedDelay(
        () -> {
          try {
            tick();
          } catch (RuntimeException e) {
            LOG.warn("focus timer tick failed: {}", e.getMessage());
          }
        },
        every.toMillis(),
        every.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    ScheduledExecutorService t;
    synchronized (this) {
      t = ticker;
      ticker = null;
    }
    if (t != null) {
      t.shutdownNow();
    }
  }

  @Override
  public FocusSnapshot status() {
    return snapshot(load());
  }

  @Override
  public FocusSnapshot start(Duration length) {
    Duration len = length == null ? config.block() : positive(length, "duration");
    return snapshot(change((s, now, events) -> timer.start(s, now, len, events)));
  }

  @Override
  public FocusSnapshot takeBreak(Duration length) {
    Duration len = length == null ? null : positive(length, "duration");
    return snapshot(change((s, now, events) -> timer.takeBreak(s, now, len, events)));
  }

  @Override
  public FocusSnapshot stop() {
    return snapshot(change(timer::stop));
  }

  @Override
  public FocusSnapshot snooze(Duration length) {
    Duration len = length == null ? config.snooze() : positive(length, "duration");
    return snapshot(change((s, now, events) -> timer.snooze(s, now, len, events)));
  }

  @Override
  public void activity() {
    pendingActivity.set(now());
  }

  @Override
  public void tick() {
    Instant active = pendingActivity.getAndSet(null);
    change((s, now, events) -> timer.advance(s, now, active, events));
  }

  // ---- storing ----

  @FunctionalInterface
  private interface Change {
    FocusState apply(FocusState current, Instant now, List<NewEvent> events);
  }

  /** Applies {@code change} to the stored timer over the version it read; returns the result. */
  private synchronized FocusState change(Change change) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      FocusState current = load();
      List<NewEvent> events = new ArrayList<>();
      FocusState next = change.apply(current, now(), events);
      if (next.equals(current) && events.isEmpty()) {
        return current;
      }
      Optional<FocusState> stored = store.replace(current.version(), next, events);
      if (stored.isPresent()) {
        return stored.get();
      }
    }
    throw new BatonException(
        ErrorCode.UNAVAILABLE,
        "the focus timer changed under this broker "
            + ATTEMPTS
            + " times in a row (other broker nodes write it); try again");
  }

  /** The clock's time to the millisecond, as the store keeps it, so that answers match reads. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private FocusSnapshot snapshot(FocusState s) {
    return timer.snapshot(s, now());
  }

  private FocusState load() {
    return store.load().orElseGet(FocusState::initial);
  }

  private static Duration positive(Duration d, String field) {
    if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofHours(24)) > 0) {
      throw new dev.baton.core.InvalidInputException(
          field + " " + Units.formatDuration(d) + " is out of range; use 1s to 24h",
          Map.of("field", field));
    }
    return d;
  }
}
