package dev.baton.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.SoftAssertions.assertSoftly;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import dev.baton.core.InvalidInputException;
import dev.baton.events.Event;
import dev.baton.events.internal.DefaultEventService;
import dev.baton.events.internal.EventBus;
import dev.baton.handoff.internal.DefaultCheckpointService;
import dev.baton.handoff.internal.DefaultHandoffService;
import dev.baton.handoff.internal.DefaultMessageService;
import dev.baton.leases.AcquireRequest;
import dev.baton.leases.Lease;
import dev.baton.leases.LeaseConfig;
import dev.baton.leases.LeaseEvents;
import dev.baton.leases.LeaseMode;
import dev.baton.leases.internal.DefaultLeaseService;
import dev.baton.memory.ContextKind;
import dev.baton.memory.ContextUpdate;
import dev.baton.memory.MemoryConfig;
import dev.baton.memory.MemoryKind;
import dev.baton.memory.MemoryService;
import dev.baton.memory.NewMemoryItem;
import dev.baton.memory.internal.DefaultMemoryService;
import dev.baton.registry.InstanceNotFoundException;
import dev.baton.registry.InstanceService;
import dev.baton.registry.RegisterRequest;
import dev.baton.registry.RegistryConfig;
import dev.baton.registry.UnknownRoleException;
import dev.baton.registry.internal.DefaultInstanceService;
import dev.baton.server.GitPathResolver;
import dev.baton.server.GitWorkspaceResolver;
import dev.baton.store.Store;
import dev.baton.store.StoreConfig;
import dev.baton.store.StoreException;
import dev.baton.store.StoreKind;
import dev.baton.store.internal.SqlStore;
import dev.baton.testing.GitRepos;
import dev.baton.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handoffs, messages and checkpoints through the real services over a real store, with a clock the
 * test moves: leases move atomically, the recipient and the sender are told, low messages wait for
 * a digest, checkpoints come on time and when an instance ends, and "where you left off" survives
 * reopening the store. Subclassed once per backend.
 */
public abstract class HandoffContract {
  @TempDir protected Path dir;
  private final MutableClock clock = MutableClock.at("2026-11-21T10:00:00Z");
  private final List<Event> published = Collections.synchronizedList(new ArrayList<>());
  private final List<AutoCloseable> open = new ArrayList<>();
  private StoreConfig config;
  private Store store;
  private InstanceService instances;
  private DefaultLeaseService leases;
  private MemoryService memory;
  private CheckpointService checkpoints;
  private HandoffService handoffs;
  private MessageService messages;
  private Path repo;

  /** A fresh, empty store's configuration; opened twice when a test reopens it. */
  protected abstract StoreConfig storeConfig();

  @BeforeEach
  void setUp() {
    config = storeConfig();
    repo = GitRepos.create(dir.resolve("repo"));
    openServices();
    register("dev-1", "developer");
    register("dbg-1", "debugger");
    register("rev-1", "reviewer");
  }

  private void openServices() {
    EventBus bus = new EventBus();
    bus.subscribe(published::add);
    store = SqlStore.open(config, clock, bus::publish, new PrometheusRegistry());
    DefaultEventService events = new DefaultEventService(store.events(), bus);
    instances =
        new DefaultInstanceService(
            store.instances(),
            new GitWorkspaceResolver(),
            new RegistryConfig(
                Duration.ofHours(2),
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
    memory = new DefaultMemoryService(store.memory(), MemoryConfig.DEFAULTS, clock);
    HandoffConfig handoffConfig =
        new HandoffConfig(
            Duration.ofMinutes(5),
            Duration.ofMinutes(25),
            Duration.ofMinutes(30),
            2000,
            true,
            Duration.ofDays(1));
    DefaultCheckpointService c =
        new DefaultCheckpointService(
            store.handoffs(),
            instances,
            leases,
            memory,
            new GitWorkspaceResolver(),
            handoffConfig,
            clock,
            events);
    DefaultHandoffService h =
        new DefaultHandoffService(
            store.handoffs(), instances, leases, c, handoffConfig, clock, events);
    checkpoints = c;
    handoffs = h;
    messages =
        new DefaultMessageService(
            store.handoffs(), instances, new GitWorkspaceResolver(), handoffConfig, clock, leases);
    open.add(h);
    open.add(c);
    open.add(leases);
    open.add(store);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    open.clear();
  }

  private void register(String id, String role) {
    instances.register(new RegisterRequest(role, repo.toString(), id, "claude"));
  }

  private List<Lease> lease(String instance, String... paths) {
    return leases
        .acquire(
            new AcquireRequest(
                instance, List.of(paths), true, LeaseMode.EXCLUSIVE, null, Duration.ZERO, "work"))
        .join();
  }

  private Handoff handOff(String from, String to, List<String> files) {
    return handoffs.send(
        new HandoffRequest(
            from, to, "debugging_session", "NPE in the parser", false, files, false));
  }

  @Test
  void aHandoffMovesTheNamedLeasesWithNewTokensAndTellsTheRecipient() {
    List<Lease> held = lease("dev-1", "src/app.py", "src/util.py", "README.md");
    Handoff h = handOff("dev-1", "dbg-1", List.of("src/app.py", "src/util.py"));

    assertThat(h.status()).isEqualTo(HandoffStatus.PENDING);
    assertThat(h.to()).isEqualTo("dbg-1");
    assertThat(h.leases()).containsExactly(held.get(0).id(), held.get(1).id());
    List<Lease> now = leases.list(repo.toString(), "dbg-1");
    assertThat(now)
        .extracting(l -> l.pattern().text())
        .containsExactly("src/app.py", "src/util.py");
    long highestBefore = held.stream().mapToLong(Lease::fencingToken).max().orElseThrow();
    assertThat(now).allSatisfy(l -> assertThat(l.fencingToken()).isGreaterThan(highestBefore));
    assertThat(leases.list(repo.toString(), "dev-1"))
        .extracting(l -> l.pattern().text())
        .containsExactly("README.md");

    List<InboxEntry> inbox = messages.inbox("dbg-1", true, false, 10);
    assertThat(inbox).hasSize(1);
    assertThat(inbox.get(0).message().handoffId()).isEqualTo(h.id());
    assertThat(inbox.get(0).message().text())
        .contains("NPE in the parser", "handoff_accept")
        .contains("(Now: handoff #" + h.id() + " pending; still yours: " + h.leases().get(0));
    leases.release(h.leases().get(0), "dbg-1", false);
    assertThat(messages.inbox("dbg-1", false, false, 10).get(0).message().text())
        .as("the message says what is true now")
        .contains("still yours: " + h.leases().get(1))
        .contains("no longer yours: " + h.leases().get(0) + " (released or expired");
    assertThat(published)
        .filteredOn(e -> e.type().equals(HandoffEvents.SENT))
        .singleElement()
        .satisfies(e -> assertThat(e.instance()).isEqualTo("dbg-1"));
    assertThat(published).filteredOn(e -> e.type().equals(LeaseEvents.TRANSFERRED)).hasSize(2);
    // the sender was checkpointed on handing over, holding what it kept
    assertThat(checkpoints.list(null, "dev-1", true, 1))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.reason()).isEqualTo("handoff");
              assertThat(c.leases()).containsExactly("README.md (exclusive)");
              assertThat(h.checkpoints()).containsExactly(c.id());
            });
    assertThat(published)
        .extracting(Event::type)
        .filteredOn(
            t ->
                t.equals(LeaseEvents.TRANSFERRED)
                    || t.equals(HandoffEvents.CHECKPOINT)
                    || t.equals(HandoffEvents.SENT))
        .containsExactly(
            LeaseEvents.TRANSFERRED,
            LeaseEvents.TRANSFERRED,
            HandoffEvents.CHECKPOINT,
            HandoffEvents.SENT);
  }

  @Test
  void aHandoffCanNameTheSendersRecentCheckpointsNewestFirst() {
    checkpoints.take("dev-1", "agent", "first");
    Checkpoint second = checkpoints.take("dev-1", "agent", "second");
    Checkpoint third = checkpoints.take("dev-1", "agent", "third");
    Handoff h =
        handoffs.send(
            new HandoffRequest("dev-1", "dbg-1", null, "over to you", false, List.of(), true));
    Checkpoint handedOver = checkpoints.list(null, "dev-1", true, 1).get(0);
    assertThat(handedOver.reason()).isEqualTo("handoff");
    assertThat(h.checkpoints()).containsExactly(handedOver.id(), third.id(), second.id());
    assertThat(h.leases()).isEmpty();
  }

  @Test
  void aThirdInstanceNeverGetsTheFilesWhileTheyMove() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger stolen = new AtomicInteger();
    AtomicInteger attempts = new AtomicInteger();
    Thread third =
        new Thread(
            () -> {
              while (!stop.get()) {
                attempts.incrementAndGet();
                try {
                  List<Lease> got = lease("rev-1", "src/app.py");
                  stolen.incrementAndGet();
                  got.forEach(l -> leases.release(l.id(), "rev-1", false));
                } catch (CompletionException e) {
                  // conflict: someone holds it, as it must be
                }
              }
            });
    lease("dev-1", "src/app.py");
    third.start();
    try {
      for (int i = 0; i < 20; i++) {
        String from = i % 2 == 0 ? "dev-1" : "dbg-1";
        String to = i % 2 == 0 ? "dbg-1" : "dev-1";
        handOff(from, to, List.of("src/app.py"));
      }
    } finally {
      stop.set(true);
      third.join(10_000);
    }
    assertThat(attempts.get()).isPositive();
    assertThat(stolen.get()).isZero();
    List<Long> order =
        published.stream()
            .filter(e -> e.type().equals(LeaseEvents.TRANSFERRED))
            .map(e -> ((Number) e.data().get("fencingToken")).longValue())
            .toList();
    assertThat(order).hasSize(20).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void badHandoffsChangeNothing() {
    lease("dev-1", "src/app.py");
    assertThatThrownBy(() -> handOff("dev-1", "gone-1", List.of("src/app.py")))
        .isInstanceOf(InstanceNotFoundException.class)
        .hasMessageContaining("gone-1");
    assertThatThrownBy(() -> handOff("dev-1", "dbg-1", List.of("src/other.py")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("src/other.py is not leased by dev-1");
    assertThatThrownBy(() -> handOff("dev-1", "role:nobody", List.of()))
        .isInstanceOf(UnknownRoleException.class);
    assertThatThrownBy(() -> handOff("dev-1", "dev-1", List.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("itself");
    assertThatThrownBy(
            () ->
                handoffs.send(
                    new HandoffRequest("dev-1", "dbg-1", "x", " ", false, List.of(), false)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'summary' is required");
    assertThat(handoffs.list(null, null, null, 10)).isEmpty();
    assertThat(leases.list(repo.toString(), "dev-1")).hasSize(1);
    assertThat(messages.inbox("dbg-1", false, false, 10)).isEmpty();
  }

  @Test
  void aHandoffThatCannotBeStoredLeavesTheLeasesWithTheSenderAndNoCheckpoint() throws Exception {
    List<Lease> held = lease("dev-1", "src/app.py", "src/util.py");
    published.clear();
    // storing the handoff fails after the leases would have moved and the checkpoint was taken
    sql("ALTER TABLE handoffs RENAME TO handoffs_gone");
    try {
      assertThatThrownBy(() -> handOff("dev-1", "dbg-1", List.of("src/app.py")))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("store operation failed during handoffs.")
          .hasMessageContaining("handoffs");
    } finally {
      sql("ALTER TABLE handoffs_gone RENAME TO handoffs");
    }

    assertSoftly(
        soft -> {
          soft.assertThat(leases.list(repo.toString(), "dev-1"))
              .as("the leases never left the sender: same ids, same fencing tokens")
              .extracting(Lease::id, Lease::instance, Lease::fencingToken)
              .containsExactlyElementsOf(
                  held.stream().map(l -> tuple(l.id(), "dev-1", l.fencingToken())).toList());
          soft.assertThat(leases.list(repo.toString(), "dbg-1")).isEmpty();
          soft.assertThat(checkpoints.list(null, null, false, 100))
              .as("no checkpoint was left")
              .isEmpty();
          soft.assertThat(handoffs.list(null, null, null, 10)).isEmpty();
          soft.assertThat(messages.inbox("dbg-1", false, false, 10)).isEmpty();
          soft.assertThat(published)
              .extracting(Event::type)
              .doesNotContain(
                  LeaseEvents.TRANSFERRED, HandoffEvents.CHECKPOINT, HandoffEvents.SENT);
        });

    // and once the table is back, the same handoff goes through
    Handoff h = handOff("dev-1", "dbg-1", List.of("src/app.py"));
    assertThat(h.leases()).containsExactly(held.get(0).id());
    assertThat(checkpoints.list(null, "dev-1", false, 10)).hasSize(1);
  }

  /** Runs a statement on a connection of its own, beside the store's. */
  private void sql(String statement) throws Exception {
    try (Connection c =
            DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
        Statement s = c.createStatement()) {
      if (config.kind() == StoreKind.SQLITE) {
        s.execute("PRAGMA busy_timeout = 5000");
      }
      s.execute(statement);
    }
  }

  @Test
  void aDeclineWhoseLeasesCannotGoBackIsNotStoredEither() throws Exception {
    lease("dev-1", "src/app.py");
    Handoff h = handOff("dev-1", "dbg-1", List.of("src/app.py"));
    List<Lease> moved = leases.list(repo.toString(), "dbg-1");
    published.clear();
    // giving the leases back fails after the answer would have been stored
    sql("ALTER TABLE leases RENAME TO leases_gone");
    try {
      assertThatThrownBy(() -> handoffs.decline(h.id(), "dbg-1", "not mine"))
          .isInstanceOf(StoreException.class);
    } finally {
      sql("ALTER TABLE leases_gone RENAME TO leases");
    }
    assertSoftly(
        soft -> {
          soft.assertThat(handoffs.get(h.id()).status())
              .as("the handoff is still open")
              .isEqualTo(HandoffStatus.PENDING);
          soft.assertThat(leases.list(repo.toString(), "dbg-1"))
              .extracting(Lease::id, Lease::fencingToken)
              .containsExactlyElementsOf(
                  moved.stream().map(l -> tuple(l.id(), l.fencingToken())).toList());
          soft.assertThat(messages.inbox("dev-1", false, false, 10))
              .as("the sender was not told of a decline that did not happen")
              .isEmpty();
          soft.assertThat(published)
              .extracting(Event::type)
              .doesNotContain(HandoffEvents.DECLINED, LeaseEvents.TRANSFERRED);
        });

    Handoff declined = handoffs.decline(h.id(), "dbg-1", "not mine");
    assertThat(declined.status()).isEqualTo(HandoffStatus.DECLINED);
    assertThat(leases.list(repo.toString(), "dev-1"))
        .singleElement()
        .extracting(Lease::id)
        .isEqualTo(moved.get(0).id());
  }

  @Test
  void acceptTellsTheSenderAndDeclineGivesTheLeasesBack() {
    lease("dev-1", "src/app.py");
    Handoff first = handOff("dev-1", "dbg-1", List.of("src/app.py"));
    assertThatThrownBy(() -> handoffs.accept(first.id(), "rev-1", null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("addressed to dbg-1, not to rev-1");
    Handoff accepted = handoffs.accept(first.id(), "dbg-1", "on it");
    assertThat(accepted.status()).isEqualTo(HandoffStatus.ACCEPTED);
    assertThat(messages.inbox("dev-1", true, false, 10))
        .singleElement()
        .satisfies(e -> assertThat(e.message().text()).contains("accepted by dbg-1: on it"));
    assertThatThrownBy(() -> handoffs.decline(first.id(), "dbg-1", null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("already accepted");
    assertThatThrownBy(() -> handoffs.accept(999, "dbg-1", null))
        .isInstanceOf(HandoffNotFoundException.class);

    Handoff back = handOff("dbg-1", "rev-1", List.of("src/app.py"));
    assertThat(leases.list(repo.toString(), "rev-1")).hasSize(1);
    handoffs.decline(back.id(), "rev-1", "busy");
    assertThat(leases.list(repo.toString(), "rev-1")).isEmpty();
    assertThat(leases.list(repo.toString(), "dbg-1"))
        .extracting(l -> l.pattern().text())
        .containsExactly("src/app.py");
    assertThat(published)
        .filteredOn(e -> e.type().equals(HandoffEvents.DECLINED))
        .singleElement()
        .satisfies(e -> assertThat(e.instance()).isEqualTo("dbg-1"));
  }

  @Test
  void aHandoffToARoleWaitsForTheNextInstanceOfIt() {
    lease("dev-1", "src/app.py");
    Handoff h =
        handoffs.send(
            new HandoffRequest(
                "dev-1", "role:architect", null, "design review", true, List.of(), false));
    assertThat(h.to()).isNull();
    assertThat(leases.list(repo.toString(), "dev-1")).hasSize(1);

    register("arch-1", "architect");
    await().atMost(Duration.ofSeconds(10)).until(() -> "arch-1".equals(handoffs.get(h.id()).to()));
    assertThat(leases.list(repo.toString(), "arch-1"))
        .extracting(l -> l.pattern().text())
        .containsExactly("src/app.py");
    assertThat(messages.inbox("arch-1", true, false, 10)).hasSize(1);
    // with a live instance of the role, it goes there at once
    Handoff direct = handOff("arch-1", "role:developer", List.of());
    assertThat(direct.to()).isEqualTo("dev-1");
  }

  @Test
  void anUnansweredHandoffExpiresAndItsLeasesGoBack() {
    lease("dev-1", "src/app.py");
    Handoff h = handOff("dev-1", "dbg-1", List.of("src/app.py"));
    clock.advance(Duration.ofMinutes(4));
    assertThat(handoffs.expireOverdue()).isEmpty();
    clock.advance(Duration.ofMinutes(2));
    assertThat(handoffs.expireOverdue()).extracting(Handoff::id).containsExactly(h.id());
    assertThat(handoffs.get(h.id()).status()).isEqualTo(HandoffStatus.EXPIRED);
    assertThat(leases.list(repo.toString(), "dev-1")).hasSize(1);
    assertThat(messages.inbox("dev-1", true, false, 10))
        .singleElement()
        .satisfies(e -> assertThat(e.message().text()).contains("expired"));
  }

  @Test
  void messagesReachAnInstanceARoleOrEveryoneAndLowOnesWaitForADigest() {
    register("dev-2", "developer");
    List<InboxEntry> toRole =
        messages.send(
            new MessageRequest("dbg-1", null, "role:developer", "main is red", null, true));
    assertThat(toRole)
        .extracting(InboxEntry::recipient)
        .containsExactlyInAnyOrder("dev-1", "dev-2");
    List<InboxEntry> toAll =
        messages.send(
            new MessageRequest(
                "human", repo.resolve("src").toString(), "all", "lunch", Importance.LOW, false));
    assertThat(toAll).extracting(InboxEntry::recipient).hasSize(4);

    // the first look shows the normal message; the low one waits for the digest
    assertThat(messages.news("dev-1"))
        .extracting(e -> e.message().text())
        .containsExactly("main is red");
    assertThat(messages.news("dev-1")).isEmpty();
    clock.advance(Duration.ofMinutes(31));
    assertThat(messages.news("dev-1")).extracting(e -> e.message().text()).containsExactly("lunch");

    long id = toRole.get(0).message().id();
    assertThat(messages.acknowledge("dev-1", List.of(id))).hasSize(1);
    assertThat(messages.message(id))
        .filteredOn(e -> e.recipient().equals("dev-1"))
        .singleElement()
        .satisfies(e -> assertThat(e.ackedAt()).isNotNull());
    assertThat(published)
        .filteredOn(e -> e.type().equals(HandoffEvents.ACKED))
        .singleElement()
        .satisfies(e -> assertThat(e.instance()).isEqualTo("dbg-1"));

    assertThatThrownBy(() -> messages.acknowledge("dev-1", List.of(424242L)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("424242");
    assertThatThrownBy(
            () -> messages.send(new MessageRequest("dev-1", null, "nobody-1", "x", null, false)))
        .isInstanceOf(InstanceNotFoundException.class);
    assertThatThrownBy(
            () ->
                messages.send(
                    new MessageRequest("dev-1", null, "role:architect", "x", null, false)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no instance of role architect");
    assertThatThrownBy(
            () ->
                messages.send(
                    new MessageRequest("dev-1", null, "all", "x".repeat(2001), null, false)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("2001 characters");
  }

  @Test
  void unreadCountsAreKeptPerRecipientAndImportanceUntilTheMessageIsShown() {
    assertThat(messages.unread(Importance.URGENT)).isEmpty();
    messages.send(
        new MessageRequest("human", repo.toString(), "all", "stop", Importance.URGENT, false));
    messages.send(new MessageRequest("dbg-1", null, "dev-1", "now", Importance.URGENT, false));
    messages.send(new MessageRequest("dbg-1", null, "dev-1", "later", Importance.LOW, false));

    assertThat(messages.unread(Importance.URGENT))
        .containsExactlyInAnyOrderEntriesOf(Map.of("dev-1", 2, "dbg-1", 1, "rev-1", 1));
    assertThat(messages.unread(Importance.LOW))
        .containsExactlyInAnyOrderEntriesOf(Map.of("dev-1", 1));
    messages.inbox("dev-1", true, true, 10);
    assertThat(messages.unread(Importance.URGENT))
        .containsExactlyInAnyOrderEntriesOf(Map.of("dbg-1", 1, "rev-1", 1));
  }

  @Test
  void checkpointsComeEveryIntervalForActiveInstancesOnly() {
    assertThat(checkpoints.takeDue()).isEmpty();
    clock.advance(Duration.ofMinutes(24));
    assertThat(checkpoints.takeDue()).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    assertThat(checkpoints.takeDue())
        .extracting(Checkpoint::instance)
        .containsExactlyInAnyOrder("dev-1", "dbg-1", "rev-1");

    // 25 minutes later only the instance that was heard from is checkpointed again
    clock.advance(Duration.ofMinutes(10));
    instances.heartbeat("dev-1");
    memory.log(
        new NewMemoryItem(
            repo.toString(),
            MemoryKind.DECISION,
            "Parser gets defaults",
            null,
            "null config",
            null,
            null,
            null,
            List.of(),
            "dev-1",
            false));
    clock.advance(Duration.ofMinutes(15));
    List<Checkpoint> second = checkpoints.takeDue();
    assertThat(second).extracting(Checkpoint::instance).containsExactly("dev-1");
    assertThat(second.get(0).items()).singleElement().asString().contains("Parser gets defaults");
    assertThat(second.get(0).reason()).isEqualTo("scheduled");
  }

  @Test
  void aCheckpointHoldsContextLeasesGitStateAndTheAgentsWords() throws Exception {
    lease("dbg-1", "src/app.py");
    Files.writeString(repo.resolve("src/app.py"), "print('changed')\n");
    memory.updateContext(
        new ContextUpdate(
            repo.toString(),
            ContextKind.ACTIVE,
            "dbg-1",
            Map.of("current_focus", "parser NPE"),
            null,
            "dbg-1"));
    Checkpoint c = checkpoints.take("dbg-1", "agent", "found it; fix next");

    assertThat(c.summary()).isEqualTo("found it; fix next");
    assertThat(c.activeContext()).containsEntry("current_focus", "parser NPE");
    assertThat(c.leases()).containsExactly("src/app.py (exclusive)");
    assertThat(c.branch()).isEqualTo("main");
    assertThat(c.head()).isEqualTo(GitRepos.git(repo, "rev-parse", "HEAD").strip());
    assertThat(c.changedFiles()).containsExactly(" M src/app.py");
    assertThatThrownBy(() -> checkpoints.take("nobody-1", "agent", null))
        .isInstanceOf(InstanceNotFoundException.class);
  }

  @Test
  void pruningKeepsEachInstancesNewestCheckpointUnreadMessagesAndPendingHandoffs() {
    lease("dev-1", "src/app.py");
    Handoff answered = handOff("dev-1", "dbg-1", List.of("src/app.py"));
    handoffs.accept(answered.id(), "dbg-1", null);
    Handoff pending = handOff("dbg-1", "rev-1", List.of("src/app.py"));
    checkpoints.take("dev-1", "agent", "old");
    checkpoints.take("dev-1", "agent", "newest");
    messages.send(new MessageRequest("dev-1", null, "dbg-1", "read me", null, false));
    messages.send(new MessageRequest("dev-1", null, "rev-1", "unread", null, false));
    messages.inbox("dbg-1", false, true, 50); // dbg-1 reads all of its messages
    messages.inbox("dev-1", false, true, 50); // and dev-1 reads the answer to its handoff
    clock.advance(Duration.ofDays(2));

    assertThat(store.handoffs().prune(clock.instant().minus(Duration.ofDays(1)))).isPositive();

    assertThat(checkpoints.list(null, "dev-1", false, 10))
        .extracting(Checkpoint::summary)
        .containsExactly("newest");
    assertThat(checkpoints.list(null, "dbg-1", false, 10)).isNotEmpty();
    assertThat(messages.inbox("dbg-1", false, false, 50)).isEmpty();
    assertThat(messages.inbox("rev-1", false, false, 50))
        .extracting(e -> e.message().text())
        .contains("unread");
    assertThat(handoffs.get(pending.id()).status()).isEqualTo(HandoffStatus.PENDING);
    assertThatThrownBy(() -> handoffs.get(answered.id()))
        .isInstanceOf(HandoffNotFoundException.class);
  }

  @Test
  void anInstanceThatEndsIsCheckpointedWithTheLeasesItHeld() {
    lease("rev-1", "src/app.py");
    instances.deregister("rev-1");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !checkpoints.list(null, "rev-1", true, 1).isEmpty());
    Checkpoint c = checkpoints.list(null, "rev-1", true, 1).get(0);
    assertThat(c.reason()).isEqualTo("deregistered");
    assertThat(c.leases()).containsExactly("src/app.py (exclusive)");
    assertThat(c.role()).isEqualTo("reviewer");
  }

  @Test
  void whereYouLeftOffSurvivesReopeningTheStore() throws Exception {
    checkpoints.take("dev-1", "agent", "parser half done; tests next");
    checkpoints.take("dbg-1", "agent", "bisecting the NPE");
    lease("rev-1", "src/app.py");
    instances.deregister("rev-1");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !checkpoints.list(null, "rev-1", true, 1).isEmpty());
    closeAll();

    openServices();
    clock.advance(Duration.ofMinutes(90));
    String text = checkpoints.resume(repo.resolve("src").toString(), null);
    assertThat(text)
        .contains("dev-1 (developer), still working")
        .contains("parser half done; tests next")
        .contains("dbg-1 (debugger)")
        .contains("bisecting the NPE")
        .contains("rev-1 (reviewer), ended")
        .contains("src/app.py (exclusive)")
        .contains("1 h 30 min ago");
    assertThat(checkpoints.resume(null, "dbg-1")).contains("bisecting the NPE");
    assertThatThrownBy(() -> checkpoints.resume(null, "nobody-1"))
        .hasMessageContaining("no checkpoint of nobody-1");
    assertThatThrownBy(() -> checkpoints.resume(null, null))
        .isInstanceOf(InvalidInputException.class);
  }
}
