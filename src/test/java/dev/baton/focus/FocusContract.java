package dev.baton.focus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.events.Event;
import dev.baton.events.internal.DefaultEventService;
import dev.baton.events.internal.EventBus;
import dev.baton.focus.internal.DefaultFocusService;
import dev.baton.leases.AcquireRequest;
import dev.baton.leases.LeaseConfig;
import dev.baton.leases.LeaseMode;
import dev.baton.leases.internal.DefaultLeaseService;
import dev.baton.registry.RegisterRequest;
import dev.baton.registry.RegistryConfig;
import dev.baton.registry.internal.DefaultInstanceService;
import dev.baton.server.GitPathResolver;
import dev.baton.server.GitWorkspaceResolver;
import dev.baton.store.Store;
import dev.baton.store.StoreConfig;
import dev.baton.store.internal.SqlStore;
import dev.baton.testing.GitRepos;
import dev.baton.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The focus timer through the real service over a real store, with a clock the test moves and the
 * ticks the test calls: blocks and breaks, long breaks, a restart in the middle of a block, one
 * break reminder for a whole fleet, the snooze limit, hyperfocus reminders and starting by itself
 * on activity. Subclassed once per backend.
 */
public abstract class FocusContract {
  private static final Duration BLOCK = Duration.ofMinutes(25);
  private static final Duration BREAK = Duration.ofMinutes(5);
  private static final Duration LONG_BREAK = Duration.ofMinutes(15);

  @TempDir protected Path dir;
  private final MutableClock clock = MutableClock.at("2026-12-07T09:00:00Z");
  private final List<AutoCloseable> open = new ArrayList<>();
  private StoreConfig config;
  private Store store;
  private DefaultEventService events;
  private DefaultInstanceService instances;
  private DefaultLeaseService leases;
  private Path repo;

  /** A fresh, empty store's configuration; opened again when a test restarts the broker. */
  protected abstract StoreConfig storeConfig();

  @BeforeEach
  void setUp() {
    config = storeConfig();
    repo = GitRepos.create(dir.resolve("repo"));
    openStore();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    open.clear();
  }

  private void openStore() {
    EventBus bus = new EventBus();
    store = SqlStore.open(config, clock, bus::publish, new PrometheusRegistry());
    open.add(store);
    events = new DefaultEventService(store.events(), bus);
    instances =
        new DefaultInstanceService(
            store.instances(),
            new GitWorkspaceResolver(),
            new RegistryConfig(
                Duration.ofHours(24),
                Duration.ofMinutes(1),
                Duration.ofSeconds(1),
                RegistryConfig.BUILT_IN_ROLES),
            clock);
    leases =
        new DefaultLeaseService(
            store.leases(),
            instances,
            new GitWorkspaceResolver(),
            new GitPathResolver(),
            LeaseConfig.defaults(),
            clock,
            events);
    open.add(leases);
  }

  /** Closes the store as a stopping broker does, and opens it again. */
  private void restart() throws Exception {
    closeAll();
    openStore();
  }

  private static FocusConfig settings(boolean auto) {
    return new FocusConfig(
        BLOCK,
        BREAK,
        LONG_BREAK,
        4,
        auto,
        Duration.ofMinutes(90),
        Duration.ofMinutes(15),
        Duration.ofMinutes(10),
        2);
  }

  /** A focus service on the store, following the instances' activity, as a broker runs it. */
  private DefaultFocusService focus(FocusConfig settings) {
    DefaultFocusService f = new DefaultFocusService(store.focus(), settings, clock);
    open.add(f);
    open.add(f.followActivity(events)::close);
    return f;
  }

  private void register(String id) {
    instances.register(new RegisterRequest("developer", repo.toString(), id, "claude"));
  }

  /** An edit by the instance: a lease taken and given back. */
  private void edit(String id) {
    var granted =
        leases
            .acquire(
                new AcquireRequest(
                    id,
                    List.of("src/" + id + ".py"),
                    true,
                    LeaseMode.EXCLUSIVE,
                    null,
                    Duration.ZERO,
                    "edit"))
            .join();
    granted.forEach(l -> leases.release(l.id(), id, false));
  }

  private List<Event> stored(String type) {
    return store.events().after(0, 100_000).stream().filter(e -> e.type().equals(type)).toList();
  }

  private void pass(Duration d) {
    clock.advance(d);
  }

  @Test
  void blocksAlternateWithBreaksAndEveryFourthBreakIsLong() {
    DefaultFocusService focus = focus(settings(false));
    List<Duration> breaks = new ArrayList<>();
    for (int block = 1; block <= 5; block++) {
      Instant start = clock.instant();
      FocusSnapshot working = focus.start(null);
      assertThat(working.mode()).isEqualTo(FocusMode.WORKING);
      assertThat(working.block()).isEqualTo(block);
      assertThat(working.nextBreakAt()).isEqualTo(start.plus(BLOCK));
      assertThat(working.longBreak()).isEqualTo(block == 4);

      pass(BLOCK.minusSeconds(1));
      focus.tick();
      assertThat(focus.status().mode())
          .as("block %d before its end", block)
          .isEqualTo(FocusMode.WORKING);
      pass(Duration.ofSeconds(1));
      focus.tick();
      FocusSnapshot onBreak = focus.status();
      assertThat(onBreak.mode()).isEqualTo(FocusMode.BREAK);
      assertThat(onBreak.since()).isEqualTo(start.plus(BLOCK));
      breaks.add(Duration.between(onBreak.since(), onBreak.until()));

      clock.advance(Duration.between(clock.instant(), onBreak.until()));
      focus.tick();
      assertThat(focus.status().mode()).isEqualTo(FocusMode.IDLE);
    }
    assertThat(breaks).containsExactly(BREAK, BREAK, BREAK, LONG_BREAK, BREAK);
    List<Event> started = stored(FocusEvents.BREAK_STARTED);
    assertThat(started)
        .extracting(e -> e.data().get("long"))
        .containsExactly(false, false, false, true, false);
    assertThat(started)
        .extracting(e -> ((Number) e.data().get("block")).intValue())
        .containsExactly(1, 2, 3, 4, 5);
    assertThat(stored(FocusEvents.BLOCK_STARTED)).hasSize(5);
  }

  @Test
  void aBlockStartedBeforeARestartKeepsItsEnd() throws Exception {
    FocusSnapshot started = focus(settings(true)).start(null);
    pass(Duration.ofMinutes(10));

    restart();
    DefaultFocusService after = focus(settings(true));
    after.tick();
    FocusSnapshot now = after.status();
    assertThat(now.mode()).isEqualTo(FocusMode.WORKING);
    assertThat(now.block()).isEqualTo(1);
    assertThat(now.until()).isEqualTo(started.until());

    pass(Duration.ofMinutes(15));
    after.tick();
    assertThat(after.status().mode()).isEqualTo(FocusMode.BREAK);
    assertThat(after.status().since()).isEqualTo(started.until());
    assertThat(stored(FocusEvents.BREAK_STARTED)).hasSize(1);
  }

  @Test
  void aBreakThatEndedWhileTheBrokerWasDownIsOver() throws Exception {
    DefaultFocusService before = focus(settings(false));
    before.start(null);
    pass(BLOCK);
    before.tick();
    assertThat(before.status().mode()).isEqualTo(FocusMode.BREAK);

    restart();
    pass(Duration.ofMinutes(30));
    DefaultFocusService after = focus(settings(false));
    after.tick();
    assertThat(after.status().mode()).isEqualTo(FocusMode.IDLE);
    assertThat(stored(FocusEvents.BREAK_STARTED)).hasSize(1);
    assertThat(stored(FocusEvents.BREAK_ENDED)).hasSize(1);
  }

  @Test
  void aBlockThatEndedWithItsWholeBreakWhileTheBrokerWasDownAnnouncesNoBreak() throws Exception {
    focus(settings(false)).start(null);
    restart();
    pass(Duration.ofHours(2));
    DefaultFocusService after = focus(settings(false));
    after.tick();
    assertThat(after.status().mode()).isEqualTo(FocusMode.IDLE);
    assertThat(stored(FocusEvents.BREAK_STARTED)).isEmpty();
  }

  @Test
  void tenInstancesThroughFourBlocksGetExactlyFourBreakReminders() {
    // three services on one store stand for broker nodes that all tick
    List<DefaultFocusService> nodes =
        List.of(focus(settings(true)), focus(settings(true)), focus(settings(true)));
    List<String> fleet = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      fleet.add("claude-" + i);
      register("claude-" + i);
    }
    for (int block = 1; block <= 4; block++) {
      nodes.forEach(DefaultFocusService::tick);
      assertThat(nodes.get(0).status().mode()).as("block %d", block).isEqualTo(FocusMode.WORKING);
      assertThat(nodes.get(0).status().block()).isEqualTo(block);
      for (int minute = 0; minute < 25; minute++) {
        pass(Duration.ofMinutes(1));
        fleet.forEach(this::edit); // every agent keeps working through the block
        nodes.forEach(DefaultFocusService::tick);
      }
      assertThat(nodes.get(1).status().mode()).isEqualTo(FocusMode.BREAK);
      Instant breakEnd = nodes.get(2).status().until();
      while (clock.instant().isBefore(breakEnd)) {
        pass(Duration.ofMinutes(1));
        fleet.forEach(this::edit); // agents finishing their steps do not end the break
        nodes.forEach(DefaultFocusService::tick);
      }
      assertThat(nodes.get(0).status().mode()).isEqualTo(FocusMode.IDLE);
      pass(Duration.ofSeconds(1));
      edit(fleet.get(block)); // after the break, the first activity starts the next block
    }
    List<Event> reminders = stored(FocusEvents.BREAK_STARTED);
    assertThat(reminders).hasSize(4);
    assertThat(reminders)
        .extracting(e -> e.data().get("long"))
        .containsExactly(false, false, false, true);
    assertThat(stored(FocusEvents.BLOCK_STARTED)).hasSize(4);
  }

  @Test
  void aThirdSnoozeInARowIsRefusedNamingTheLimit() {
    DefaultFocusService focus = focus(settings(false));
    assertThatThrownBy(() -> focus.snooze(null))
        .isInstanceOf(FocusRefusedException.class)
        .hasMessageContaining("no block runs");
    Instant end = focus.start(null).until();

    pass(BLOCK.minusMinutes(1));
    FocusSnapshot once = focus.snooze(null);
    assertThat(once.until()).isEqualTo(end.plus(Duration.ofMinutes(10)));
    assertThat(once.snoozesLeft()).isEqualTo(1);

    clock.advance(Duration.between(clock.instant(), once.until()));
    focus.tick();
    assertThat(focus.status().mode()).isEqualTo(FocusMode.BREAK);
    FocusSnapshot twice = focus.snooze(Duration.ofMinutes(5)); // the break has just started
    assertThat(twice.mode()).isEqualTo(FocusMode.WORKING);
    assertThat(twice.until()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
    assertThat(twice.snoozesLeft()).isZero();

    pass(Duration.ofMinutes(5));
    focus.tick();
    FocusSnapshot due = focus.status();
    assertThat(due.mode()).isEqualTo(FocusMode.BREAK);
    assertThatThrownBy(() -> focus.snooze(null))
        .isInstanceOf(FocusRefusedException.class)
        .hasMessageContaining("already postponed 2 times in a row")
        .hasMessageContaining("focus.max-snoozes 2");
    assertThat(focus.status()).isEqualTo(due);
    assertThat(stored(FocusEvents.SNOOZED)).hasSize(2);

    clock.advance(Duration.between(clock.instant(), due.until()));
    focus.tick(); // a break taken to its end allows snoozes again
    focus.start(null);
    assertThat(focus.status().snoozesLeft()).isEqualTo(2);
  }

  @Test
  void aBreakWhileNoBlockRunsIsRefused() {
    DefaultFocusService focus = focus(settings(false));
    assertThatThrownBy(() -> focus.takeBreak(null))
        .isInstanceOf(FocusRefusedException.class)
        .hasMessageContaining("no block runs");
    assertThat(store.events().after(0, 100).stream().filter(e -> e.type().startsWith("focus.")))
        .isEmpty();
  }

  @Test
  void aBreakTakenEarlyIsAnnouncedAndEndsOnTime() {
    DefaultFocusService focus = focus(settings(false));
    focus.start(null);
    pass(Duration.ofMinutes(10));
    FocusSnapshot onBreak = focus.takeBreak(Duration.ofMinutes(7));
    assertThat(onBreak.mode()).isEqualTo(FocusMode.BREAK);
    assertThat(onBreak.until()).isEqualTo(clock.instant().plus(Duration.ofMinutes(7)));
    assertThat(stored(FocusEvents.BREAK_STARTED)).hasSize(1);
    assertThat(focus.stop().mode()).isEqualTo(FocusMode.IDLE);
    assertThat(stored(FocusEvents.STOPPED)).hasSize(1);
  }

  @Test
  void hyperfocusRemindersRepeatAtMostEveryFifteenMinutes() {
    DefaultFocusService focus = focus(settings(false));
    focus.start(Duration.ofHours(3)); // one long stretch without a break
    for (int minute = 1; minute <= 150; minute++) {
      pass(Duration.ofMinutes(1));
      focus.tick();
      focus.tick(); // a second tick in the same minute reminds nobody again
    }
    List<Event> reminders = stored(FocusEvents.HYPERFOCUS);
    assertThat(reminders)
        .extracting(e -> ((Number) e.data().get("minutes")).intValue())
        .containsExactly(90, 105, 120, 135, 150);
    assertThat(focus.status().hyperfocus()).isTrue();
  }

  @Test
  void snoozingPastHyperfocusAfterBringsTheReminder() {
    FocusConfig settings =
        new FocusConfig(
            Duration.ofMinutes(40),
            BREAK,
            LONG_BREAK,
            4,
            false,
            Duration.ofMinutes(90),
            Duration.ofMinutes(15),
            Duration.ofMinutes(30),
            2);
    DefaultFocusService focus = focus(settings);
    focus.start(null);
    pass(Duration.ofMinutes(39));
    focus.snooze(null);
    pass(Duration.ofMinutes(30));
    focus.snooze(null);
    for (int minute = 0; minute < 31; minute++) {
      pass(Duration.ofMinutes(1));
      focus.tick();
    }
    assertThat(stored(FocusEvents.HYPERFOCUS)).hasSize(1);
    assertThat(focus.status().mode()).isEqualTo(FocusMode.BREAK);
    assertThat(focus.status().hyperfocus()).isFalse(); // a break is what it asked for
  }

  @Test
  void withAutoOffActivityRunsAStopwatchForHyperfocusAndAPauseResetsIt() {
    DefaultFocusService focus = focus(settings(false));
    register("claude-a");
    for (int minute = 1; minute <= 95; minute++) {
      pass(Duration.ofMinutes(1));
      edit("claude-a");
      focus.tick();
    }
    assertThat(focus.status().mode()).isEqualTo(FocusMode.IDLE);
    assertThat(stored(FocusEvents.HYPERFOCUS)).hasSize(1);
    assertThat(focus.status().hyperfocus()).isTrue();

    pass(BREAK); // a pause as long as a break
    focus.tick();
    assertThat(focus.status().hyperfocus()).isFalse();
    assertThat(focus.status().workedSince()).isNull();
  }

  @Test
  void withAutoOnTheFirstActivityStartsABlock() {
    DefaultFocusService focus = focus(settings(true));
    focus.tick();
    assertThat(focus.status().mode()).isEqualTo(FocusMode.IDLE);

    register("claude-a");
    pass(Duration.ofSeconds(1));
    focus.tick();
    FocusSnapshot s = focus.status();
    assertThat(s.mode()).isEqualTo(FocusMode.WORKING);
    assertThat(s.block()).isEqualTo(1);
    assertThat(s.until()).isEqualTo(clock.instant().plus(BLOCK));
    assertThat(stored(FocusEvents.BLOCK_STARTED)).hasSize(1);

    edit("claude-a"); // more activity during the block changes nothing
    focus.tick();
    assertThat(stored(FocusEvents.BLOCK_STARTED)).hasSize(1);
  }

  @Test
  void withAutoOffActivityStartsNoBlock() {
    DefaultFocusService focus = focus(settings(false));
    register("claude-a");
    focus.tick();
    assertThat(focus.status().mode()).isEqualTo(FocusMode.IDLE);
    assertThat(stored(FocusEvents.BLOCK_STARTED)).isEmpty();
  }

  @Test
  void afterStopOnlyWorkThatResumesAfterAPauseStartsABlock() {
    DefaultFocusService focus = focus(settings(true));
    register("claude-a");
    focus.tick();
    focus.stop();

    pass(Duration.ofMinutes(1));
    edit("claude-a"); // the agents are still busy: the person said stop
    focus.tick();
    assertThat(focus.status().mode()).isEqualTo(FocusMode.IDLE);

    pass(BREAK.plusMinutes(1));
    edit("claude-a"); // back after a pause
    focus.tick();
    assertThat(focus.status().mode()).isEqualTo(FocusMode.WORKING);
    assertThat(focus.status().block()).isEqualTo(1);
  }

  @Test
  void badDurationsAreRefusedNamingTheField() {
    DefaultFocusService focus = focus(settings(true));
    assertThatThrownBy(() -> focus.start(Duration.ZERO))
        .isInstanceOf(dev.baton.core.InvalidInputException.class)
        .hasMessageContaining("duration 0s is out of range");
    assertThat(focus.status().mode()).isEqualTo(FocusMode.IDLE);
  }
}
