package dev.baton.focus.internal;

import dev.baton.events.NewEvent;
import dev.baton.focus.FocusConfig;
import dev.baton.focus.FocusEvents;
import dev.baton.focus.FocusMode;
import dev.baton.focus.FocusRefusedException;
import dev.baton.focus.FocusSnapshot;
import dev.baton.focus.FocusState;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The focus timer's rules, without storage or time of its own: each transition takes the stored
 * state and the time, returns the next state and adds the events that announce it. Immutable.
 */
final class Timer {
  private final FocusConfig config;

  Timer(FocusConfig config) {
    this.config = config;
  }

  /**
   * A break from {@code now}, of {@code length} or, when null, the one due after the block.
   *
   * @throws FocusRefusedException when no block runs and no work was noted
   */
  FocusState takeBreak(FocusState s, Instant now, Duration length, List<NewEvent> events) {
    if (s.mode() == FocusMode.IDLE && s.workedSince() == null) {
      throw new FocusRefusedException(
          "no block runs, so there is no break to take; start one with `baton focus start`",
          Map.of("mode", s.mode().wireName()));
    }
    Duration breakLength = length != null ? length : config.breakAfter(s.block());
    return startBreak(s, now, now.plus(breakLength), events);
  }

  /** Idle, no block counted; after it, only activity after a pause starts a block. */
  FocusState stop(FocusState s, Instant now, List<NewEvent> events) {
    if (s.mode() == FocusMode.IDLE && s.block() == 0 && s.workedSince() == null) {
      return s; // nothing runs: nothing to stop
    }
    events.add(event(FocusEvents.STOPPED, "block", s.block()));
    return new FocusState(s.version(), FocusMode.IDLE, now, null, 0, 0, null, now, null);
  }

  /**
   * The due break postponed by {@code length}: a running block ends later, a break that has just
   * started ends and work goes on.
   *
   * @throws FocusRefusedException when idle, or after {@code focus.max-snoozes} in a row
   */
  FocusState snooze(FocusState s, Instant now, Duration length, List<NewEvent> events) {
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
    Instant from = s.mode() == FocusMode.WORKING && s.until().isAfter(now) ? s.until() : now;
    Instant until = from.plus(length);
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
  }

  FocusState advance(FocusState s, Instant now, Instant active, List<NewEvent> events) {
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
        return start(s, now, config.block(), events);
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

  FocusState start(FocusState s, Instant now, Duration len, List<NewEvent> events) {
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

  FocusSnapshot snapshot(FocusState s, Instant now) {
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

  private static NewEvent event(String type, Object... keyValues) {
    Map<String, Object> data = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      data.put((String) keyValues[i], keyValues[i + 1]);
    }
    return new NewEvent(type, null, null, data);
  }
}
