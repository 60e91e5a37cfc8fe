package dev.baton.leases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.core.ErrorCode;
import dev.baton.core.InvalidInputException;
import dev.baton.events.Event;
import dev.baton.events.internal.DefaultEventService;
import dev.baton.events.internal.EventBus;
import dev.baton.leases.internal.DefaultLeaseService;
import dev.baton.registry.AgentProcess;
import dev.baton.registry.InstanceNotFoundException;
import dev.baton.registry.InstanceService;
import dev.baton.registry.RegisterRequest;
import dev.baton.registry.RegistryConfig;
import dev.baton.registry.internal.DefaultInstanceService;
import dev.baton.registry.internal.LocalProcesses;
import dev.baton.server.GitPathResolver;
import dev.baton.server.GitWorkspaceResolver;
import dev.baton.store.Store;
import dev.baton.store.StoreConfig;
import dev.baton.store.internal.SqlStore;
import dev.baton.testing.GitRepos;
import dev.baton.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease service on a real SQLite store, real git repositories, the real event bus (so that
 * waiting works) and a clock the test moves.
 */
class LeaseServiceTest {
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
  private static final Duration LONG_WAIT = Duration.ofSeconds(60);
  private static final Duration AWAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.at("2026-11-21T10:00:00Z");
  private final Instant t0 = clock.instant();
  private Store store;
  private EventBus bus;
  private InstanceService instances;
  private final LocalProcesses processes = new LocalProcesses();
  private final List<Process> started = new java.util.ArrayList<>();
  private DefaultLeaseService leases;
  private Path repo;

  @BeforeEach
  void setUp() {
    bus = new EventBus();
    store =
        SqlStore.open(
            StoreConfig.sqlite(dir.resolve("baton.db"), 2),
            clock,
            bus::publish,
            new PrometheusRegistry());
    instances =
        new DefaultInstanceService(
            store.instances(),
            new GitWorkspaceResolver(),
            new RegistryConfig(
                Duration.ofSeconds(30),
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                RegistryConfig.BUILT_IN_ROLES),
            clock,
            processes);
    leases =
        new DefaultLeaseService(
            store.leases(),
            instances,
            new GitWorkspaceResolver(),
            new GitPathResolver(),
            LeaseConfig.defaults(),
            clock,
            new DefaultEventService(store.events(), bus));
    repo = GitRepos.create(dir.resolve("repo"));
    register("dev-1", "developer", repo);
    register("res-1", "research", repo);
    register("rev-1", "reviewer", repo);
  }

  @AfterEach
  void tearDown() {
    started.forEach(Process::destroyForcibly);
    if (leases != null) {
      leases.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private void register(String id, String role, Path directory) {
    instances.register(new RegisterRequest(role, directory.toString(), id, "claude"));
  }

  // --- requests ---------------------------------------------------------------------------------

  private static AcquireRequest exclusive(String instance, String... paths) {
    return request(instance, LeaseMode.EXCLUSIVE, null, null, null, paths);
  }

  private static AcquireRequest provisional(String instance, String path) {
    return new AcquireRequest(
        instance, List.of(path), true, LeaseMode.EXCLUSIVE, null, null, "editing with Edit", true);
  }

  private LeaseConflictException conflictOf(AcquireRequest request) {
    try {
      leases.acquire(request).get(AWAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof LeaseConflictException c) {
        return c;
      }
      throw new AssertionError("expected a lease conflict", e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a lease conflict, but it was granted");
  }

  private static AcquireRequest shared(String instance, String... paths) {
    return request(instance, LeaseMode.SHARED, null, null, null, paths);
  }

  private static AcquireRequest waiting(String instance, Duration wait, String... paths) {
    return request(instance, LeaseMode.EXCLUSIVE, null, wait, null, paths);
  }

  private static AcquireRequest request(
      String instance,
      LeaseMode mode,
      Duration ttl,
      Duration wait,
      String reason,
      String... paths) {
    return new AcquireRequest(instance, Arrays.asList(paths), false, mode, ttl, wait, reason);
  }

  /** The granted leases; fails the test when the request is refused. */
  private List<Lease> grant(AcquireRequest request) {
    return result(leases.acquire(request));
  }

  private Lease grantOne(AcquireRequest request) {
    List<Lease> granted = grant(request);
    assertThat(granted).hasSize(1);
    return granted.get(0);
  }

  private static List<Lease> result(CompletableFuture<List<Lease>> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("expected a grant, got " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError("no answer: " + e, e);
    }
  }

  /** Why the request was refused; fails the test when it is granted. */
  private Throwable refusal(AcquireRequest request) {
    return failure(leases.acquire(request));
  }

  private static Throwable failure(CompletableFuture<List<Lease>> future) {
    try {
      List<Lease> granted = future.get(30, TimeUnit.SECONDS);
      throw new AssertionError("expected a refusal, got " + granted);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("no answer: " + e, e);
    }
  }

  private LeaseConflictException conflict(AcquireRequest request) {
    Throwable t = refusal(request);
    assertThat(t).isInstanceOf(LeaseConflictException.class);
    return (LeaseConflictException) t;
  }

  private List<Lease> held(String instance) {
    return leases.list(null, instance);
  }

  private List<Event> events(String type) {
    return store.events().after(0, 10_000).stream().filter(e -> e.type().equals(type)).toList();
  }

  private static String at(Instant t) {
    return CLOCK.format(t);
  }

  // --- grant and conflict rules -----------------------------------------------------------------

  @Test
  void aGrantCarriesIdTokenExpiryAndIsAnnounced() {
    Lease lease =
        grantOne(
            request(
                "dev-1",
                LeaseMode.EXCLUSIVE,
                Duration.ofMinutes(3),
                null,
                "refactor auth",
                "src/app.py"));

    assertThat(lease.id()).matches("L[0-9]+");
    assertThat(lease.workspace()).isEqualTo(repo);
    assertThat(lease.instance()).isEqualTo("dev-1");
    assertThat(lease.role()).isEqualTo("developer");
    assertThat(lease.pattern().text()).isEqualTo("src/app.py");
    assertThat(lease.mode()).isEqualTo(LeaseMode.EXCLUSIVE);
    assertThat(lease.reason()).isEqualTo("refactor auth");
    assertThat(lease.fencingToken()).isPositive();
    assertThat(lease.acquiredAt()).isEqualTo(t0);
    assertThat(lease.expiresAt()).isEqualTo(t0.plus(Duration.ofMinutes(3)));
    assertThat(leases.get(lease.id())).isEqualTo(lease);
    assertThat(events(LeaseEvents.ACQUIRED))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.instance()).isEqualTo("dev-1");
              assertThat(e.workspace()).isEqualTo(repo.toString());
              assertThat(e.data()).containsEntry("lease", lease.id());
            });
  }

  @Test
  void withoutATtlALeaseLastsTheDefaultTenMinutes() {
    Lease lease = grantOne(exclusive("dev-1", "src/app.py"));

    assertThat(lease.ttl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(lease.expiresAt()).isEqualTo(t0.plus(Duration.ofMinutes(10)));
  }

  @Test
  void acquireFailsWhileAnotherInstanceHoldsTheFileExclusively() {
    grantOne(exclusive("dev-1", "src/app.py"));

    assertThat(refusal(exclusive("res-1", "src/app.py")))
        .isInstanceOf(LeaseConflictException.class);
    assertThat(refusal(shared("res-1", "src/app.py"))).isInstanceOf(LeaseConflictException.class);
    assertThat(held("res-1")).isEmpty();
  }

  @Test
  void sharedLeasesOfSeveralInstancesCoexistButKeepExclusiveOnesOut() {
    grantOne(shared("dev-1", "src/app.py"));
    grantOne(shared("res-1", "src/app.py"));

    assertThat(refusal(exclusive("rev-1", "src/app.py")))
        .isInstanceOf(LeaseConflictException.class);
    assertThat(leases.list(repo.toString(), null)).hasSize(2);
  }

  @Test
  void leasesOnDifferentFilesDoNotConflict() {
    grantOne(exclusive("dev-1", "src/app.py"));

    assertThat(grant(exclusive("res-1", "src/other.py"))).hasSize(1);
    assertThat(grant(exclusive("rev-1", "src/app.pyc", "src/app"))).hasSize(2);
  }

  @Test
  void anInstanceNeverConflictsWithItself() {
    grantOne(exclusive("dev-1", "src/app.py"));

    grantOne(shared("dev-1", "src/**"));
    grantOne(exclusive("dev-1", "**"));

    assertThat(held("dev-1")).hasSize(3);
  }

  @Test
  void aGlobConflictsWithAPathItCoversAndTheOtherWayRound() {
    grantOne(exclusive("dev-1", "src/**"));
    grantOne(exclusive("res-1", "docs/guide.md"));

    assertThat(conflict(exclusive("rev-1", "src/auth/login.py")).holders())
        .singleElement()
        .satisfies(h -> assertThat(h.lease().pattern().text()).isEqualTo("src/**"));
    assertThat(conflict(exclusive("rev-1", "**/*.md")).holders())
        .as("src/x.md and docs/guide.md")
        .extracting(h -> h.lease().instance())
        .containsExactlyInAnyOrder("dev-1", "res-1");
    assertThat(conflict(shared("rev-1", "src")).holders()).hasSize(1);
    assertThat(grant(exclusive("rev-1", "*.md", "test/**"))).hasSize(2);
  }

  @Test
  void aDirectoryLeaseCoversEverythingBeneathIt() {
    grantOne(exclusive("dev-1", "src/auth"));

    assertThat(refusal(exclusive("res-1", "src/auth/login.py")))
        .isInstanceOf(LeaseConflictException.class);
    assertThat(refusal(exclusive("res-1", "src"))).isInstanceOf(LeaseConflictException.class);
    assertThat(grant(exclusive("res-1", "src/authz.py"))).hasSize(1);
  }

  @Test
  void severalPathsAreGrantedAllOrNothing() {
    Lease mine = grantOne(request("dev-1", LeaseMode.EXCLUSIVE, null, null, null, "src/app.py"));
    grantOne(exclusive("res-1", "README.md"));
    clock.advance(Duration.ofMinutes(1));

    LeaseConflictException e =
        conflict(exclusive("dev-1", "src/app.py", "docs/new.md", "README.md"));

    assertThat(e.getMessage())
        .startsWith("lease on src/app.py, docs/new.md, README.md not granted:");
    assertThat(e.holders()).extracting(Holder::requested).containsExactly("README.md");
    assertThat(held("dev-1"))
        .as("nothing new, and the own lease not renewed")
        .containsExactly(mine);
    assertThat(events(LeaseEvents.ACQUIRED)).hasSize(2);
  }

  @Test
  void severalFreePathsAreGrantedTogetherWithIncreasingTokens() {
    List<Lease> granted = grant(exclusive("dev-1", "src/a.py", "src/b.py", "docs/**"));

    assertThat(granted)
        .extracting(l -> l.pattern().text())
        .containsExactly("src/a.py", "src/b.py", "docs/**");
    assertThat(granted).extracting(Lease::fencingToken).isSorted().doesNotHaveDuplicates();
  }

  // --- the conflict answer ----------------------------------------------------------------------

  @Test
  void theConflictAnswerNamesHolderRoleReasonSinceAndExpiresIn() {
    Lease held =
        grantOne(request("dev-1", LeaseMode.EXCLUSIVE, null, null, "refactor auth", "src/app.py"));
    clock.advance(Duration.ofSeconds(88));

    LeaseConflictException e = conflict(exclusive("res-1", "src/app.py"));

    assertThat(e)
        .hasMessage(
            "lease on src/app.py not granted: src/app.py held exclusively by dev-1 (developer,"
                + " 'refactor auth') since "
                + at(t0)
                + ", expires in 512 s");
    assertThat(e.code()).isEqualTo(ErrorCode.LEASE_CONFLICT);
    assertThat(e.waitingAhead()).isEmpty();
    Holder h = e.holders().get(0);
    assertThat(e.holders()).hasSize(1);
    assertThat(h.lease()).isEqualTo(held);
    assertThat(h.requested()).isEqualTo("src/app.py");
    assertThat(h.expiresIn()).isEqualTo(Duration.ofSeconds(512));
    assertThat(e.details()).containsEntry("requested", "src/app.py");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> holders = (List<Map<String, Object>>) e.details().get("holders");
    assertThat(holders)
        .singleElement()
        .satisfies(
            m ->
                assertThat(m)
                    .containsEntry("lease", held.id())
                    .containsEntry("instance", "dev-1")
                    .containsEntry("role", "developer")
                    .containsEntry("path", "src/app.py")
                    .containsEntry("mode", "exclusive")
                    .containsEntry("reason", "refactor auth")
                    .containsEntry("since", t0.toString())
                    .containsEntry("expiresInMs", 512_000L));
  }

  @Test
  void theConflictAnswerNamesEveryHolderAndTheGlobThatCoversThePath() {
    grantOne(shared("dev-1", "src/**"));
    grantOne(shared("res-1", "src/app.py"));
    clock.advance(Duration.ofSeconds(1));

    LeaseConflictException e = conflict(exclusive("rev-1", "src/app.py"));

    assertThat(e)
        .hasMessage(
            "lease on src/app.py not granted: src/** held shared by dev-1 (developer) since "
                + at(t0)
                + ", expires in 599 s; src/app.py held shared by res-1 (research) since "
                + at(t0)
                + ", expires in 599 s");
    assertThat(e.holders())
        .extracting(h -> h.lease().instance(), h -> h.lease().mode())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("dev-1", LeaseMode.SHARED),
            org.assertj.core.groups.Tuple.tuple("res-1", LeaseMode.SHARED));
  }

  // --- renewal and upgrade ----------------------------------------------------------------------

  @Test
  void reacquiringAnOwnLeaseRenewsItUnderTheSameIdAndToken() {
    Duration ttl = Duration.ofMinutes(2);
    Lease first = grantOne(request("dev-1", LeaseMode.EXCLUSIVE, ttl, null, null, "src/app.py"));
    clock.advance(Duration.ofMinutes(1));

    Lease again = grantOne(request("dev-1", LeaseMode.EXCLUSIVE, ttl, null, null, "src/app.py"));

    assertThat(again.id()).isEqualTo(first.id());
    assertThat(again.fencingToken()).isEqualTo(first.fencingToken());
    assertThat(again.expiresAt()).isEqualTo(clock.instant().plus(ttl));
    assertThat(leases.get(first.id()).expiresAt()).isEqualTo(clock.instant().plus(ttl));
    assertThat(held("dev-1")).hasSize(1);
    assertThat(events(LeaseEvents.ACQUIRED)).hasSize(1);
  }

  @Test
  void reacquiringSharedAsExclusiveUpgradesWithALargerToken() {
    Lease sharedLease = grantOne(shared("dev-1", "src/app.py"));
    Lease other = grantOne(exclusive("res-1", "docs/**"));
    clock.advance(Duration.ofSeconds(5));

    Lease upgraded = grantOne(exclusive("dev-1", "src/app.py"));

    assertThat(upgraded.id()).isEqualTo(sharedLease.id());
    assertThat(upgraded.mode()).isEqualTo(LeaseMode.EXCLUSIVE);
    assertThat(upgraded.fencingToken()).isGreaterThan(other.fencingToken());
    assertThat(upgraded.acquiredAt()).isEqualTo(clock.instant());
    assertThat(leases.get(sharedLease.id()).mode()).isEqualTo(LeaseMode.EXCLUSIVE);
    assertThat(events(LeaseEvents.ACQUIRED))
        .last()
        .satisfies(e -> assertThat(e.data()).containsEntry("upgraded", true));
    assertThat(refusal(shared("rev-1", "src/app.py"))).isInstanceOf(LeaseConflictException.class);
  }

  @Test
  void anUpgradeIsRefusedWhileAnotherInstanceHoldsTheFileShared() {
    Lease mine = grantOne(shared("dev-1", "src/app.py"));
    Lease theirs = grantOne(shared("res-1", "src/app.py"));

    LeaseConflictException e = conflict(exclusive("dev-1", "src/app.py"));

    assertThat(e.holders()).extracting(Holder::lease).containsExactly(theirs);
    assertThat(leases.get(mine.id())).isEqualTo(mine);

    leases.release(theirs.id(), "res-1", false);
    Lease upgraded = grantOne(exclusive("dev-1", "src/app.py"));
    assertThat(upgraded.mode()).isEqualTo(LeaseMode.EXCLUSIVE);
    assertThat(upgraded.fencingToken()).isGreaterThan(theirs.fencingToken());
  }

  @Test
  void renewExtendsTheHoldersLeaseByTheGivenOrItsOwnTtl() {
    Lease lease =
        grantOne(request("dev-1", LeaseMode.EXCLUSIVE, Duration.ofMinutes(2), null, null, "a.py"));
    clock.advance(Duration.ofMinutes(1));

    Lease renewed = leases.renew(lease.id(), "dev-1", Duration.ofMinutes(20));
    assertThat(renewed.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(20)));
    assertThat(renewed.fencingToken()).isEqualTo(lease.fencingToken());

    clock.advance(Duration.ofMinutes(1));
    Lease again = leases.renew(lease.id(), "dev-1", null);
    assertThat(again.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(20)));
    assertThat(leases.get(lease.id()).expiresAt()).isEqualTo(again.expiresAt());
  }

  @Test
  void anotherInstanceCanNeitherRenewNorReleaseALease() {
    Lease lease = grantOne(exclusive("dev-1", "src/app.py"));
    String message =
        "lease "
            + lease.id()
            + " on src/app.py is held by dev-1, not by res-1; a person can take it away with"
            + " 'baton lease release --force "
            + lease.id()
            + "'";

    assertThatThrownBy(() -> leases.renew(lease.id(), "res-1", null))
        .isInstanceOf(LeaseNotHeldException.class)
        .hasMessage(message);
    assertThatThrownBy(() -> leases.release(lease.id(), "res-1", false))
        .isInstanceOf(LeaseNotHeldException.class)
        .hasMessage(message);
    assertThatThrownBy(() -> leases.release(lease.id(), null, false))
        .isInstanceOf(LeaseNotHeldException.class)
        .hasMessageContaining("not by an unnamed client");

    assertThat(leases.get(lease.id())).isEqualTo(lease);
    assertThat(events(LeaseEvents.RELEASED)).isEmpty();
  }

  @Test
  void theHolderReleasesItsLeaseAndTheFileIsFreeAtOnce() {
    Lease lease = grantOne(exclusive("dev-1", "src/app.py"));

    Lease released = leases.release(lease.id(), "dev-1", false);

    assertThat(released.id()).isEqualTo(lease.id());
    assertThatThrownBy(() -> leases.get(lease.id()))
        .isInstanceOf(LeaseNotFoundException.class)
        .hasMessage(
            "lease "
                + lease.id()
                + " does not exist (it was released, expired, or never granted); 'baton lease"
                + " list' shows the live ones");
    assertThat(events(LeaseEvents.RELEASED))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.data())
                    .containsEntry("lease", lease.id())
                    .containsEntry("forced", false)
                    .containsEntry("by", "dev-1"));
    assertThat(grant(exclusive("res-1", "src/app.py"))).hasSize(1);
  }

  @Test
  void aForcedReleaseTellsTheHolderThroughTheEventStream() {
    Lease lease = grantOne(exclusive("dev-1", "src/app.py"));

    leases.release(lease.id(), "human", true);

    assertThat(held("dev-1")).isEmpty();
    assertThat(events(LeaseEvents.RELEASED))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.instance()).isEqualTo("dev-1");
              assertThat(e.data())
                  .containsEntry("lease", lease.id())
                  .containsEntry("forced", true)
                  .containsEntry("by", "human");
            });
  }

  @Test
  void renewingOrReleasingAnUnknownLeaseNamesIt() {
    assertThatThrownBy(() -> leases.renew("L404", "dev-1", null))
        .isInstanceOf(LeaseNotFoundException.class)
        .hasMessageStartingWith("lease L404 does not exist");
    assertThatThrownBy(() -> leases.release("L404", "human", true))
        .isInstanceOf(LeaseNotFoundException.class);
  }

  // --- expiry -----------------------------------------------------------------------------------

  @Test
  void expireOverdueReleasesLeasesPastTheirTtlAndAnnouncesThem() {
    Lease shortLived =
        grantOne(request("dev-1", LeaseMode.EXCLUSIVE, Duration.ofMinutes(1), null, null, "a.py"));
    Lease longLived = grantOne(exclusive("res-1", "b.py"));
    clock.advance(Duration.ofSeconds(61));

    List<Lease> expired = leases.expireOverdue();

    assertThat(expired).extracting(Lease::id).containsExactly(shortLived.id());
    assertThat(store.leases().list(null, null))
        .as("gone from the store, not just hidden")
        .extracting(Lease::id)
        .containsExactly(longLived.id());
    assertThat(events(LeaseEvents.EXPIRED))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.instance()).isEqualTo("dev-1");
              assertThat(e.data()).containsEntry("lease", shortLived.id());
            });
    assertThatThrownBy(() -> leases.get(shortLived.id()))
        .isInstanceOf(LeaseNotFoundException.class);
    assertThat(grant(exclusive("rev-1", "a.py"))).hasSize(1);
  }

  @Test
  void heartbeatsDoNotExtendLeases() {
    Lease lease =
        grantOne(request("dev-1", LeaseMode.EXCLUSIVE, Duration.ofMinutes(1), null, null, "a.py"));
    clock.advance(Duration.ofSeconds(50));

    instances.heartbeat("dev-1");

    assertThat(leases.get(lease.id()).expiresAt()).isEqualTo(lease.expiresAt());
    clock.advance(Duration.ofSeconds(10));
    assertThat(leases.expireOverdue()).extracting(Lease::id).containsExactly(lease.id());
  }

  @Test
  void deregisteringAnInstanceFreesItsLeasesAtOnce() {
    grant(exclusive("dev-1", "src/app.py", "docs/**"));
    Lease other = grantOne(exclusive("res-1", "README.md"));

    instances.deregister("dev-1");

    assertThat(leases.list(null, null)).containsExactly(other);
    assertThat(events(LeaseEvents.RELEASED))
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.instance()).isEqualTo("dev-1");
              assertThat(e.data()).containsEntry("cause", "instance deregistered");
            });
    assertThat(grant(exclusive("rev-1", "src/app.py", "docs/guide.md"))).hasSize(2);
  }

  @Test
  void anExpiredInstancesExclusiveLeaseWaitsForTheOrphanGraceAndItsSharedLeaseGoesAtOnce() {
    Lease kept = grantOne(exclusive("dev-1", "src/app.py"));
    grantOne(shared("dev-1", "docs/**"));
    clock.advance(Duration.ofSeconds(25));
    instances.heartbeat("res-1");
    clock.advance(Duration.ofSeconds(10));

    instances.expireOverdue();

    assertThat(held("dev-1")).extracting(Lease::id).containsExactly(kept.id());
    assertThat(held("dev-1").get(0).orphanedAt()).isEqualTo(clock.instant());
    assertThat(events(LeaseEvents.RELEASED))
        .singleElement()
        .satisfies(e -> assertThat(e.data()).containsEntry("cause", "instance expired"));
    LeaseConflictException conflict = conflictOf(exclusive("res-1", "src/app.py"));
    assertThat(conflict.holders().get(0).describe())
        .contains("held exclusively by dev-1")
        .contains("orphaned since")
        .contains("only that session, resumed, or a forced release takes it");
    assertThat(grant(exclusive("res-1", "docs/readme.md"))).hasSize(1);

    clock.advance(RegistryConfig.DEFAULT_ORPHAN_GRACE);
    instances.heartbeat("res-1");
    instances.expireOverdue();

    assertThat(held("dev-1")).isEmpty();
    assertThat(events(LeaseEvents.RELEASED))
        .anySatisfy(e -> assertThat(e.data()).containsEntry("cause", "orphan grace ended"));
    assertThat(grant(exclusive("res-1", "src/app.py"))).hasSize(1);
  }

  @Test
  void aSessionThatComesBackWithinTheOrphanGraceHasItsLeasesAgain() {
    String me =
        instances
            .register(
                new RegisterRequest(
                    "developer", repo.toString(), null, "claude", "5e55104a-0000-4000", null))
            .instance()
            .id();
    assertThat(me).isEqualTo("claude-5e55104a");
    Lease mine = grantOne(exclusive(me, "src/app.py"));
    clock.advance(Duration.ofSeconds(35));
    instances.heartbeat("res-1");
    instances.expireOverdue();
    assertThatThrownBy(() -> instances.get(me)).isInstanceOf(InstanceNotFoundException.class);
    clock.advance(Duration.ofMinutes(5));

    var back =
        instances.register(
            new RegisterRequest(
                "research", repo.toString(), null, "claude", "5e55104a-0000-4000", null));

    assertThat(back.instance().id()).isEqualTo(me);
    assertThat(back.instance().role())
        .as("the session's instance, as it was")
        .isEqualTo("developer");
    assertThat(held(me))
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.id()).isEqualTo(mine.id());
              assertThat(l.orphanedAt()).isNull();
              assertThat(l.expiresAt()).isEqualTo(clock.instant().plus(mine.ttl()));
            });
    assertThat(events("instance.registered"))
        .last()
        .satisfies(e -> assertThat(e.data()).containsEntry("resumed", true));
  }

  @Test
  void aProvisionalLeaseLastsTheProvisionalTtlUnlessTheEditIsConfirmed() {
    Lease provisional = grantOne(provisional("dev-1", "src/a.py"));
    grantOne(provisional("dev-1", "src/b.py"));
    assertThat(provisional.provisional()).isTrue();
    assertThat(provisional.expiresAt()).isEqualTo(t0.plus(LeaseConfig.DEFAULT_PROVISIONAL_TTL));
    assertThat(conflictOf(exclusive("res-1", "src/a.py")).holders().get(0).describe())
        .contains("about to edit it");

    List<Lease> confirmed = leases.confirm("dev-1", repo.resolve("src/a.py").toString());

    assertThat(confirmed)
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.provisional()).isFalse();
              assertThat(l.follows()).isTrue();
              assertThat(l.expiresAt()).isEqualTo(t0.plus(LeaseConfig.DEFAULT_TTL));
            });
    clock.advance(LeaseConfig.DEFAULT_PROVISIONAL_TTL.plusSeconds(1));
    leases.expireOverdue();
    assertThat(held("dev-1")).extracting(l -> l.pattern().text()).containsExactly("src/a.py");
    assertThat(leases.confirm("dev-1", "src/a.py")).as("nothing provisional left").isEmpty();
  }

  @Test
  void aRefusedEditDropsOnlyItsProvisionalLease() {
    Lease held = grantOne(exclusive("dev-1", "src/held.py"));
    grantOne(provisional("dev-1", "src/refused.py"));
    grantOne(provisional("dev-1", "src/other.py"));

    Lease again = grantOne(provisional("dev-1", "src/held.py"));
    assertThat(again.provisional()).as("an edit of a file it holds keeps it as it is").isFalse();
    assertThat(leases.dropProvisional("dev-1", "src/refused.py", "edit not made"))
        .extracting(l -> l.pattern().text())
        .containsExactly("src/refused.py");
    assertThat(held("dev-1"))
        .extracting(l -> l.pattern().text())
        .containsExactly("src/held.py", "src/other.py");

    leases.holdProvisional("dev-1", "src/other.py");
    assertThat(held("dev-1").get(1).expiresAt()).isEqualTo(t0.plus(LeaseConfig.DEFAULT_TTL));
    assertThat(leases.dropProvisional("dev-1", null, "edit not made")).hasSize(1);
    assertThat(held("dev-1")).extracting(Lease::id).containsExactly(held.id());
    assertThat(events(LeaseEvents.RELEASED))
        .allSatisfy(e -> assertThat(e.data()).containsEntry("cause", "edit not made"));
  }

  @Test
  void theLeasesOfALiveAgentProcessOutliveTheirTtlAndGoWithTheProcess() throws Exception {
    Process agent = new ProcessBuilder("sleep", "600").start();
    started.add(agent);
    AgentProcess process = processes.find(agent.pid()).orElseThrow();
    instances.register(
        new RegisterRequest(
            "developer", repo.toString(), "claude-a9e47000", "claude", null, process));
    Lease follows = grantOne(exclusive("claude-a9e47000", "src/app.py"));
    Lease timed =
        grantOne(
            request(
                "claude-a9e47000",
                LeaseMode.EXCLUSIVE,
                Duration.ofMinutes(2),
                null,
                null,
                "src/timed.py"));
    assertThat(follows.follows()).isTrue();
    assertThat(timed.follows()).isFalse();

    for (int minute = 0; minute < 60; minute++) { // an hour without a word from the agent
      clock.advance(Duration.ofMinutes(1));
      instances.heartbeat("res-1");
      instances.expireOverdue();
      leases.renewFollowing();
      leases.expireOverdue();
    }
    assertThat(held("claude-a9e47000")).extracting(Lease::id).containsExactly(follows.id());
    assertThat(instances.get("claude-a9e47000").agent()).isEqualTo(process);

    agent.destroyForcibly();
    agent.waitFor(10, TimeUnit.SECONDS);
    instances.expireOverdue();
    assertThatThrownBy(() -> instances.get("claude-a9e47000"))
        .isInstanceOf(InstanceNotFoundException.class);
    assertThat(events("instance.expired"))
        .last()
        .satisfies(e -> assertThat(e.data()).containsEntry("cause", "its agent process ended"));
    assertThat(held("claude-a9e47000").get(0).orphanedAt()).isEqualTo(clock.instant());
    clock.advance(RegistryConfig.DEFAULT_ORPHAN_GRACE);
    instances.heartbeat("res-1");
    instances.expireOverdue();
    assertThat(held("claude-a9e47000")).isEmpty();
  }

  @Test
  void markIdleShortensTheInstancesLeasesToTheIdleTtl() {
    Lease longLease = grantOne(exclusive("dev-1", "a.py"));
    Lease shortLease =
        grantOne(request("dev-1", LeaseMode.EXCLUSIVE, Duration.ofMinutes(2), null, null, "b.py"));
    Lease others = grantOne(exclusive("res-1", "c.py"));

    List<Lease> shortened = leases.markIdle("dev-1");

    Instant idleEnd = t0.plus(LeaseConfig.DEFAULT_IDLE_TTL);
    assertThat(shortened).extracting(Lease::id).containsExactly(longLease.id());
    assertThat(leases.get(longLease.id()).expiresAt()).isEqualTo(idleEnd);
    assertThat(leases.get(shortLease.id()).expiresAt()).isEqualTo(shortLease.expiresAt());
    assertThat(leases.get(others.id()).expiresAt()).isEqualTo(others.expiresAt());
  }

  // --- validation -------------------------------------------------------------------------------

  @Test
  void aTtlOutsideTheLimitsIsRefusedWithTheValue() {
    assertThat(
            refusal(
                request("dev-1", LeaseMode.EXCLUSIVE, Duration.ofMillis(500), null, null, "a.py")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("ttl 500 ms is outside 1000..86400000 ms (leases.max-ttl)");
    assertThat(
            refusal(
                request("dev-1", LeaseMode.EXCLUSIVE, Duration.ofHours(25), null, null, "a.py")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("ttl 90000000 ms is outside 1000..86400000 ms (leases.max-ttl)");
    Lease lease = grantOne(exclusive("dev-1", "a.py"));
    assertThatThrownBy(() -> leases.renew(lease.id(), "dev-1", Duration.ZERO))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("ttl 0 ms is outside 1000..86400000 ms (leases.max-ttl)");
    assertThat(held("dev-1")).containsExactly(lease);
  }

  @Test
  void aWaitOutsideTheLimitsIsRefusedWithTheValue() {
    assertThat(refusal(waiting("dev-1", Duration.ofSeconds(-1), "a.py")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("wait -1000 ms is outside 0..300000 ms (leases.max-wait)");
    assertThat(refusal(waiting("dev-1", Duration.ofMinutes(6), "a.py")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("wait 360000 ms is outside 0..300000 ms (leases.max-wait)");
    assertThat(held("dev-1")).isEmpty();
  }

  @Test
  void aRequestWithoutPathsOrFromAnUnknownInstanceIsRefused() {
    assertThat(refusal(exclusive("dev-1")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("field 'paths' is required: the files or globs to lease");
    assertThat(refusal(exclusive("ghost-1", "a.py")))
        .isInstanceOf(InstanceNotFoundException.class)
        .hasMessageStartingWith("instance ghost-1 is not registered");
    assertThat(leases.list(null, null)).isEmpty();
  }

  // --- paths ------------------------------------------------------------------------------------

  @Test
  void pathsThatLeaveTheWorkspaceAreRefused() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.createSymbolicLink(repo.resolve("vendor"), outside);

    for (String path :
        List.of(
            "../outside/a.py",
            "src/../../outside/a.py",
            outside.resolve("a.py").toString(),
            "vendor/lib.py",
            repo.resolve("vendor/lib.py").toString())) {
      Throwable t = refusal(exclusive("dev-1", path));
      assertThat(t).as(path).isInstanceOf(InvalidPatternException.class);
      assertThat(((InvalidPatternException) t).code())
          .as(path)
          .isEqualTo(ErrorCode.PATH_OUTSIDE_WORKSPACE);
      assertThat(t.getMessage()).as(path).contains("'" + path + "'");
    }
    assertThat(leases.list(null, null)).isEmpty();
  }

  @Test
  void anAbsolutePathInTheWorkspaceIsLeasedRelativeToItsRoot() {
    Lease lease = grantOne(exclusive("dev-1", repo.resolve("src/app.py").toString()));

    assertThat(lease.pattern().text()).isEqualTo("src/app.py");
    assertThat(refusal(exclusive("res-1", "src/app.py")))
        .isInstanceOf(LeaseConflictException.class);
  }

  @Test
  void anAbsolutePathInALinkedWorktreeIsTheSameFileAsInTheMainCheckout() {
    Path worktree = GitRepos.addWorktree(repo, dir.resolve("wt"), "instance/wt-1");
    register("wt-1", "developer", worktree);

    Lease lease = grantOne(exclusive("wt-1", worktree.resolve("src/app.py").toString()));

    assertThat(lease.workspace()).isEqualTo(repo);
    assertThat(lease.pattern().text()).isEqualTo("src/app.py");
    LeaseConflictException e = conflict(exclusive("dev-1", repo.resolve("src/app.py").toString()));
    assertThat(e.holders()).extracting(h -> h.lease().instance()).containsExactly("wt-1");
    assertThat(grantOne(exclusive("dev-1", worktree.resolve("src/new.py").toString())).pattern())
        .isEqualTo(PathPattern.literal("src/new.py"));
    assertThat(leases.list(worktree.toString(), null))
        .as("listing from the worktree lists the workspace")
        .hasSize(2);
  }

  @Test
  void checkNamesEveryLiveLeaseCoveringAPath() {
    Lease glob = grantOne(shared("dev-1", "src/**"));
    Lease file = grantOne(shared("res-1", "src/app.py"));
    grantOne(exclusive("rev-1", "docs/**"));

    Coverage c = leases.check(repo.toString(), repo.resolve("src/app.py").toString());

    assertThat(c.workspace()).isEqualTo(repo);
    assertThat(c.path()).isEqualTo("src/app.py");
    assertThat(c.leases()).containsExactly(glob, file);
  }

  // --- waiting ----------------------------------------------------------------------------------

  @Test
  void aWaiterIsGrantedTheMomentTheHolderReleases() {
    Lease holder = grantOne(exclusive("dev-1", "src/app.py"));
    CompletableFuture<List<Lease>> waiter =
        leases.acquire(waiting("res-1", LONG_WAIT, "src/app.py"));
    assertThat(waiter).isNotDone();
    assertThat(leases.waiting(repo.toString()))
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.instance()).isEqualTo("res-1");
              assertThat(w.role()).isEqualTo("research");
              assertThat(w.paths()).containsExactly("src/app.py");
              assertThat(w.since()).isEqualTo(t0);
            });

    leases.release(holder.id(), "dev-1", false);

    await().atMost(AWAIT).until(waiter::isDone);
    Lease granted = result(waiter).get(0);
    assertThat(granted.instance()).isEqualTo("res-1");
    assertThat(granted.fencingToken()).isGreaterThan(holder.fencingToken());
    assertThat(leases.waiting(repo.toString())).isEmpty();
  }

  @Test
  void aWaiterIsGrantedWhenTheHoldersLeaseExpires() {
    grantOne(request("dev-1", LeaseMode.EXCLUSIVE, Duration.ofMinutes(1), null, null, "a.py"));
    CompletableFuture<List<Lease>> waiter = leases.acquire(waiting("res-1", LONG_WAIT, "a.py"));
    assertThat(waiter).isNotDone();
    clock.advance(Duration.ofSeconds(61));

    leases.expireOverdue();

    await().atMost(AWAIT).until(waiter::isDone);
    assertThat(result(waiter)).extracting(Lease::instance).containsExactly("res-1");
  }

  @Test
  void aWaiterIsGrantedWhenTheHolderDeregisters() {
    grantOne(exclusive("dev-1", "a.py"));
    CompletableFuture<List<Lease>> waiter = leases.acquire(waiting("res-1", LONG_WAIT, "a.py"));
    assertThat(waiter).isNotDone();

    instances.deregister("dev-1");

    await().atMost(AWAIT).until(waiter::isDone);
    assertThat(result(waiter)).extracting(Lease::instance).containsExactly("res-1");
  }

  @Test
  void waitersForTheSameFileAreServedInArrivalOrder() {
    Lease holder = grantOne(exclusive("dev-1", "src/app.py"));
    CompletableFuture<List<Lease>> first =
        leases.acquire(waiting("res-1", LONG_WAIT, "src/app.py"));
    CompletableFuture<List<Lease>> second =
        leases.acquire(waiting("rev-1", LONG_WAIT, "src/app.py"));
    assertThat(leases.waiting(repo.toString()))
        .extracting(Waiting::instance)
        .containsExactly("res-1", "rev-1");

    leases.release(holder.id(), "dev-1", false);

    await().atMost(AWAIT).until(first::isDone);
    Lease firstLease = result(first).get(0);
    assertThat(firstLease.instance()).isEqualTo("res-1");
    assertThat(second).isNotDone();
    assertThat(leases.waiting(repo.toString()))
        .extracting(Waiting::instance)
        .containsExactly("rev-1");

    leases.release(firstLease.id(), "res-1", false);

    await().atMost(AWAIT).until(second::isDone);
    assertThat(result(second)).extracting(Lease::instance).containsExactly("rev-1");
  }

  @Test
  void aLaterRequestDoesNotOvertakeAQueuedWaiterItClashesWith() {
    Lease readme = grantOne(exclusive("dev-1", "README.md"));
    CompletableFuture<List<Lease>> early =
        leases.acquire(waiting("res-1", LONG_WAIT, "src/app.py", "README.md"));
    assertThat(early).isNotDone();

    LeaseConflictException e = conflict(exclusive("rev-1", "src/app.py"));

    assertThat(e)
        .hasMessage(
            "lease on src/app.py not granted: res-1 (research) has waited for src/app.py,"
                + " README.md since "
                + at(t0)
                + " and goes first");
    assertThat(e.waitingAhead()).extracting(Waiting::instance).containsExactly("res-1");
    assertThat(held("rev-1")).isEmpty();

    CompletableFuture<List<Lease>> late = leases.acquire(waiting("rev-1", LONG_WAIT, "src/app.py"));
    leases.release(readme.id(), "dev-1", false);

    await().atMost(AWAIT).until(early::isDone);
    assertThat(result(early))
        .extracting(l -> l.pattern().text())
        .containsExactly("src/app.py", "README.md");
    assertThat(late).isNotDone();
    Lease app = held("res-1").get(0);
    leases.release(app.id(), "res-1", false);
    await().atMost(AWAIT).until(late::isDone);
    assertThat(result(late)).extracting(Lease::instance).containsExactly("rev-1");
  }

  @Test
  void aWaiterThatTimesOutFailsWithAConflictThatSaysHowLongItWaited() {
    grantOne(exclusive("dev-1", "src/app.py"));
    CompletableFuture<List<Lease>> waiter =
        leases.acquire(waiting("res-1", Duration.ofSeconds(2), "src/app.py"));
    // The timer runs on real time; the message reads the broker's clock, moved here to match.
    clock.advance(Duration.ofSeconds(2));

    await().atMost(AWAIT).until(waiter::isDone);

    Throwable t = failure(waiter);
    assertThat(t)
        .isInstanceOf(LeaseConflictException.class)
        .hasMessage(
            "lease on src/app.py not granted after 2000 ms: src/app.py held exclusively by dev-1"
                + " (developer) since "
                + at(t0)
                + ", expires in 598 s");
    assertThat(leases.waiting(repo.toString())).isEmpty();
    assertThat(held("res-1")).isEmpty();
  }

  @Test
  void aWaiterForAnUnrelatedPathIsNotBlockedByAnOlderWaiter() {
    grantOne(exclusive("dev-1", "src/app.py"));
    Lease readme = grantOne(exclusive("dev-1", "README.md"));
    CompletableFuture<List<Lease>> older =
        leases.acquire(waiting("res-1", LONG_WAIT, "src/app.py"));
    CompletableFuture<List<Lease>> younger =
        leases.acquire(waiting("rev-1", LONG_WAIT, "README.md"));
    assertThat(grant(exclusive("rev-1", "docs/guide.md")))
        .as("a request that clashes with no waiter is answered at once")
        .hasSize(1);

    leases.release(readme.id(), "dev-1", false);

    await().atMost(AWAIT).until(younger::isDone);
    assertThat(result(younger)).extracting(l -> l.pattern().text()).containsExactly("README.md");
    assertThat(older).isNotDone();
    assertThat(leases.waiting(repo.toString()))
        .extracting(Waiting::instance)
        .containsExactly("res-1");
  }

  @Test
  void aRequestArrivingWhileTheQueueIsBeingServedIsStillQueued() throws Exception {
    Lease holder = grantOne(exclusive("dev-1", "src/app.py"));
    CompletableFuture<List<Lease>> first =
        leases.acquire(waiting("res-1", LONG_WAIT, "src/app.py"));
    // A slow listener on the committing thread holds the store's one writer after the release,
    // so the waiters' thread stays inside the queue's monitor, serving res-1, long enough for
    // rev-1's request to arrive and block on that monitor.
    CountDownLatch inListener = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    AtomicBoolean armed = new AtomicBoolean(true);
    bus.subscribe(
        e -> {
          if (e.type().equals(LeaseEvents.RELEASED) && armed.getAndSet(false)) {
            inListener.countDown();
            try {
              letGo.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException x) {
              Thread.currentThread().interrupt();
            }
          }
        });
    CompletableFuture<List<Lease>>[] late = newFutureArray();
    Thread requester =
        new Thread(() -> late[0] = leases.acquire(waiting("rev-1", LONG_WAIT, "src/app.py")));
    try {
      CompletableFuture<Lease> release =
          CompletableFuture.supplyAsync(() -> leases.release(holder.id(), "dev-1", false));
      assertThat(inListener.await(30, TimeUnit.SECONDS)).isTrue();
      await().atMost(AWAIT).until(() -> threadIsIn("baton-lease-waiters", "serveWaiters"));
      requester.start();
      await().atMost(AWAIT).until(() -> stuckOrDone(requester));
      letGo.countDown();
      release.get(30, TimeUnit.SECONDS);
      requester.join(30_000);
    } finally {
      letGo.countDown();
    }

    await().atMost(AWAIT).until(first::isDone);
    assertThat(result(first)).extracting(Lease::instance).containsExactly("res-1");
    assertThat(late[0]).isNotNull().isNotDone();
    assertThat(leases.waiting(repo.toString()))
        .as("rev-1 waits behind res-1's new lease")
        .extracting(Waiting::instance)
        .containsExactly("rev-1");
    leases.release(held("res-1").get(0).id(), "res-1", false);
    await().atMost(AWAIT).until(late[0]::isDone);
    assertThat(result(late[0])).extracting(Lease::instance).containsExactly("rev-1");
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<List<Lease>>[] newFutureArray() {
    return (CompletableFuture<List<Lease>>[]) new CompletableFuture<?>[1];
  }

  /**
   * True when the thread has ended, or waits in acquire itself (for the queue's monitor or any
   * other lock) or in the store on behalf of an attempt to grant; not while it merely reads the
   * instance.
   */
  private static boolean stuckOrDone(Thread t) {
    Thread.State state = t.getState();
    if (state == Thread.State.TERMINATED) {
      return true;
    }
    if (state == Thread.State.RUNNABLE || state == Thread.State.NEW) {
      return false;
    }
    StackTraceElement[] stack = t.getStackTrace();
    for (StackTraceElement f : stack) {
      if (f.getMethodName().equals("attempt")) {
        return true;
      }
    }
    for (StackTraceElement f : stack) {
      if (f.getClassName().startsWith("dev.baton.")) {
        return f.getClassName().equals(DefaultLeaseService.class.getName())
            && f.getMethodName().equals("acquire");
      }
    }
    return false;
  }

  /** True when a live thread of that name is running the named method. */
  private static boolean threadIsIn(String threadName, String method) {
    for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
      if (t.getKey().getName().equals(threadName)) {
        for (StackTraceElement frame : t.getValue()) {
          if (frame.getMethodName().equals(method)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  @Test
  void closingTheServiceAnswersWaitersInsteadOfLeavingThemHanging() {
    grantOne(exclusive("dev-1", "a.py"));
    CompletableFuture<List<Lease>> waiter = leases.acquire(waiting("res-1", LONG_WAIT, "a.py"));

    leases.close();

    assertThat(failure(waiter))
        .isInstanceOf(dev.baton.core.BatonException.class)
        .hasMessage("broker is shutting down; the lease was not granted");
  }
}
