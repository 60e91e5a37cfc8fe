package dev.baton.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.InvalidInputException;
import dev.baton.events.Event;
import dev.baton.registry.internal.DefaultInstanceService;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceServiceTest {
  @TempDir Path dir;
  private final MutableClock clock = MutableClock.at("2026-11-21T10:00:00Z");
  private Store store;
  private InstanceService instances;
  private Path repo;

  @BeforeEach
  void setUp() {
    store =
        SqlStore.open(
            StoreConfig.sqlite(dir.resolve("baton.db"), 2),
            clock,
            e -> {},
            new PrometheusRegistry());
    List<String> roles = new ArrayList<>(RegistryConfig.BUILT_IN_ROLES);
    roles.add("tester");
    instances =
        new DefaultInstanceService(
            store.instances(),
            new GitWorkspaceResolver(),
            new RegistryConfig(
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(1), roles),
            clock);
    repo = GitRepos.create(dir.resolve("repo"));
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private Registration register(String role, Path workspace) {
    return instances.register(new RegisterRequest(role, workspace.toString(), null, "claude"));
  }

  private List<String> eventTypes() {
    return store.events().after(0, 1000).stream().map(Event::type).toList();
  }

  @Test
  void registerGeneratesAClientAndEightHexIdAndReturnsTheHeartbeatInterval() {
    Registration r = register("developer", repo);

    assertThat(r.instance().id()).matches("claude-[0-9a-f]{8}");
    assertThat(r.created()).isTrue();
    assertThat(r.instance().role()).isEqualTo("developer");
    assertThat(r.instance().workspace()).isEqualTo(repo);
    assertThat(r.instance().worktree()).isNull();
    assertThat(r.instance().branch()).isEqualTo("main");
    assertThat(r.instance().expiresAt()).isEqualTo(clock.instant().plusSeconds(30));
    assertThat(r.ttl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(r.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(eventTypes()).containsExactly(InstanceEvents.REGISTERED);
  }

  @Test
  void withoutAClientTheIdStartsWithAgent() {
    Registration r =
        instances.register(new RegisterRequest("developer", repo.toString(), null, null));

    assertThat(r.instance().id()).matches("agent-[0-9a-f]{8}");
    assertThat(r.instance().client()).isEqualTo("agent");
  }

  @Test
  void aWorktreeSubdirectoryRegistersInTheMainRepository() throws Exception {
    Path worktree = GitRepos.addWorktree(repo, dir.resolve("wt"), "instance/x");

    Registration r = register("developer", Files.createDirectories(worktree.resolve("src/pkg")));

    assertThat(r.instance().workspace()).isEqualTo(repo);
    assertThat(r.instance().worktree()).isEqualTo(worktree);
    assertThat(r.instance().branch()).isEqualTo("instance/x");
  }

  @Test
  void aGivenIdIsUsed() {
    Registration r =
        instances.register(
            new RegisterRequest("research", repo.toString(), "claude-1a2b3c4d", "claude"));

    assertThat(r.instance().id()).isEqualTo("claude-1a2b3c4d");
  }

  @Test
  void registeringTheSameIdAgainWithTheSameRoleAndWorkspaceRefreshesIt() {
    instances.register(new RegisterRequest("developer", repo.toString(), "me-1", null));
    clock.advance(Duration.ofSeconds(12));

    Registration again =
        instances.register(
            new RegisterRequest("developer", repo.resolve("src").toString(), "me-1", null));

    assertThat(again.created()).isFalse();
    assertThat(again.instance().lastHeartbeat()).isEqualTo(clock.instant());
    assertThat(again.instance().createdAt()).isEqualTo(clock.instant().minusSeconds(12));
    assertThat(eventTypes()).containsExactly(InstanceEvents.REGISTERED);
  }

  @Test
  void registeringATakenIdWithAnotherRoleIsAConflictThatNamesTheHolder() {
    instances.register(new RegisterRequest("developer", repo.toString(), "me-1", null));

    assertThatThrownBy(
            () ->
                instances.register(new RegisterRequest("research", repo.toString(), "me-1", null)))
        .isInstanceOf(InstanceExistsException.class)
        .hasMessage(
            "instance me-1 is already registered as developer in "
                + repo
                + "; it cannot also be research in "
                + repo
                + ". Deregister it first or choose another id");
    assertThat(instances.get("me-1").role()).isEqualTo("developer");
  }

  @Test
  void anUnknownRoleIsRefusedWithTheValidRoles() {
    assertThatThrownBy(() -> register("wizard", repo))
        .isInstanceOf(UnknownRoleException.class)
        .hasMessage(
            "unknown role 'wizard'; valid roles: architect, debugger, developer, ops, planner, research, reviewer, tester");
    assertThat(instances.list(InstanceFilter.all())).isEmpty();
  }

  @Test
  void listingByAnUnknownRoleIsRefusedRatherThanEmpty() {
    assertThatThrownBy(() -> instances.list(new InstanceFilter(null, "wizard")))
        .isInstanceOf(UnknownRoleException.class)
        .hasMessageStartingWith("unknown role 'wizard'; valid roles: architect");
  }

  @Test
  void aConfiguredRoleIsAccepted() {
    assertThat(register("tester", repo).instance().role()).isEqualTo("tester");
  }

  @Test
  void missingFieldsAreNamed() {
    assertThatThrownBy(
            () -> instances.register(new RegisterRequest(null, repo.toString(), null, null)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("field 'role' is required");
    assertThatThrownBy(() -> instances.register(new RegisterRequest("developer", " ", null, null)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("field 'workspace' is required");
  }

  @Test
  void malformedIdsAndClientsAreRefused() {
    assertThatThrownBy(
            () ->
                instances.register(
                    new RegisterRequest("developer", repo.toString(), "../etc", null)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("id '../etc' is not valid");
    assertThatThrownBy(
            () ->
                instances.register(
                    new RegisterRequest("developer", repo.toString(), null, "Claude Code")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("client 'Claude Code' is not valid");
  }

  @Test
  void workspacesThatAreRelativeMissingOrNotGitAreRefused() throws Exception {
    Path plain = Files.createDirectories(dir.resolve("plain"));

    assertThatThrownBy(() -> register("developer", Path.of("relative/dir")))
        .isInstanceOf(InvalidWorkspaceException.class)
        .hasMessage("workspace 'relative/dir' is not an absolute path");
    assertThatThrownBy(() -> register("developer", dir.resolve("missing")))
        .isInstanceOf(InvalidWorkspaceException.class)
        .hasMessage("workspace " + dir.resolve("missing") + " does not exist");
    assertThatThrownBy(() -> register("developer", plain))
        .isInstanceOf(InvalidWorkspaceException.class)
        .hasMessageStartingWith("workspace " + plain + " is not inside a git repository");
    assertThat(eventTypes()).isEmpty();
  }

  @Test
  void aHeartbeatExtendsTheExpiryFromNow() {
    String id = register("developer", repo).instance().id();
    clock.advance(Duration.ofSeconds(25));

    Registration beat = instances.heartbeat(id);

    assertThat(beat.instance().lastHeartbeat()).isEqualTo(clock.instant());
    assertThat(beat.instance().expiresAt()).isEqualTo(clock.instant().plusSeconds(30));
  }

  @Test
  void unknownIdsAreNotFound() {
    assertThatThrownBy(() -> instances.heartbeat("ghost-1"))
        .isInstanceOf(InstanceNotFoundException.class)
        .hasMessage(
            "instance ghost-1 is not registered (it never was, was deregistered, or expired without a heartbeat); register it again");
    assertThatThrownBy(() -> instances.get("ghost-1"))
        .isInstanceOf(InstanceNotFoundException.class);
    assertThatThrownBy(() -> instances.deregister("ghost-1"))
        .isInstanceOf(InstanceNotFoundException.class);
  }

  @Test
  void deregisterRemovesTheInstanceAndEmitsAnEvent() {
    String id = register("developer", repo).instance().id();

    assertThat(instances.deregister(id).id()).isEqualTo(id);

    assertThat(instances.list(InstanceFilter.all())).isEmpty();
    assertThat(eventTypes())
        .containsExactly(InstanceEvents.REGISTERED, InstanceEvents.DEREGISTERED);
  }

  @Test
  void onlyInstancesPastTheirTtlExpireEachWithAnEvent() {
    String quiet = register("developer", repo).instance().id();
    String chatty = register("research", repo).instance().id();
    clock.advance(Duration.ofSeconds(20));
    instances.heartbeat(chatty);
    clock.advance(Duration.ofSeconds(11));

    List<Instance> expired = instances.expireOverdue();

    assertThat(expired).extracting(Instance::id).containsExactly(quiet);
    assertThat(instances.list(InstanceFilter.all()))
        .extracting(Instance::id)
        .containsExactly(chatty);
    Event event = store.events().after(0, 100).get(2);
    assertThat(event.type()).isEqualTo(InstanceEvents.EXPIRED);
    assertThat(event.instance()).isEqualTo(quiet);
    assertThat(event.data()).containsEntry("role", "developer").containsKey("lastHeartbeat");
    assertThat(instances.expireOverdue()).isEmpty();
  }

  @Test
  void listFiltersByAnyDirectoryOfTheWorkspaceAndByRole() throws Exception {
    Path other = GitRepos.create(dir.resolve("other"));
    Path worktree = GitRepos.addWorktree(repo, dir.resolve("wt"), "feature");
    String dev = register("developer", repo).instance().id();
    String res = register("research", worktree).instance().id();
    register("developer", other);

    assertThat(instances.list(new InstanceFilter(repo.resolve("src").toString(), null)))
        .extracting(Instance::id)
        .containsExactlyInAnyOrder(dev, res);
    assertThat(instances.list(new InstanceFilter(worktree.toString(), "research")))
        .extracting(Instance::id)
        .containsExactly(res);
    assertThat(instances.list(new InstanceFilter(null, "developer"))).hasSize(2);
    assertThat(instances.list(new InstanceFilter(dir.resolve("nowhere").toString(), null)))
        .isEmpty();
    assertThat(instances.countByRole())
        .containsEntry("developer", 2L)
        .containsEntry("research", 1L);
  }
}
