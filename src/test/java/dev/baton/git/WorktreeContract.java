package dev.baton.git;

import static dev.baton.testing.GitRepos.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.InvalidInputException;
import dev.baton.events.Event;
import dev.baton.git.internal.DefaultWorktreeService;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceService;
import dev.baton.registry.RegisterRequest;
import dev.baton.registry.RegistryConfig;
import dev.baton.registry.internal.DefaultInstanceService;
import dev.baton.server.GitWorkspaceResolver;
import dev.baton.store.Store;
import dev.baton.store.StoreConfig;
import dev.baton.store.internal.SqlStore;
import dev.baton.testing.GitRepos;
import dev.baton.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worktrees through the real service over a real store and real git repositories: one per instance,
 * locked, on its own branch; never removed while it holds work that is not in its base, where
 * squash-merged, rebased and cherry-picked work counts as landed; a forced removal saves a ref from
 * which everything comes back. Subclassed once per backend.
 */
public abstract class WorktreeContract {
  @TempDir protected Path dir;
  private final MutableClock clock = MutableClock.at("2026-12-07T10:00:00Z");
  private final List<Event> published = Collections.synchronizedList(new ArrayList<>());
  private Store store;
  private InstanceService instances;
  private DefaultWorktreeService worktrees;
  private Path repo;

  protected abstract StoreConfig storeConfig();

  @BeforeEach
  void setUp() {
    repo = GitRepos.create(dir.resolve("repo"));
    store = SqlStore.open(storeConfig(), clock, published::addAll, new PrometheusRegistry());
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
    worktrees = service(GitConfig.DEFAULTS);
  }

  private DefaultWorktreeService service(GitConfig config) {
    return new DefaultWorktreeService(
        store.worktrees(), instances, new dev.baton.git.internal.GitQueue(), config, clock);
  }

  @AfterEach
  void closeAll() {
    worktrees.close();
    store.close();
  }

  private Instance start(String id) {
    return worktrees
        .register(new RegisterRequest("developer", repo.toString(), id, "cli"), null)
        .instance();
  }

  private Path pathOf(String id) {
    return worktrees.find(id).orElseThrow().path();
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Commits a new file in the instance's worktree. */
  private void commit(String id, String file, String text) {
    write(pathOf(id).resolve(file), text);
    git(pathOf(id), "add", file);
    git(pathOf(id), "commit", "-q", "-m", "add " + file);
  }

  @Test
  void registerMakesALockedWorktreeOnTheInstancesOwnBranchBesideTheRepository() {
    Instance dev = start("dev-1");

    Path expected = repo.resolveSibling("repo.worktrees").resolve("dev-1");
    assertThat(dev.worktree()).isEqualTo(expected);
    assertThat(dev.branch()).isEqualTo("instance/dev-1");
    assertThat(expected.resolve("src/app.py")).exists();
    assertThat(git(expected, "rev-parse", "--abbrev-ref", "HEAD").strip())
        .isEqualTo("instance/dev-1");
    assertThat(git(repo, "worktree", "list", "--porcelain"))
        .contains("worktree " + expected)
        .contains("locked baton instance dev-1");
    Worktree w = worktrees.find("dev-1").orElseThrow();
    assertThat(w.base()).isEqualTo("main");
    assertThat(w.removed()).isFalse();
    assertThat(instances.get("dev-1").worktree()).isEqualTo(expected);
    assertThat(published).anyMatch(e -> e.type().equals(WorktreeEvents.CREATED));
  }

  @Test
  void aBaseThatIsNotABranchIsRefusedAndNothingIsRegistered() {
    assertThatThrownBy(
            () ->
                worktrees.register(
                    new RegisterRequest("developer", repo.toString(), "dev-1", "cli"), "nope"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("base 'nope' is not a branch of " + repo)
        .hasMessageContaining("main");

    assertThat(instances.list(new dev.baton.registry.InstanceFilter(null, null))).isEmpty();
    assertThat(worktrees.find("dev-1")).isEmpty();
    assertThat(git(repo, "branch", "--list", "instance/*")).isBlank();
  }

  @Test
  void aWorktreeRootInsideTheTrackedTreeIsRefused() {
    worktrees.close();
    worktrees =
        service(
            new GitConfig(
                repo.resolve("src/trees"), null, Duration.ofDays(7), Duration.ofMinutes(1)));

    assertThatThrownBy(() -> start("dev-1"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is inside the tracked tree of " + repo)
        .hasMessageContaining("git.worktree-root");
    assertThat(repo.resolve("src/trees")).doesNotExist();
    assertThat(instances.list(new dev.baton.registry.InstanceFilter(null, null))).isEmpty();
  }

  @Test
  void aSquashMergedBranchCountsAsLandedAndIsRemoved() {
    start("dev-1");
    commit("dev-1", "a.txt", "a\n");
    commit("dev-1", "b.txt", "b\n");
    instances.deregister("dev-1");
    assertThat(worktrees.inspect("dev-1").kept()).containsExactly("2 commits not on main");

    git(repo, "merge", "-q", "--squash", "instance/dev-1");
    git(repo, "commit", "-q", "-m", "squash");

    assertThat(worktrees.inspect("dev-1").landed()).isTrue();
    Removal r = worktrees.remove("dev-1", false);
    assertThat(r.forced()).isFalse();
    assertThat(pathOf("dev-1")).doesNotExist();
    assertThat(git(repo, "branch", "--list", "instance/dev-1")).isBlank();
  }

  @Test
  void aRebasedBranchCountsAsLanded() {
    start("dev-1");
    commit("dev-1", "a.txt", "a\n");
    write(repo.resolve("other.txt"), "main moved on\n");
    git(repo, "add", "other.txt");
    git(repo, "commit", "-q", "-m", "main moves");
    instances.deregister("dev-1");
    git(repo, "cherry-pick", "instance/dev-1"); // what a rebase-merge does, one commit at a time

    assertThat(worktrees.inspect("dev-1").kept()).isEmpty();
    worktrees.remove("dev-1", false);
    assertThat(pathOf("dev-1")).doesNotExist();
  }

  @Test
  void cherryPickedCommitsCountAsLandedEvenWhenTheBaseChangedTheSameLineLater() {
    start("dev-1");
    write(pathOf("dev-1").resolve("src/app.py"), "print('hello')\n");
    git(pathOf("dev-1"), "commit", "-q", "-am", "say hello");
    instances.deregister("dev-1");
    write(repo.resolve("other.txt"), "main moved on\n");
    git(repo, "add", "other.txt");
    git(repo, "commit", "-q", "-m", "main moves");
    git(repo, "cherry-pick", "instance/dev-1");
    write(repo.resolve("src/app.py"), "print('bye')\n");
    git(repo, "commit", "-q", "-am", "say bye");

    WorktreeSnapshot s = worktrees.inspect("dev-1");
    assertThat(s.landed()).isTrue(); // merging it now would conflict: only git cherry sees it
    assertThat(s.behind()).isEqualTo(3);
    assertThat(s.ahead()).isEqualTo(1);
  }

  @Test
  void removalIsRefusedForEachReasonAndChangesNothing() {
    start("dev-1");
    commit("dev-1", "a.txt", "a\n");
    write(pathOf("dev-1").resolve("src/app.py"), "changed\n");
    write(pathOf("dev-1").resolve("notes/new.txt"), "untracked\n");

    assertThatThrownBy(() -> worktrees.remove("dev-1", false))
        .isInstanceOf(WorktreeKeptException.class)
        .hasMessageContaining(
            "instance dev-1 is live on it, 1 uncommitted file, 1 untracked file,"
                + " 1 commit not on main");
    assertThat(pathOf("dev-1").resolve("notes/new.txt")).exists();
    assertThat(git(repo, "for-each-ref", "refs/baton/")).isBlank();
  }

  @Test
  void forceSavesARefFromWhichEveryFileComesBack() {
    start("dev-1");
    commit("dev-1", "a.txt", "committed\n");
    Path wt = pathOf("dev-1");
    write(wt.resolve("src/app.py"), "changed\n");
    write(wt.resolve("notes/new.txt"), "untracked\n");
    git(wt, "rm", "-q", "a.txt");
    instances.deregister("dev-1");

    Removal r = worktrees.remove("dev-1", true);

    assertThat(r.forced()).isTrue();
    assertThat(r.savedRef()).startsWith("refs/baton/saved/dev-1/");
    assertThat(wt).doesNotExist();
    assertThat(git(repo, "branch", "--list", "instance/dev-1")).isBlank();
    assertThat(worktrees.find("dev-1").orElseThrow().removed()).isTrue();

    Worktree back = worktrees.restore("dev-1", null);

    assertThat(back.path()).isEqualTo(wt);
    assertThat(wt.resolve("src/app.py")).hasContent("changed");
    assertThat(wt.resolve("notes/new.txt")).hasContent("untracked");
    assertThat(wt.resolve("a.txt")).doesNotExist();
    assertThat(git(wt, "log", "-1", "--format=%s").strip()).isEqualTo("add a.txt");
    assertThat(git(wt, "status", "--porcelain").lines().toList())
        .containsExactlyInAnyOrder(" D a.txt", " M src/app.py", "?? notes/");
    assertThat(git(repo, "worktree", "list", "--porcelain"))
        .contains("locked baton instance dev-1");
  }

  @Test
  void aResumedInstanceGetsItsOwnWorktreeBackWhileOthersAreCreated() {
    start("dev-1");
    write(pathOf("dev-1").resolve("mine.txt"), "dev-1's work\n");
    instances.deregister("dev-1");
    worktrees.remove("dev-1", true);

    List<CompletableFuture<Instance>> others = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String id = "other-" + i;
      others.add(CompletableFuture.supplyAsync(() -> start(id)));
    }
    Instance back = start("dev-1");
    others.forEach(CompletableFuture::join);

    assertThat(back.worktree()).isEqualTo(repo.resolveSibling("repo.worktrees").resolve("dev-1"));
    assertThat(back.worktree().resolve("mine.txt")).hasContent("dev-1's work");
    for (int i = 0; i < 6; i++) {
      assertThat(pathOf("other-" + i).resolve("mine.txt")).doesNotExist();
      assertThat(pathOf("other-" + i)).isNotEqualTo(back.worktree());
    }
  }

  @Test
  void theJanitorRemovesAnEndedLandedWorktreeAfterTheRetentionAndKeepsWork() {
    start("done");
    start("busy");
    commit("busy", "b.txt", "not landed\n");
    instances.deregister("done");
    instances.deregister("busy");

    assertThat(worktrees.sweep()).isEmpty(); // notes that they ended
    clock.advance(Duration.ofDays(6));
    assertThat(worktrees.sweep()).isEmpty();
    clock.advance(Duration.ofDays(2));

    List<Removal> removed = worktrees.sweep();

    assertThat(removed).extracting(r -> r.worktree().instance()).containsExactly("done");
    assertThat(pathOf("busy")).exists();
    assertThat(worktrees.inspect("busy").kept()).containsExactly("1 commit not on main");
  }

  @Test
  void removingAnInstanceWithoutAWorktreeSaysSo() {
    assertThatThrownBy(() -> worktrees.remove("ghost", false))
        .isInstanceOf(WorktreeNotFoundException.class)
        .hasMessageContaining("instance ghost has no worktree");
  }
}
