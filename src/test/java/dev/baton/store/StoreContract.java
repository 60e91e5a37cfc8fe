package dev.baton.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.events.Event;
import dev.baton.events.NewEvent;
import dev.baton.registry.AgentProcess;
import dev.baton.registry.Instance;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every store backend must do; subclassed once per backend. */
public abstract class StoreContract {
  protected final MutableClock clock = MutableClock.at("2026-11-21T10:00:00Z");
  protected final List<Event> published = Collections.synchronizedList(new ArrayList<>());
  protected Store store;

  /** A fresh, empty store's configuration. */
  protected abstract StoreConfig storeConfig();

  @BeforeEach
  void open() {
    store = openStore(storeConfig());
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  protected Store openStore(StoreConfig config) {
    return SqlStore.open(config, clock, published::addAll, new PrometheusRegistry());
  }

  protected Instance instance(String id, String role, String workspace, Instant expiresAt) {
    Instant now = clock.instant();
    return new Instance(id, role, "claude", Path.of(workspace), null, "main", now, now, expiresAt);
  }

  private static NewEvent registered(Instance i) {
    return new NewEvent(
        "instance.registered", i.workspace().toString(), i.id(), Map.of("role", i.role()));
  }

  @Test
  void insertedInstanceIsFoundWithEveryField() {
    Instant now = clock.instant();
    Instance original =
        new Instance(
            "claude-1a2b3c4d",
            "developer",
            "claude",
            Path.of("/repo"),
            Path.of("/repo-wt"),
            "instance/x",
            now,
            now,
            now.plusSeconds(30));

    assertThat(store.instances().insert(original, registered(original))).isTrue();

    assertThat(store.instances().find("claude-1a2b3c4d")).contains(original);
  }

  @Test
  void insertRefusesADuplicateIdKeepsTheFirstAndAppendsNoEvent() {
    Instance first = instance("a-1", "developer", "/repo", clock.instant().plusSeconds(30));
    Instance second = instance("a-1", "research", "/other", clock.instant().plusSeconds(30));
    store.instances().insert(first, registered(first));

    assertThat(store.instances().insert(second, registered(second))).isFalse();

    assertThat(store.instances().find("a-1")).contains(first);
    assertThat(store.events().after(0, 100)).hasSize(1);
    assertThat(published).hasSize(1);
  }

  @Test
  void insertAppendsItsEventAndPublishesItAfterCommit() {
    Instance i = instance("a-1", "developer", "/repo", clock.instant().plusSeconds(30));

    store.instances().insert(i, registered(i));

    List<Event> stored = store.events().after(0, 100);
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).type()).isEqualTo("instance.registered");
    assertThat(stored.get(0).instance()).isEqualTo("a-1");
    assertThat(stored.get(0).workspace()).isEqualTo("/repo");
    assertThat(stored.get(0).at()).isEqualTo(clock.instant());
    assertThat(published).containsExactlyElementsOf(stored);
  }

  @Test
  void touchMovesHeartbeatAndExpiryOfALiveInstanceOnly() {
    Instance i = instance("a-1", "developer", "/repo", clock.instant().plusSeconds(30));
    store.instances().insert(i, registered(i));
    Instant later = clock.instant().plusSeconds(20);

    Instance touched = store.instances().touch("a-1", later, later.plusSeconds(30)).orElseThrow();

    assertThat(touched.lastHeartbeat()).isEqualTo(later);
    assertThat(touched.expiresAt()).isEqualTo(later.plusSeconds(30));
    assertThat(touched.createdAt()).isEqualTo(i.createdAt());
    assertThat(store.instances().touch("nobody", later, later)).isEmpty();
  }

  @Test
  void listFiltersByWorkspaceAndRoleAndOrdersById() {
    for (String[] row :
        new String[][] {
          {"c", "developer", "/a"}, {"a", "research", "/a"}, {"b", "developer", "/b"}
        }) {
      Instance i = instance(row[0], row[1], row[2], clock.instant().plusSeconds(30));
      store.instances().insert(i, registered(i));
    }

    assertThat(store.instances().list(null, null))
        .extracting(Instance::id)
        .containsExactly("a", "b", "c");
    assertThat(store.instances().list("/a", null))
        .extracting(Instance::id)
        .containsExactly("a", "c");
    assertThat(store.instances().list(null, "developer"))
        .extracting(Instance::id)
        .containsExactly("b", "c");
    assertThat(store.instances().list("/a", "developer"))
        .extracting(Instance::id)
        .containsExactly("c");
    assertThat(store.instances().list("/nowhere", null)).isEmpty();
  }

  @Test
  void deleteReturnsTheInstanceAndAppendsItsEvent() {
    Instance i = instance("a-1", "developer", "/repo", clock.instant().plusSeconds(30));
    store.instances().insert(i, registered(i));

    assertThat(
            store
                .instances()
                .delete("a-1", x -> new NewEvent("instance.deregistered", null, x.id(), Map.of())))
        .contains(i);

    assertThat(store.instances().find("a-1")).isEmpty();
    assertThat(store.events().after(0, 100))
        .extracting(Event::type)
        .containsExactly("instance.registered", "instance.deregistered");
  }

  @Test
  void changeRoleStoresTheNewRoleAndAppendsItsEventButNotForAnUnknownId() {
    Instance i = instance("a-2", "developer", "/repo", clock.instant().plusSeconds(30));
    store.instances().insert(i, registered(i));

    Instance changed =
        store
            .instances()
            .changeRole(
                "a-2",
                "reviewer",
                x -> new NewEvent("instance.role_changed", null, x.id(), Map.of()))
            .orElseThrow();

    assertThat(changed.role()).isEqualTo("reviewer");
    assertThat(store.instances().find("a-2")).map(Instance::role).contains("reviewer");
    assertThat(store.instances().countByRole()).containsEntry("reviewer", 1L);
    long before = store.events().lastId();
    assertThat(
            store
                .instances()
                .changeRole(
                    "nobody",
                    "ops",
                    x -> new NewEvent("instance.role_changed", null, x.id(), Map.of())))
        .isEmpty();
    assertThat(store.events().lastId()).isEqualTo(before);
    assertThat(store.events().after(0, 100))
        .extracting(Event::type)
        .containsExactly("instance.registered", "instance.role_changed");
  }

  @Test
  void deleteOfAnUnknownIdChangesNothing() {
    long before = store.events().lastId();

    assertThat(
            store
                .instances()
                .delete(
                    "nobody", x -> new NewEvent("instance.deregistered", null, x.id(), Map.of())))
        .isEmpty();

    assertThat(store.events().lastId()).isEqualTo(before);
  }

  @Test
  void orphaningOverdueInstancesHidesOnlyThemWithOneEventEach() {
    Instant now = clock.instant();
    for (String[] row : new String[][] {{"old-1", "-5"}, {"old-2", "-1"}, {"live", "10"}}) {
      Instance i = instance(row[0], "developer", "/repo", now.plusSeconds(Long.parseLong(row[1])));
      store.instances().insert(i, registered(i));
    }

    List<Instance> gone =
        store
            .instances()
            .orphan(
                null,
                now,
                now.plusSeconds(600),
                x -> new NewEvent("instance.expired", null, x.id(), Map.of()));

    assertThat(gone).extracting(Instance::id).containsExactly("old-1", "old-2");
    assertThat(gone).allSatisfy(i -> assertThat(i.orphanedAt()).isEqualTo(now));
    assertThat(store.instances().list(null, null)).extracting(Instance::id).containsExactly("live");
    assertThat(store.instances().find("old-1")).isEmpty();
    assertThat(store.instances().findAny("old-1"))
        .get()
        .extracting(Instance::orphaned)
        .isEqualTo(true);
    assertThat(store.instances().countByRole()).isEqualTo(Map.of("developer", 1L));
    assertThat(store.instances().touch("old-1", now, now.plusSeconds(30))).isEmpty();
    assertThat(store.events().after(0, 100))
        .filteredOn(e -> e.type().equals("instance.expired"))
        .extracting(Event::instance)
        .containsExactly("old-1", "old-2");
  }

  @Test
  void anOrphanComesBackForItsSessionAndIsRemovedWhenItsGraceEnds() {
    Instant now = clock.instant();
    AgentProcess first = new AgentProcess("host-a", 4242, now.minusSeconds(60));
    AgentProcess second = new AgentProcess("host-a", 5151, now.minusSeconds(1));
    Instance i =
        new Instance(
            "claude-0000aaaa",
            "developer",
            "claude",
            Path.of("/repo"),
            null,
            "main",
            now,
            now,
            now.plusSeconds(30),
            "0000aaaa-session",
            first,
            null);
    store.instances().insert(i, registered(i));
    Instance b = instance("other-1", "developer", "/repo", now.plusSeconds(30));
    store.instances().insert(b, registered(b));
    assertThat(store.instances().findByAgent("host-a", 4242)).get().isEqualTo(i);
    assertThat(store.instances().withAgentsOn("host-a")).containsExactly(i);
    assertThat(store.instances().withAgentsOn("host-b")).isEmpty();

    store
        .instances()
        .orphan(
            List.of("claude-0000aaaa"),
            now,
            now.plusSeconds(600),
            x -> new NewEvent("instance.expired", null, x.id(), Map.of()));
    assertThat(store.instances().findByAgent("host-a", 4242)).isEmpty();
    assertThat(store.instances().revive("other-1", now, now, null, second, x -> null)).isEmpty();

    Instant later = now.plusSeconds(90);
    Instance back =
        store
            .instances()
            .revive(
                "claude-0000aaaa",
                later,
                later.plusSeconds(30),
                null,
                second,
                x -> new NewEvent("instance.registered", null, x.id(), Map.of("resumed", true)))
            .orElseThrow();
    assertThat(back.orphaned()).isFalse();
    assertThat(back.agent()).isEqualTo(second);
    assertThat(back.session()).isEqualTo("0000aaaa-session");
    assertThat(back.expiresAt()).isEqualTo(later.plusSeconds(30));
    assertThat(store.instances().find("claude-0000aaaa")).contains(back);

    store
        .instances()
        .orphan(
            List.of("claude-0000aaaa"),
            later,
            later.plusSeconds(600),
            x -> new NewEvent("instance.expired", null, x.id(), Map.of()));
    assertThat(store.instances().endOrphans(later.minusSeconds(1))).isEmpty();
    assertThat(store.instances().endOrphans(later))
        .extracting(Instance::id)
        .containsExactly("claude-0000aaaa");
    assertThat(store.instances().findAny("claude-0000aaaa")).isEmpty();
    assertThat(store.instances().list(null, null))
        .extracting(Instance::id)
        .containsExactly("other-1");
  }

  @Test
  void attachRecordsTheSessionAndProcessAndExtendMovesOnlyTheExpiry() {
    Instant now = clock.instant();
    Instance i = instance("cli-1", "developer", "/repo", now.plusSeconds(30));
    store.instances().insert(i, registered(i));
    AgentProcess agent = new AgentProcess("host-a", 77, now.minusSeconds(5));

    Instance attached = store.instances().attach("cli-1", "s-1", agent).orElseThrow();
    assertThat(attached.session()).isEqualTo("s-1");
    assertThat(attached.agent()).isEqualTo(agent);
    assertThat(store.instances().attach("cli-1", null, null).orElseThrow()).isEqualTo(attached);
    assertThat(store.instances().attach("nobody", "s", agent)).isEmpty();

    store.instances().extend(List.of("cli-1", "nobody"), now.plusSeconds(300));
    Instance extended = store.instances().find("cli-1").orElseThrow();
    assertThat(extended.expiresAt()).isEqualTo(now.plusSeconds(300));
    assertThat(extended.lastHeartbeat()).isEqualTo(i.lastHeartbeat());
    store.instances().extend(List.of("cli-1"), now.plusSeconds(100)); // never shortens
    assertThat(store.instances().find("cli-1").orElseThrow().expiresAt())
        .isEqualTo(now.plusSeconds(300));
  }

  @Test
  void countByRoleCountsLiveInstances() {
    for (String[] row : new String[][] {{"a", "developer"}, {"b", "developer"}, {"c", "ops"}}) {
      Instance i = instance(row[0], row[1], "/repo", clock.instant().plusSeconds(30));
      store.instances().insert(i, registered(i));
    }

    assertThat(store.instances().countByRole()).isEqualTo(Map.of("developer", 2L, "ops", 1L));
  }

  @Test
  void eventDataKeepsStringsNumbersBooleansListsAndMaps() {
    Map<String, Object> data =
        Map.of("s", "x", "n", 42, "b", true, "list", List.of("a", "b"), "map", Map.of("k", "v"));

    Event e = store.events().append(new NewEvent("test.data", "/repo", null, data));

    assertThat(store.events().after(e.id() - 1, 1).get(0).data()).isEqualTo(data);
  }

  @Test
  void afterPagesThroughEventsInIdOrder() {
    for (int i = 0; i < 7; i++) {
      store.events().append(new NewEvent("test.n", null, null, Map.of("n", i)));
    }

    List<Event> first = store.events().after(0, 3);
    List<Event> second = store.events().after(first.get(2).id(), 3);
    List<Event> third = store.events().after(second.get(2).id(), 3);

    assertThat(first).extracting(e -> e.data().get("n")).containsExactly(0, 1, 2);
    assertThat(second).extracting(e -> e.data().get("n")).containsExactly(3, 4, 5);
    assertThat(third).extracting(e -> e.data().get("n")).containsExactly(6);
    assertThat(store.events().lastId()).isEqualTo(third.get(0).id());
  }

  @Test
  void eventIdsKeepGrowingAfterEveryEventIsPruned() {
    Event first = store.events().append(new NewEvent("test.old", null, null, Map.of()));
    clock.advance(Duration.ofDays(8));

    assertThat(store.events().pruneBefore(clock.instant().minus(Duration.ofDays(7)))).isEqualTo(1);
    Event next = store.events().append(new NewEvent("test.new", null, null, Map.of()));

    assertThat(next.id()).isGreaterThan(first.id());
    assertThat(store.events().after(0, 10)).extracting(Event::type).containsExactly("test.new");
  }

  @Test
  void concurrentWritersAllCommitAndEventsArePublishedInIdOrder() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Boolean>> results = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      results.add(
          pool.submit(
              () -> {
                for (int n = 0; n < 25; n++) {
                  Instance i =
                      instance(
                          "t" + thread + "-" + n,
                          "developer",
                          "/repo",
                          clock.instant().plusSeconds(30));
                  if (!store.instances().insert(i, registered(i))) {
                    return false;
                  }
                }
                return true;
              }));
    }
    for (Future<Boolean> r : results) {
      assertThat(r.get(60, TimeUnit.SECONDS)).isTrue();
    }
    pool.shutdown();

    assertThat(store.instances().list(null, null)).hasSize(200);
    List<Long> ids = published.stream().map(Event::id).toList();
    assertThat(ids).hasSize(200).isSorted().doesNotHaveDuplicates();
    assertThat(store.events().after(0, 1000)).extracting(Event::id).containsExactlyElementsOf(ids);
  }

  @Test
  void dataSurvivesClosingAndReopening() {
    Instance i = instance("a-1", "developer", "/repo", clock.instant().plusSeconds(30));
    store.instances().insert(i, registered(i));
    StoreConfig config = reopenConfig();
    store.close();
    store = null;

    store = openStore(config);

    assertThat(store.instances().find("a-1")).contains(i);
    assertThat(store.events().lastId()).isEqualTo(1);
  }

  /** The configuration that reopens the same database as the current store. */
  protected abstract StoreConfig reopenConfig();

  @Test
  void reportsItsKindAndIsReachable() {
    assertThat(store.kind()).isEqualTo(storeConfig().kind());
    assertThat(store.isReachable()).isTrue();
  }
}
