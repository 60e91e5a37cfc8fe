package dev.baton.focus.internal;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import dev.baton.core.Units;
import dev.baton.events.Event;
import dev.baton.events.EventService;
import dev.baton.events.NewEvent;
import dev.baton.focus.FocusConfig;
import dev.baton.focus.FocusEvents;
import dev.baton.focus.FocusMode;
import dev.baton.focus.FocusRefusedException;
import dev.baton.focus.FocusService;
import dev.baton.focus.FocusSnapshot;
import dev.baton.focus.FocusState;
import dev.baton.focus.FocusStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
  private final Clock clock;
  private final AtomicReference<Instant> pendingActivity = new AtomicReference<>();
  private ScheduledExecutorService ticker;

  public DefaultFocusService(FocusStore store, FocusConfig config, Clock clock) {
    this.store = store;
    this.config = config;
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
    return snapshot(load(), now());
  }

  @Override
  public FocusSnapshot start(Duration length) {
    Duration len = length == null ? config.block() : positive(length, "duration");
    return snapshot(change((s, now, events) -> startBlock(s, now, len, events)), now());
  }

  @Override
  public FocusSnapshot takeBreak(Duration length) {
    Duration len = length == null ? null : positive(length, "duration");
    return snapshot(
        change(
            (s, now, events) -> {
              if (s.mode() == FocusMode.IDLE && s.workedSince() == null) {
                throw new FocusRefusedException(
                    "no block runs, so there is no break to take; start one with `baton focus"
                        + " start`",
                    Map.of("mode", s.mode().wireName()));
              }
              Duration breakLength = len != null ? len : config.breakAfter(s.block());
              return startBreak(s, now, now.plus(breakLength), events);
            }),
        now());
  }

  @Override
  public FocusSnapshot stop() {
    return snapshot(
        change(
            (s, now, events) -> {
              if (s.mode() == FocusMode.IDLE && s.block() == 0 && s.workedSince() == null) {
                return s; // nothing runs: nothing to stop
              }
              events.add(event(FocusEvents.STOPPED, "block", s.block()));
              return new FocusState(s.version(), FocusMode.IDLE, now, null, 0, 0, null, now, null);
            }),
        now());
  }

  @Override
  public FocusSnapshot snooze(Duration length) {
    Duration len = length == null ? config.snooze() : positive(length, "duration");
    return snapshot(
        change(
            (s, now, events) -> {
              if (s.mode() == FocusMode.IDLE) {
                throw new FocusRefusedException(
                    "no break is due: no block runs; start one with `baton focus start`",
                    Map.of("mode", s.mode().wireName()));
              }
              if (s.snoozes() >= config.maxSnoozes()) {
                throw new FocusRefusedException(
                    "the break was already postponed "
                        + s.snoozes()
                        + " times in a row, the limit (focus.max-snoozes "
                        + config.maxSnoozes()
                        + "); take the break now, or `baton focus stop`",
                    Map.of("snoozes", s.snoozes(), "limit", config.maxSnoozes()));
              }
              Instant from =
                  s.mode() == FocusMode.WORKING && s.until().isAfter(now) ? s.until() : now;
              Instant until = from.plus(len);
              Instant since = s.mode() == FocusMode.WORKING ? s.since() : now;
              FocusState next =
                  s.in(FocusMode.WORKING, since, until)
                      .withSnoozes(s.snoozes() + 1)
                      .withWorkedSince(s.workedSince() == null ? now : s.workedSince());
              events.add(
                  event(
                      FocusEvents.SNOOZED,
                      "until",
                      until.toString(),
                      "block",
                      s.block(),
                      "snoozesLeft",
                      config.maxSnoozes() - next.snoozes()));
              return next;
            }),
        now());
  }

  @Override
  public void activity() {
    pendingActivity.set(now());
  }

  @Override
  public void tick() {
    Instant active = pendingActivity.getAndSet(null);
    change((s, now, events) -> advance(s, now, active, events));
  }

  // ---- transitions: each takes the stored state and returns the next, adding its events ----

  private FocusState advance(FocusState s, Instant now, Instant active, List<NewEvent> events) {
    FocusState next = s;
    if (next.mode() == FocusMode.WORKING && !next.until().isAfter(now)) {
      Instant blockEnd = next.until();
      Instant breakEnd = blockEnd.plus(config.breakAfter(next.block()));
      next =
          breakEnd.isAfter(now)
              ? startBreak(next, blockEnd, breakEnd, events)
              : endBreak(next.in(FocusMode.BREAK, blockEnd, breakEnd), events); // missed: over
    }
    if (next.mode() == FocusMode.BREAK && !next.until().isAfter(now)) {
      next = endBreak(next, events);
    }
    // work noted before the timer became idle (agents finishing their steps during the break)
    // does not start the next block
    if (active != null
        && next.mode() == FocusMode.IDLE
        && (next.since() == null || active.isAfter(next.since()))) {
      next = noteActivity(next, active, now, events);
    }
    return remindHyperfocus(next, now, events);
  }

  private FocusState noteActivity(
      FocusState s, Instant active, Instant now, List<NewEvent> events) {
    if (config.auto()) {
      // after `baton focus stop`, only work that resumes after a pause starts the next block
      boolean stopped = s.block() == 0 && s.since() != null && s.lastActivity() != null;
      if (!stopped || !active.isBefore(s.lastActivity().plus(config.shortBreak()))) {
        return startBlock(s, now, config.block(), events);
      }
      return laterActivity(s, active);
    }
    // auto off: a stopwatch of work without a break, for hyperfocus
    boolean paused =
        s.lastActivity() == null
            || !active.isBefore(s.lastActivity().plus(config.shortBreak()))
            || s.workedSince() == null;
    if (paused) {
      return s.withWorkedSince(active).withLastActivity(active).withHyperfocusAt(null);
    }
    return laterActivity(s, active);
  }

  /** Notes activity at most once a minute: enough to tell a pause of a break's length. */
  private static FocusState laterActivity(FocusState s, Instant active) {
    return Duration.between(s.lastActivity(), active).compareTo(Duration.ofMinutes(1)) >= 0
        ? s.withLastActivity(active)
        : s;
  }

  private FocusState remindHyperfocus(FocusState s, Instant now, List<NewEvent> events) {
    if (s.mode() == FocusMode.BREAK || s.workedSince() == null) {
      return s;
    }
    if (s.mode() == FocusMode.IDLE
        && (s.lastActivity() == null
            || !now.isBefore(s.lastActivity().plus(config.shortBreak())))) {
      return s.withWorkedSince(null).withHyperfocusAt(null); // a pause as long as a break
    }
    Duration worked = Duration.between(s.workedSince(), now);
    if (worked.compareTo(config.hyperfocusAfter()) < 0
        || (s.hyperfocusAt() != null
            && now.isBefore(s.hyperfocusAt().plus(config.hyperfocusEvery())))) {
      return s;
    }
    events.add(
        event(
            FocusEvents.HYPERFOCUS,
            "since",
            s.workedSince().toString(),
            "minutes",
            worked.toMinutes()));
    return s.withHyperfocusAt(now);
  }

  private FocusState startBlock(FocusState s, Instant now, Duration len, List<NewEvent> events) {
    int block = s.mode() == FocusMode.WORKING ? Math.max(1, s.block()) : s.block() + 1;
    Instant until = now.plus(len);
    events.add(
        event(
            FocusEvents.BLOCK_STARTED,
            "block",
            block,
            "until",
            until.toString(),
            "minutes",
            len.toMinutes()));
    return s.in(FocusMode.WORKING, now, until)
        .withBlock(block)
        .withWorkedSince(s.workedSince() == null ? now : s.workedSince())
        .withLastActivity(now);
  }

  private FocusState startBreak(FocusState s, Instant from, Instant until, List<NewEvent> events) {
    boolean isLong = Duration.between(from, until).compareTo(config.longBreak()) >= 0;
    events.add(
        event(
            FocusEvents.BREAK_STARTED,
            "until",
            until.toString(),
            "long",
            isLong,
            "block",
            s.block()));
    return s.in(FocusMode.BREAK, from, until);
  }

  private static FocusState endBreak(FocusState s, List<NewEvent> events) {
    events.add(event(FocusEvents.BREAK_ENDED, "block", s.block(), "at", s.until().toString()));
    return new FocusState(
        s.version(), FocusMode.IDLE, s.until(), null, s.block(), 0, null, s.lastActivity(), null);
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

  private FocusState load() {
    return store.load().orElseGet(FocusState::initial);
  }

  private FocusSnapshot snapshot(FocusState s, Instant now) {
    boolean hyperfocus =
        s.mode() != FocusMode.BREAK
            && s.workedSince() != null
            && Duration.between(s.workedSince(), now).compareTo(config.hyperfocusAfter()) >= 0;
    boolean isLong =
        switch (s.mode()) {
          case BREAK -> Duration.between(s.since(), s.until()).compareTo(config.longBreak()) >= 0;
          case WORKING -> config.longBreakAfter(s.block());
          case IDLE -> false;
        };
    boolean idle = s.mode() == FocusMode.IDLE;
    return new FocusSnapshot(
        s.mode(),
        idle ? null : s.since(),
        idle ? null : s.until(),
        s.block(),
        s.mode() == FocusMode.WORKING ? s.until() : null,
        isLong,
        Math.max(0, config.maxSnoozes() - s.snoozes()),
        hyperfocus,
        s.workedSince());
  }

  private static Duration positive(Duration d, String field) {
    if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofHours(24)) > 0) {
      throw new dev.baton.core.InvalidInputException(
          field + " " + Units.formatDuration(d) + " is out of range; use 1s to 24h",
          Map.of("field", field));
    }
    return d;
  }

  private static NewEvent event(String type, Object... keyValues) {
    Map<String, Object> data = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      data.put((String) keyValues[i], keyValues[i + 1]);
    }
    return new NewEvent(type, null, null, data);
  }
}
