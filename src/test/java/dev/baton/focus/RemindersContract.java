package dev.baton.focus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.InvalidInputException;
import dev.baton.events.internal.DefaultEventService;
import dev.baton.events.internal.EventBus;
import dev.baton.focus.internal.DefaultFocusService;
import dev.baton.focus.internal.Reminders;
import dev.baton.handoff.Checkpoint;
import dev.baton.handoff.HandoffConfig;
import dev.baton.handoff.HandoffRequest;
import dev.baton.handoff.Importance;
import dev.baton.handoff.InboxEntry;
import dev.baton.handoff.MessageRequest;
import dev.baton.handoff.MessageService;
import dev.baton.handoff.internal.DefaultCheckpointService;
import dev.baton.handoff.internal.DefaultHandoffService;
import dev.baton.handoff.internal.DefaultMessageService;
import dev.baton.leases.LeaseConfig;
import dev.baton.leases.internal.DefaultLeaseService;
import dev.baton.memory.MemoryConfig;
import dev.baton.memory.internal.DefaultMemoryService;
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
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reaches the person, through the real focus, message and checkpoint services over a real
 * store, with a clock the test moves: one reminder per break whatever the number of instances and
 * timers, a checkpoint of each instance per break, messages to the person at once or in the digest
 * at the next break, quiet hours. The channels are recording stand-ins for tmux and notify-send
 * (the real programs are run by {@code FocusSyncIT}). Subclassed once per backend.
 */
public abstract class RemindersContract {
  private static final Duration BLOCK = Duration.ofMinutes(25);

  @TempDir protected Path dir;
  private final MutableClock clock = MutableClock.at("2026-12-07T09:00:00Z");
  private final List<AutoCloseable> open = new ArrayList<>();
  private final Recording tmux = new Recording("tmux");
  private final Recording desktop = new Recording("desktop");
  private StoreConfig config;
  private Store store;
  private DefaultEventService events;
  private DefaultInstanceService instances;
  private DefaultCheckpointService checkpoints;
  private MessageService messages;
  private DefaultHandoffService handoffs;
  private Reminders reminders;
  private Path repo;

  /** A fresh, empty store's configuration. */
  protected abstract StoreConfig storeConfig();

  /** A channel that keeps what it was asked to show. */
  static final class Recording implements Notifier {
    private final String name;
    final List<Notice> seen = new CopyOnWriteArrayList<>();

    Recording(String name) {
      this.name = name;
    }

    @Override
    public String channel() {
      return name;
    }

    @Override
    public boolean send(Notice notice) {
      seen.add(notice);
      return true;
    }
  }

  @BeforeEach
  void setUp() {
    repo = GitRepos.create(dir.resolve("repo"));
    config = storeConfig();
    Node node = node();
    store = node.store();
    events = node.events();
    instances = node.instances();
    checkpoints = node.checkpoints();
    messages = node.messages();
    handoffs = node.handoffs();
  }

  /** One broker node's services over the store (a second call: another node on the same store). */
  private record Node(
      Store store,
      DefaultEventService events,
      DefaultInstanceService instances,
      DefaultCheckpointService checkpoints,
      MessageService messages,
      DefaultHandoffService handoffs) {}

  private Node node() {
    EventBus bus = new EventBus();
    Store s = SqlStore.open(config, clock, bus::publish, new PrometheusRegistry());
    open.add(s);
    open.add(s.followOtherNodes(bus::publishFromOtherNode)::close); // as a broker does
    DefaultEventService ev = new DefaultEventService(s.events(), bus);
    DefaultInstanceService in =
        new DefaultInstanceService(
            s.instances(),
            new GitWorkspaceResolver(),
            new RegistryConfig(
                Duration.ofHours(24),
                Duration.ofMinutes(1),
                Duration.ofSeconds(1),
                RegistryConfig.BUILT_IN_ROLES),
            clock);
    DefaultLeaseService leases =
        new DefaultLeaseService(
            s.leases(),
            in,
            new GitWorkspaceResolver(),
            new GitPathResolver(),
            LeaseConfig.defaults(),
            clock,
            ev);
    open.add(leases);
    HandoffConfig handoff =
        new HandoffConfig(
            Duration.ofMinutes(5),
            Duration.ofMinutes(25),
            Duration.ofMinutes(30),
            2000,
            true,
            Duration.ofDays(1));
    DefaultCheckpointService cp =
        new DefaultCheckpointService(
            s.handoffs(),
            in,
            leases,
            new DefaultMemoryService(s.memory(), MemoryConfig.DEFAULTS, clock),
            new GitWorkspaceResolver(),
            handoff,
            clock,
            ev);
    open.add(cp);
    MessageService ms =
        new DefaultMessageService(
            s.handoffs(), in, new GitWorkspaceResolver(), handoff, clock, leases);
    DefaultHandoffService hs =
        new DefaultHandoffService(s.handoffs(), in, leases, cp, handoff, clock, ev);
    open.add(hs);
    return new Node(s, ev, in, cp, ms, hs);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    open.clear();
  }

  private static FocusConfig settings(QuietHours quiet) {
    return new FocusConfig(
            BLOCK,
            Duration.ofMinutes(5),
            Duration.ofMinutes(15),
            4,
            false,
            Duration.ofMinutes(90),
            Duration.ofMinutes(15),
            Duration.ofMinutes(10),
            2)
        .withNotify(java.util.EnumSet.allOf(NotifyChannel.class), quiet);
  }

  /** The reminders as a broker runs them, and {@code timers} focus services on the same store. */
  private List<DefaultFocusService> start(FocusConfig settings, int timers) {
    reminders =
        new Reminders(
            new Reminders.Sources(instances, messages, checkpoints),
            List.of(tmux, desktop),
            settings,
            ZoneOffset.UTC);
    open.add(reminders);
    open.add(reminders.follow(events)::close);
    List<DefaultFocusService> out = new ArrayList<>();
    for (int i = 0; i < timers; i++) {
      DefaultFocusService f = new DefaultFocusService(store.focus(), settings, clock);
      open.add(f);
      out.add(f);
    }
    return out;
  }

  private String register(String id) {
    return instances
        .register(new RegisterRequest("developer", repo.toString(), id, "claude"))
        .instance()
        .id();
  }

  /** Starts a block and lets it run out: every timer ticks at once, as several nodes would. */
  private void workOneBlock(List<DefaultFocusService> timers) {
    timers.get(0).start(null);
    clock.advance(BLOCK);
    List<CompletableFuture<Void>> ticks = new ArrayList<>();
    for (DefaultFocusService t : timers) {
      ticks.add(CompletableFuture.runAsync(t::tick));
    }
    ticks.forEach(CompletableFuture::join);
    assertThat(timers.get(0).status().mode()).isEqualTo(FocusMode.BREAK);
    reminders.drain(Duration.ofSeconds(30));
  }

  private void send(String from, String to, Importance importance, String text) {
    messages.send(new MessageRequest(from, null, to, text, importance, false));
    reminders.drain(Duration.ofSeconds(30));
  }

  private List<Checkpoint> breakCheckpoints() {
    return checkpoints.list(null, null, false, 1000).stream()
        .filter(c -> c.reason().equals("break"))
        .toList();
  }

  @Test
  void aBreakIsOneReminderPerChannelAndOneCheckpointPerInstanceWhateverTheTimers() {
    List<String> fleet = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      fleet.add(register("claude-" + i + "0000000"));
    }
    List<DefaultFocusService> timers = start(settings(null), 3);

    workOneBlock(timers);

    assertThat(tmux.seen).hasSize(1);
    assertThat(desktop.seen).hasSize(1);
    assertThat(tmux.seen.get(0).text())
        .isEqualTo("Break until 09:30 — 5 min. Agents will pause and checkpoint.");
    assertThat(breakCheckpoints())
        .extracting(Checkpoint::instance)
        .containsExactlyInAnyOrderElementsOf(fleet);
    assertThat(breakCheckpoints().get(0).summary()).contains("back at 09:30");

    clock.advance(Duration.ofMinutes(5));
    timers.get(1).tick(); // the break ends: nothing to tell
    reminders.drain(Duration.ofSeconds(30));
    workOneBlock(timers);
    assertThat(tmux.seen).hasSize(2);
    assertThat(desktop.seen).hasSize(2);
    assertThat(breakCheckpoints()).hasSize(2 * fleet.size());
  }

  @Test
  void twoBrokerNodesOnOneStoreTellTheBreakOnceBetweenThem() {
    for (int i = 0; i < 3; i++) {
      register("claude-" + i + "0000000");
    }
    DefaultFocusService first = start(settings(null), 1).get(0);
    Node other = node();
    Reminders otherReminders =
        new Reminders(
            new Reminders.Sources(other.instances(), other.messages(), other.checkpoints()),
            List.of(tmux, desktop),
            settings(null),
            ZoneOffset.UTC);
    open.add(otherReminders);
    open.add(otherReminders.follow(other.events())::close);
    DefaultFocusService second =
        new DefaultFocusService(other.store().focus(), settings(null), clock);
    open.add(second);

    first.start(null);
    clock.advance(BLOCK);
    CompletableFuture<Void> a = CompletableFuture.runAsync(first::tick);
    CompletableFuture<Void> b = CompletableFuture.runAsync(second::tick);
    a.join();
    b.join();
    reminders.drain(Duration.ofSeconds(30));
    otherReminders.drain(Duration.ofSeconds(30));

    assertThat(tmux.seen).hasSize(1);
    assertThat(desktop.seen).hasSize(1);
    assertThat(breakCheckpoints()).hasSize(3);
  }

  @Test
  void messagesToTheHumanOfNormalImportanceAreToldAtOnceAndMarkedShown() {
    String agent = register("claude-a0000000");
    start(settings(null), 1);

    send(agent, "human", Importance.NORMAL, "tests are green, may I land?");

    assertThat(desktop.seen)
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.title()).isEqualTo("baton: message from claude-a0000000");
              assertThat(n.text()).isEqualTo("tests are green, may I land?");
              assertThat(n.urgent()).isFalse();
            });
    assertThat(tmux.seen).hasSize(1);
    List<InboxEntry> inbox = messages.inbox(MessageService.HUMAN, false, false, 10);
    assertThat(inbox).singleElement().satisfies(e -> assertThat(e.readAt()).isNotNull());
  }

  @Test
  void aHandoffToTheHumanIsToldAtOnceAndItsNoticeMarkedShown() {
    String agent = register("claude-b0000000");
    start(settings(null), 1);

    handoffs.send(
        new HandoffRequest(
            agent,
            "human",
            "session",
            "pick the cache's database; I stopped there",
            false,
            List.of(),
            false));
    reminders.drain(Duration.ofSeconds(30));

    assertThat(tmux.seen)
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.title())
                  .startsWith("baton: handoff #")
                  .endsWith(" from claude-b0000000");
              assertThat(n.text()).isEqualTo("pick the cache's database; I stopped there");
            });
    assertThat(desktop.seen).hasSize(1);
    assertThat(messages.inbox(MessageService.HUMAN, true, false, 10))
        .as("shown, so the next break's digest does not repeat it")
        .isEmpty();
  }

  @Test
  void urgentMessagesOfAgentsToAnyoneAreToldOnceAndAPersonsOwnAreNot() {
    String a = register("claude-a0000000");
    register("claude-b0000000");
    register("claude-c0000000");
    start(settings(null), 1);

    send(a, "all", Importance.URGENT, "main is broken, stop landing");
    messages.send(
        new MessageRequest(
            "human", repo.toString(), "all", "I fixed main", Importance.URGENT, false));
    reminders.drain(Duration.ofSeconds(30));

    assertThat(desktop.seen)
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.title()).isEqualTo("baton: urgent from claude-a0000000 to all");
              assertThat(n.urgent()).isTrue();
            });
    assertThat(tmux.seen).hasSize(1);
  }

  @Test
  void lowMessagesToTheHumanWaitForOneDigestAtTheNextBreak() {
    String agent = register("claude-a0000000");
    List<DefaultFocusService> timers = start(settings(null), 1);

    send(agent, "human", Importance.LOW, "renamed util.py to text.py");
    send(agent, "human", Importance.LOW, "docs updated");
    assertThat(desktop.seen).isEmpty();

    workOneBlock(timers);

    assertThat(desktop.seen).hasSize(2);
    assertThat(desktop.seen.get(0).title()).isEqualTo("baton: time for a break");
    Notice digest = desktop.seen.get(1);
    assertThat(digest.title()).isEqualTo("baton: 2 messages while you worked");
    assertThat(digest.text())
        .contains("claude-a0000000: renamed util.py to text.py")
        .contains("claude-a0000000: docs updated");
    assertThat(messages.inbox(MessageService.HUMAN, true, false, 10)).isEmpty();

    clock.advance(Duration.ofMinutes(5));
    timers.get(0).tick();
    workOneBlock(timers);
    assertThat(desktop.seen)
        .hasSize(3)
        .last()
        .satisfies(n -> assertThat(n.title()).contains("break"));
  }

  @Test
  void quietHoursHoldAllButUrgentAndTheHeldJoinTheFirstDigestAfterThem() {
    clock.advance(Duration.ofHours(13)); // 22:00 UTC
    String agent = register("claude-a0000000");
    register("claude-b0000000");
    List<DefaultFocusService> timers = start(settings(QuietHours.parse("22:00-08:00")), 1);

    send(agent, "human", Importance.NORMAL, "may I land?");
    send(agent, "claude-b0000000", Importance.URGENT, "your branch breaks the build");
    workOneBlock(timers); // a break at 22:25: not announced, but checkpointed

    assertThat(desktop.seen)
        .singleElement()
        .satisfies(
            n ->
                assertThat(n.title())
                    .isEqualTo("baton: urgent from claude-a0000000 to claude-b0000000"));
    assertThat(breakCheckpoints()).hasSize(2);

    clock.advance(Duration.ofHours(10)); // 08:25, quiet hours over
    timers.get(0).tick();
    workOneBlock(timers);

    assertThat(desktop.seen).hasSize(3);
    assertThat(desktop.seen.get(1).text()).startsWith("Break until 08:55");
    assertThat(desktop.seen.get(2).title()).isEqualTo("baton: 1 message while you worked");
    assertThat(desktop.seen.get(2).text()).isEqualTo("claude-a0000000: may I land?");
  }

  @Test
  void hyperfocusIsToldGentlyOncePerReminder() {
    List<DefaultFocusService> timers = start(settings(null), 2);
    timers.get(0).start(Duration.ofHours(3));
    clock.advance(Duration.ofMinutes(90));
    timers.forEach(DefaultFocusService::tick);
    reminders.drain(Duration.ofSeconds(30));

    assertThat(desktop.seen)
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.title()).isEqualTo("baton: a break would help");
              assertThat(n.text()).startsWith("You have worked 90 min without a break.");
            });
    clock.advance(Duration.ofMinutes(5));
    timers.forEach(DefaultFocusService::tick);
    reminders.drain(Duration.ofSeconds(30));
    assertThat(desktop.seen).as("not again within focus.hyperfocus-every").hasSize(1);
    assertThat(breakCheckpoints()).isEmpty();
  }

  @Test
  void theHumanHasAnInboxBeforeTheFirstMessageAndCannotMessageThemselves() {
    start(settings(null), 1);
    assertThat(messages.inbox(MessageService.HUMAN, false, false, 10)).isEmpty();
    assertThatThrownBy(
            () ->
                messages.send(
                    new MessageRequest(
                        "human", repo.toString(), "human", "note to self", null, false)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("a message from human to human is not sent");
  }
}
