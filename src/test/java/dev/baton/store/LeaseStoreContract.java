package dev.baton.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.events.Event;
import dev.baton.events.NewEvent;
import dev.baton.leases.Lease;
import dev.baton.leases.LeaseEvents;
import dev.baton.leases.LeaseMode;
import dev.baton.leases.LeaseStore;
import dev.baton.leases.PathPattern;
import dev.baton.registry.AgentProcess;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceNotFoundException;
import dev.baton.store.internal.SqlStore;
import dev.baton.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every backend's {@link LeaseStore} must do, through the real store; subclassed once per
 * backend. Events are collected from the publisher the store was opened with.
 */
public abstract class LeaseStoreContract {
  protected static final Path REPO = Path.of("/repo");
  protected static final Path OTHER = Path.of("/other");
  private static final Duration TTL = Duration.ofMinutes(10);

  protected final MutableClock clock = MutableClock.at("2026-11-21T10:00:00Z");
  protected final List<Event> published = Collections.synchronizedList(new ArrayList<>());
  protected Store store;
  protected LeaseStore leases;

  /** The last event before the test's own: the instances' registrations. */
  private long baseline;

  /** A fresh, empty store's configuration. */
  protected abstract StoreConfig storeConfig();

  @BeforeEach
  void open() {
    store = SqlStore.open(storeConfig(), clock, published::addAll, new PrometheusRegistry());
    leases = store.leases();
    register("a-1", REPO);
    register("b-1", REPO);
    register("c-1", OTHER);
    startRecording();
  }

  private void startRecording() {
    published.clear();
    baseline = store.events().lastId();
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private void register(String id, Path workspace) {
    register(id, workspace, clock.instant().plusSeconds(30));
  }

  private void register(String id, Path workspace, Instant expiresAt) {
    Instant now = clock.instant();
    Instance i =
        new Instance(id, "developer", "claude", workspace, null, "main", now, now, expiresAt);
    assertThat(
            store
                .instances()
                .insert(i, new NewEvent("instance.registered", workspace.toString(), id, Map.of())))
        .isTrue();
  }

  private Lease draft(String instance, String pattern, LeaseMode mode, Duration ttl) {
    Instant now = clock.instant();
    return new Lease(
        null,
        REPO,
        instance,
        "developer",
        PathPattern.parse(pattern),
        mode,
        "refactor auth",
        0,
        ttl,
        now,
        now,
        now.plus(ttl));
  }

  private Lease insert(Path workspace, String instance, String pattern) {
    return insert(workspace, draft(instance, pattern, LeaseMode.EXCLUSIVE, TTL));
  }

  private Lease insert(Path workspace, Lease draft) {
    return leases.inWorkspace(workspace, tx -> tx.insert(draft));
  }

  private Lease insertExpiringAt(String instance, String pattern, Instant expiresAt) {
    Lease d = draft(instance, pattern, LeaseMode.EXCLUSIVE, TTL).expiringAt(expiresAt);
    return insert(REPO, d);
  }

  private static NewEvent expired(Lease l) {
    return LeaseEvents.of(LeaseEvents.EXPIRED, l, Map.of());
  }

  private List<Event> storedEvents() {
    return store.events().after(baseline, 10_000);
  }

  private List<Event> storedEvents(String type) {
    return storedEvents().stream().filter(e -> e.type().equals(type)).toList();
  }

  /**
   * Id, type and lease of each event (stored data comes back from JSON with other number types).
   */
  private static List<String> summaries(List<Event> events) {
    return events.stream().map(e -> e.id() + " " + e.type() + " " + e.data().get("lease")).toList();
  }

  /** What was published is exactly what was stored, in id order. */
  private void assertPublishedAsStored() {
    assertThat(summaries(published)).containsExactlyElementsOf(summaries(storedEvents()));
    assertThat(published).extracting(Event::id).isSorted().doesNotHaveDuplicates();
  }

  private static List<Long> tokens(List<Lease> ls) {
    return ls.stream().map(Lease::fencingToken).toList();
  }

  @Test
  void insertAssignsAnIdAndKeepsEveryFieldOfTheDraft() {
    Lease d = draft("a-1", "src/**", LeaseMode.SHARED, Duration.ofMinutes(3));

    Lease stored = insert(REPO, d);

    assertThat(stored.id()).matches("L[0-9]+");
    assertThat(stored.workspace()).isEqualTo(REPO);
    assertThat(stored.instance()).isEqualTo("a-1");
    assertThat(stored.role()).isEqualTo("developer");
    assertThat(stored.pattern()).isEqualTo(PathPattern.parse("src/**"));
    assertThat(stored.pattern().isGlob()).isTrue();
    assertThat(stored.mode()).isEqualTo(LeaseMode.SHARED);
    assertThat(stored.reason()).isEqualTo("refactor auth");
    assertThat(stored.ttl()).isEqualTo(Duration.ofMinutes(3));
    assertThat(stored.acquiredAt()).isEqualTo(d.acquiredAt());
    assertThat(stored.renewedAt()).isEqualTo(d.renewedAt());
    assertThat(stored.expiresAt()).isEqualTo(d.expiresAt());
    assertThat(leases.find(stored.id())).contains(stored);
  }

  @Test
  void aLiteralPatternWithGlobCharactersIsStoredAsLiteral() {
    Lease d = draft("a-1", "x", LeaseMode.EXCLUSIVE, TTL);
    Lease literal =
        new Lease(
            null,
            REPO,
            "a-1",
            "developer",
            PathPattern.literal("src/[weird]*.py"),
            LeaseMode.EXCLUSIVE,
            null,
            0,
            TTL,
            d.acquiredAt(),
            d.renewedAt(),
            d.expiresAt());

    Lease stored = insert(REPO, literal);

    assertThat(leases.find(stored.id())).contains(stored);
    assertThat(leases.find(stored.id()).orElseThrow().pattern().isGlob()).isFalse();
    assertThat(leases.find(stored.id()).orElseThrow().reason()).isNull();
  }

  @Test
  void idsAreNewForEveryInsertAndFindKnowsOnlyThem() {
    Lease first = insert(REPO, "a-1", "src/a.py");
    Lease second = insert(REPO, "a-1", "src/b.py");

    assertThat(first.id()).isNotEqualTo(second.id());
    assertThat(Long.parseLong(second.id().substring(1)))
        .isGreaterThan(Long.parseLong(first.id().substring(1)));
    assertThat(leases.find("L999999")).isEmpty();
    assertThat(leases.find("nonsense")).isEmpty();
    assertThat(leases.find("L")).isEmpty();
  }

  @Test
  void fencingTokensGrowStrictlyWithEveryInsertInAWorkspace() {
    List<Lease> granted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      granted.add(insert(REPO, i % 2 == 0 ? "a-1" : "b-1", "src/f" + i + ".py"));
    }

    assertThat(tokens(granted)).isSorted().doesNotHaveDuplicates();
    assertThat(tokens(leases.list(REPO.toString(), null)))
        .containsExactlyElementsOf(tokens(granted));
  }

  @Test
  void fencingTokensAreCountedPerWorkspace() {
    List<Lease> repo = new ArrayList<>();
    List<Lease> other = new ArrayList<>();
    repo.add(insert(REPO, "a-1", "src/a.py"));
    repo.add(insert(REPO, "a-1", "src/b.py"));
    other.add(insert(OTHER, "c-1", "src/a.py"));
    repo.add(insert(REPO, "b-1", "src/c.py"));
    other.add(insert(OTHER, "c-1", "src/b.py"));
    repo.add(insert(REPO, "b-1", "src/d.py"));

    // Grants in one workspace do not use up the other's tokens: each counts 1, 2, 3...
    assertThat(tokens(repo)).containsExactly(1L, 2L, 3L, 4L);
    assertThat(tokens(other)).containsExactly(1L, 2L);
    assertThat(other).allSatisfy(l -> assertThat(l.workspace()).isEqualTo(OTHER));
  }

  @Test
  void fencingTokensKeepGrowingAfterEveryLeaseIsDeleted() {
    Lease a = insert(REPO, "a-1", "src/a.py");
    Lease b = insert(REPO, "a-1", "src/b.py");
    leases.inWorkspace(
        REPO,
        tx -> {
          tx.delete(a);
          tx.delete(b);
          return null;
        });
    assertThat(leases.list(REPO.toString(), null)).isEmpty();

    Lease next = insert(REPO, "a-1", "src/a.py");

    assertThat(next.fencingToken()).isGreaterThan(b.fencingToken());
    assertThat(next.id()).isNotIn(a.id(), b.id());
  }

  @Test
  void fencingTokensKeepGrowingAfterLeasesExpireAndTheirInstanceIsDeleted() {
    Lease a = insert(REPO, "a-1", "src/a.py");
    clock.advance(TTL);
    leases.expire(clock.instant(), LeaseStoreContract::expired);
    Lease b = insert(REPO, "b-1", "src/b.py");
    store.instances().delete("b-1", i -> new NewEvent("instance.deregistered", null, i.id(), null));

    Lease c = insert(REPO, "a-1", "src/c.py");

    assertThat(List.of(a, b, c)).extracting(Lease::fencingToken).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void upgradeMakesTheLeaseExclusiveUnderTheWorkspacesNextToken() {
    Lease shared = insert(REPO, draft("a-1", "src/a.py", LeaseMode.SHARED, TTL));
    Lease later = insert(REPO, "b-1", "src/b.py");
    clock.advance(Duration.ofSeconds(30));
    Instant now = clock.instant();

    Lease upgraded =
        leases.inWorkspace(
            REPO, tx -> tx.upgrade(shared.renewedAt(now, Duration.ofMinutes(20)), now));

    assertThat(upgraded.id()).isEqualTo(shared.id());
    assertThat(upgraded.mode()).isEqualTo(LeaseMode.EXCLUSIVE);
    assertThat(upgraded.fencingToken()).isGreaterThan(later.fencingToken());
    assertThat(upgraded.acquiredAt()).isEqualTo(now);
    assertThat(upgraded.renewedAt()).isEqualTo(now);
    assertThat(upgraded.expiresAt()).isEqualTo(now.plus(Duration.ofMinutes(20)));
    assertThat(upgraded.ttl()).isEqualTo(Duration.ofMinutes(20));
    assertThat(leases.find(shared.id())).contains(upgraded);
  }

  @Test
  void renewStoresTheNewTtlAndExpiryAndKeepsTheToken() {
    Lease lease = insert(REPO, "a-1", "src/a.py");
    clock.advance(Duration.ofMinutes(4));
    Lease renewed = lease.renewedAt(clock.instant(), Duration.ofMinutes(30));

    leases.inWorkspace(
        REPO,
        tx -> {
          tx.renew(renewed);
          return null;
        });

    Lease found = leases.find(lease.id()).orElseThrow();
    assertThat(found).isEqualTo(renewed);
    assertThat(found.fencingToken()).isEqualTo(lease.fencingToken());
    assertThat(found.acquiredAt()).isEqualTo(lease.acquiredAt());
    assertThat(found.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(30)));
  }

  @Test
  void deleteRemovesOnlyThatLease() {
    Lease a = insert(REPO, "a-1", "src/a.py");
    Lease b = insert(REPO, "a-1", "src/b.py");

    leases.inWorkspace(
        REPO,
        tx -> {
          tx.delete(a);
          return null;
        });

    assertThat(leases.find(a.id())).isEmpty();
    assertThat(leases.list(null, null)).containsExactly(b);
  }

  @Test
  void listFiltersByWorkspaceAndInstanceAndOrdersById() {
    Lease a1 = insert(REPO, "a-1", "src/a.py");
    Lease c1 = insert(OTHER, "c-1", "src/a.py");
    Lease b1 = insert(REPO, "b-1", "src/b.py");
    Lease a2 = insert(REPO, "a-1", "docs/**");

    assertThat(leases.list(null, null)).containsExactly(a1, c1, b1, a2);
    assertThat(leases.list(REPO.toString(), null)).containsExactly(a1, b1, a2);
    assertThat(leases.list(null, "a-1")).containsExactly(a1, a2);
    assertThat(leases.list(REPO.toString(), "b-1")).containsExactly(b1);
    assertThat(leases.list(OTHER.toString(), "a-1")).isEmpty();
    assertThat(leases.list("/nowhere", null)).isEmpty();
  }

  @Test
  void liveDeletesTheWorkspacesExpiredLeasesAppendsTheirEventsAndReturnsTheRest() {
    Instant now = clock.instant();
    Lease gone = insertExpiringAt("a-1", "src/gone.py", now.minusSeconds(1));
    Lease atTheInstant = insertExpiringAt("a-1", "src/edge.py", now);
    Lease alive = insertExpiringAt("b-1", "src/alive.py", now.plusMillis(1));
    Lease elsewhere =
        insert(
            OTHER,
            draft("c-1", "src/x.py", LeaseMode.EXCLUSIVE, TTL).expiringAt(now.minusSeconds(1)));

    List<Lease> live = leases.inWorkspace(REPO, tx -> tx.live(now, LeaseStoreContract::expired));

    assertThat(live).containsExactly(alive);
    assertThat(leases.find(gone.id())).isEmpty();
    assertThat(leases.find(atTheInstant.id())).isEmpty();
    assertThat(leases.find(elsewhere.id())).as("another workspace's lease").isPresent();
    List<Event> events = storedEvents(LeaseEvents.EXPIRED);
    assertThat(events)
        .extracting(e -> e.data().get("lease"))
        .containsExactlyInAnyOrder(gone.id(), atTheInstant.id());
    assertThat(events).allSatisfy(e -> assertThat(e.workspace()).isEqualTo(REPO.toString()));
    assertThat(events).extracting(Event::instance).containsOnly("a-1");
    assertPublishedAsStored();
  }

  @Test
  void liveWithNothingExpiredAppendsNoEvent() {
    Lease a = insert(REPO, "a-1", "src/a.py");

    List<Lease> live =
        leases.inWorkspace(REPO, tx -> tx.live(clock.instant(), LeaseStoreContract::expired));

    assertThat(live).containsExactly(a);
    assertThat(storedEvents()).isEmpty();
    assertThat(published).isEmpty();
  }

  @Test
  void expireReleasesOverdueLeasesInEveryWorkspaceWithOneEventEachInExpiryOrder() {
    Instant now = clock.instant();
    Lease later = insertExpiringAt("a-1", "src/later.py", now.minusSeconds(1));
    Lease earlier = insertExpiringAt("b-1", "src/earlier.py", now.minusSeconds(5));
    Lease elsewhere =
        insert(
            OTHER,
            draft("c-1", "src/x.py", LeaseMode.EXCLUSIVE, TTL).expiringAt(now.minusSeconds(3)));
    Lease alive = insertExpiringAt("a-1", "src/alive.py", now.plusSeconds(1));

    List<Lease> gone = leases.expire(now, LeaseStoreContract::expired);

    assertThat(gone).containsExactly(earlier, elsewhere, later);
    assertThat(leases.list(null, null)).containsExactly(alive);
    assertThat(storedEvents())
        .extracting(e -> e.data().get("lease"))
        .containsExactly(earlier.id(), elsewhere.id(), later.id());
    assertThat(storedEvents()).extracting(Event::type).containsOnly(LeaseEvents.EXPIRED);
    assertPublishedAsStored();
  }

  @Test
  void expireReleasesLeasesOfTheSameExpiryInLeaseIdOrder() {
    List<Lease> inserted = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      inserted.add(insert(REPO, "a-1", "src/f" + i + ".py"));
    }
    clock.advance(TTL);

    List<Lease> gone = leases.expire(clock.instant(), LeaseStoreContract::expired);

    assertThat(gone).containsExactlyElementsOf(inserted);
    assertThat(published)
        .extracting(e -> e.data().get("lease"))
        .containsExactlyElementsOf(inserted.stream().map(Lease::id).toList());
  }

  @Test
  void expireWithNothingOverdueChangesNothing() {
    Lease a = insert(REPO, "a-1", "src/a.py");

    assertThat(leases.expire(clock.instant(), LeaseStoreContract::expired)).isEmpty();

    assertThat(leases.list(null, null)).containsExactly(a);
    assertThat(published).isEmpty();
  }

  @Test
  void insertForAnUnknownInstanceThrowsAndTheWholeTransactionStoresNothing() {
    long lastEvent = store.events().lastId();

    assertThatThrownBy(
            () ->
                leases.inWorkspace(
                    REPO,
                    tx -> {
                      Lease ok = tx.insert(draft("a-1", "src/a.py", LeaseMode.EXCLUSIVE, TTL));
                      tx.emit(LeaseEvents.of(LeaseEvents.ACQUIRED, ok, Map.of()));
                      return tx.insert(draft("ghost-1", "src/b.py", LeaseMode.EXCLUSIVE, TTL));
                    }))
        .isInstanceOf(InstanceNotFoundException.class)
        .hasMessageStartingWith("instance ghost-1 is not registered");

    assertThat(leases.list(null, null)).isEmpty();
    assertThat(store.events().lastId()).isEqualTo(lastEvent);
    assertThat(published).isEmpty();
    assertThat(insert(REPO, "a-1", "src/a.py").fencingToken())
        .as("the rolled back token is given again: nobody ever saw it")
        .isEqualTo(1L);
  }

  @Test
  void eventsEmittedInAWorkspaceTransactionArePublishedAfterCommitInIdOrder() {
    List<Lease> inserted =
        leases.inWorkspace(
            REPO,
            tx -> {
              List<Lease> out = new ArrayList<>();
              for (String p : List.of("src/a.py", "src/b.py", "src/c.py")) {
                Lease l = tx.insert(draft("a-1", p, LeaseMode.EXCLUSIVE, TTL));
                tx.emit(LeaseEvents.of(LeaseEvents.ACQUIRED, l, Map.of()));
                out.add(l);
              }
              assertThat(published).as("nothing is published before the commit").isEmpty();
              return out;
            });

    assertPublishedAsStored();
    assertThat(published).extracting(Event::id).isSorted().doesNotHaveDuplicates();
    assertThat(published)
        .extracting(e -> e.data().get("lease"))
        .containsExactlyElementsOf(inserted.stream().map(Lease::id).toList());
    assertThat(published.get(0).data())
        .containsEntry("path", "src/a.py")
        .containsEntry("mode", "exclusive")
        .containsEntry("fencingToken", inserted.get(0).fencingToken());
  }

  @Test
  void aFailingWorkspaceTransactionRollsBackItsChangesAndEvents() {
    Lease kept = insert(REPO, "a-1", "src/a.py");
    startRecording();

    assertThatThrownBy(
            () ->
                leases.inWorkspace(
                    REPO,
                    tx -> {
                      tx.delete(kept);
                      tx.emit(LeaseEvents.of(LeaseEvents.RELEASED, kept, Map.of("forced", false)));
                      throw new IllegalStateException("changed my mind");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("changed my mind");

    assertThat(leases.find(kept.id())).contains(kept);
    assertThat(storedEvents(LeaseEvents.RELEASED)).isEmpty();
    assertThat(published).isEmpty();
  }

  @Test
  void deletingAnInstanceReleasesItsLeasesInTheSameTransactionWithReleasedEvents() {
    Lease a1 = insert(REPO, "a-1", "src/a.py");
    Lease b1 = insert(REPO, "b-1", "src/b.py");
    Lease a2 = insert(REPO, draft("a-1", "docs/**", LeaseMode.SHARED, TTL));
    long before = store.events().lastId();

    assertThat(
            store
                .instances()
                .delete("a-1", i -> new NewEvent("instance.deregistered", null, i.id(), null)))
        .isPresent();

    assertThat(leases.list(null, null)).containsExactly(b1);
    List<Event> events = store.events().after(before, 100);
    assertThat(events)
        .extracting(Event::type)
        .containsExactly(LeaseEvents.RELEASED, LeaseEvents.RELEASED, "instance.deregistered");
    assertThat(events.subList(0, 2))
        .extracting(e -> e.data().get("lease"))
        .containsExactly(a1.id(), a2.id());
    assertThat(events.subList(0, 2))
        .allSatisfy(
            e -> {
              assertThat(e.instance()).isEqualTo("a-1");
              assertThat(e.workspace()).isEqualTo(REPO.toString());
              assertThat(e.data())
                  .containsEntry("cause", "instance deregistered")
                  .containsEntry("forced", false);
            });
    assertThat(summaries(published)).containsExactlyElementsOf(summaries(events));
  }

  @Test
  void deletingAnInstanceReleasesItsLeasesInLeaseIdOrder() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      ids.add(insert(REPO, "a-1", "src/f" + i + ".py").id());
    }

    store.instances().delete("a-1", i -> new NewEvent("instance.deregistered", null, i.id(), null));

    assertThat(published)
        .filteredOn(e -> e.type().equals(LeaseEvents.RELEASED))
        .extracting(e -> e.data().get("lease"))
        .containsExactlyElementsOf(ids);
  }

  @Test
  void deletingAnInstanceWithoutLeasesEmitsNoReleasedEvent() {
    insert(REPO, "b-1", "src/b.py");

    store.instances().delete("a-1", i -> new NewEvent("instance.deregistered", null, i.id(), null));

    assertThat(published).extracting(Event::type).containsExactly("instance.deregistered");
    assertThat(leases.list(null, null)).hasSize(1);
  }

  @Test
  void orphaningAnInstanceReleasesItsSharedLeasesAndKeepsItsExclusiveOnesForTheGrace() {
    register("old-1", REPO, clock.instant().minusSeconds(1));
    Lease exclusive = insert(REPO, "old-1", "src/old.py");
    Lease shared = insert(REPO, draft("old-1", "docs/**", LeaseMode.SHARED, TTL));
    Lease keep = insert(REPO, "a-1", "src/a.py");
    startRecording();
    Instant graceEnd = clock.instant().plusSeconds(120);

    List<Instance> gone =
        store
            .instances()
            .orphan(
                null,
                clock.instant(),
                graceEnd,
                i -> new NewEvent("instance.expired", null, i.id(), Map.of()));

    assertThat(gone).extracting(Instance::id).containsExactly("old-1");
    assertThat(leases.list(null, null))
        .extracting(Lease::id)
        .containsExactly(exclusive.id(), keep.id());
    Lease orphaned = leases.find(exclusive.id()).orElseThrow();
    assertThat(orphaned.orphanedAt()).isEqualTo(clock.instant());
    assertThat(orphaned.expiresAt()).isEqualTo(graceEnd);
    assertThat(published)
        .extracting(Event::type)
        .containsExactly(LeaseEvents.RELEASED, LeaseEvents.ORPHANED, "instance.expired");
    assertThat(published.get(0).data())
        .containsEntry("lease", shared.id())
        .containsEntry("cause", "instance expired")
        .containsEntry("forced", false);
    assertPublishedAsStored();
    assertThatThrownBy(() -> insert(REPO, "old-1", "src/new.py"))
        .isInstanceOf(InstanceNotFoundException.class);

    clock.advance(Duration.ofSeconds(30));
    store
        .instances()
        .revive(
            "old-1",
            clock.instant(),
            clock.instant().plusSeconds(30),
            null,
            null,
            i -> new NewEvent("instance.registered", null, i.id(), Map.of()));
    Lease back = leases.find(exclusive.id()).orElseThrow();
    assertThat(back.orphanedAt()).isNull();
    assertThat(back.expiresAt()).isEqualTo(clock.instant().plus(TTL));

    store
        .instances()
        .orphan(
            List.of("old-1"),
            clock.instant(),
            clock.instant().plusSeconds(5),
            i -> new NewEvent("instance.expired", null, i.id(), Map.of()));
    startRecording();
    assertThat(store.instances().endOrphans(clock.instant()))
        .extracting(Instance::id)
        .containsExactly("old-1");
    assertThat(leases.list(null, "old-1")).isEmpty();
    assertThat(published).extracting(Event::type).containsExactly(LeaseEvents.RELEASED);
    assertThat(published.get(0).data()).containsEntry("cause", "orphan grace ended");
  }

  @Test
  void leasesThatFollowALiveAgentAreRenewedWhenHalfTheirTtlIsGone() {
    Instant now = clock.instant();
    Instance agent =
        new Instance(
            "claude-0000bbbb",
            "developer",
            "claude",
            REPO,
            null,
            "main",
            now,
            now,
            now.plusSeconds(30),
            null,
            new AgentProcess("host-a", 99, now.minusSeconds(10)),
            null);
    store
        .instances()
        .insert(agent, new NewEvent("instance.registered", null, agent.id(), Map.of()));
    Lease follows =
        insert(
            REPO, withFlags(draft(agent.id(), "src/f.py", LeaseMode.EXCLUSIVE, TTL), false, true));
    Lease explicit = insert(REPO, draft(agent.id(), "src/e.py", LeaseMode.EXCLUSIVE, TTL));
    Lease provisional =
        insert(
            REPO, withFlags(draft(agent.id(), "src/p.py", LeaseMode.EXCLUSIVE, TTL), true, false));
    Lease noAgent =
        insert(REPO, withFlags(draft("a-1", "src/a.py", LeaseMode.EXCLUSIVE, TTL), false, true));
    assertThat(follows.follows()).isTrue();
    assertThat(provisional.provisional()).isTrue();

    clock.advance(Duration.ofMinutes(4));
    assertThat(leases.renewFollowing(clock.instant()))
        .as("more than half the TTL is left")
        .isZero();
    clock.advance(Duration.ofMinutes(2));
    assertThat(leases.renewFollowing(clock.instant())).isEqualTo(1);

    assertThat(leases.find(follows.id()).orElseThrow().expiresAt())
        .isEqualTo(clock.instant().plus(TTL));
    assertThat(leases.find(explicit.id()).orElseThrow().expiresAt())
        .isEqualTo(explicit.expiresAt());
    assertThat(leases.find(provisional.id()).orElseThrow().expiresAt())
        .isEqualTo(provisional.expiresAt());
    assertThat(leases.find(noAgent.id()).orElseThrow().expiresAt()).isEqualTo(noAgent.expiresAt());
  }

  @Test
  void leasesThatLapsedWhileTheBrokerWasDownLastTheRestartGrace() {
    Instant down = clock.instant();
    Lease before = insertExpiringAt("a-1", "src/before.py", down.minusSeconds(5));
    Lease during = insertExpiringAt("a-1", "src/during.py", down.plusSeconds(20));
    Lease later = insertExpiringAt("a-1", "src/later.py", down.plusSeconds(600));
    clock.advance(Duration.ofSeconds(60));
    Instant until = clock.instant().plusSeconds(30);

    assertThat(leases.extendLapsed(down, until)).isEqualTo(1);

    assertThat(leases.find(before.id()).orElseThrow().expiresAt()).isEqualTo(before.expiresAt());
    assertThat(leases.find(during.id()).orElseThrow().expiresAt()).isEqualTo(until);
    assertThat(leases.find(later.id()).orElseThrow().expiresAt()).isEqualTo(later.expiresAt());
  }

  private static Lease withFlags(Lease l, boolean provisional, boolean follows) {
    return new Lease(
        l.id(),
        l.workspace(),
        l.instance(),
        l.role(),
        l.pattern(),
        l.mode(),
        l.reason(),
        l.fencingToken(),
        l.ttl(),
        l.acquiredAt(),
        l.renewedAt(),
        l.expiresAt(),
        provisional,
        follows,
        null);
  }

  @Test
  void concurrentGrantsInOneWorkspaceGetDistinctTokensThatGrowInCommitOrder() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<List<Long>>> results = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  List<Long> mine = new ArrayList<>();
                  for (int n = 0; n < 15; n++) {
                    String path = "src/t" + thread + "/" + n + ".py";
                    Lease l =
                        leases.inWorkspace(
                            REPO,
                            tx -> {
                              Lease x =
                                  tx.insert(
                                      draft(
                                          thread % 2 == 0 ? "a-1" : "b-1",
                                          path,
                                          LeaseMode.EXCLUSIVE,
                                          TTL));
                              tx.emit(LeaseEvents.of(LeaseEvents.ACQUIRED, x, Map.of()));
                              return x;
                            });
                    mine.add(l.fencingToken());
                  }
                  return mine;
                }));
      }
      List<Long> all = new ArrayList<>();
      for (Future<List<Long>> r : results) {
        List<Long> mine = r.get(60, TimeUnit.SECONDS);
        assertThat(mine).as("one thread's grants").isSorted().doesNotHaveDuplicates();
        all.addAll(mine);
      }

      assertThat(all).hasSize(90).doesNotHaveDuplicates();
      assertThat(published).extracting(Event::id).isSorted().doesNotHaveDuplicates();
      assertThat(published)
          .extracting(e -> ((Number) e.data().get("fencingToken")).longValue())
          .as("tokens in commit order")
          .isSorted()
          .doesNotHaveDuplicates();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anInstanceDeletedWhileLeasesAreInsertedForItLeavesNoLeaseBehind() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 25; round++) {
        String id = "race-" + round;
        register(id, REPO);
        CountDownLatch go = new CountDownLatch(1);
        Future<Integer> inserter =
            pool.submit(
                () -> {
                  go.await();
                  int inserted = 0;
                  for (int n = 0; n < 40; n++) {
                    try {
                      insert(REPO, id, "src/" + n + ".py");
                      inserted++;
                    } catch (InstanceNotFoundException e) {
                      return inserted;
                    }
                  }
                  return inserted;
                });
        Future<Boolean> deleter =
            pool.submit(
                () -> {
                  go.await();
                  return store
                      .instances()
                      .delete(id, i -> new NewEvent("instance.deregistered", null, i.id(), null))
                      .isPresent();
                });
        go.countDown();

        assertThat(deleter.get(60, TimeUnit.SECONDS)).as("round %d: deleted", round).isTrue();
        inserter.get(60, TimeUnit.SECONDS);
        assertThat(leases.list(null, id)).as("round %d: leases left behind", round).isEmpty();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
