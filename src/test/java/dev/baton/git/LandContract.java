package dev.baton.git;

import static dev.baton.testing.GitRepos.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.core.InvalidInputException;
import dev.baton.events.Event;
import dev.baton.events.internal.EventBus;
import dev.baton.git.internal.DefaultLandService;
import dev.baton.git.internal.GitQueue;
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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Landing through the real service over a real store and real git repositories: instances in their
 * own worktrees land in order, conflicts name the files and who landed them, the base checked out
 * in the main worktree is fast-forwarded or refused, the land-check guards the base, the agent's
 * branch follows the landed commits, and a land cut short by a stopping broker completes after.
 * Subclassed once per backend.
 */
public abstract class LandContract {
  @TempDir protected Path dir;
  private final MutableClock clock = MutableClock.at("2026-12-07T10:00:00Z");
  protected final List<Event> published = Collections.synchronizedList(new ArrayList<>());
  private StoreConfig config;
  private Store store;
  private GitQueue queue;
  protected InstanceService instances;
  protected DefaultLandService lands;
  protected Path repo;

  /** A fresh, empty store's configuration; opened twice when a test reopens it. */
  protected abstract StoreConfig storeConfig();

  @BeforeEach
  void setUp() {
    config = storeConfig();
    repo = GitRepos.create(dir.resolve("repo"));
    open(null);
  }

  /** Opens the store and the services, with this land-check (or none). */
  protected void open(String landCheck) {
    EventBus bus = new EventBus();
    bus.subscribe(published::add);
    store = SqlStore.open(config, clock, bus::publish, new PrometheusRegistry());
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
    queue = new GitQueue();
    lands =
        new DefaultLandService(
            store.lands(),
            instances,
            queue,
            new GitConfig(null, landCheck, Duration.ofDays(7), Duration.ofMinutes(1)),
            dir.resolve("data/lands"),
            clock);
  }

  protected void reopen(String landCheck) {
    close();
    open(landCheck);
  }

  @AfterEach
  void close() {
    lands.close();
    queue.close();
    store.close();
  }

  /** A worktree on {@code instance/<id>} from main, and the instance registered from inside it. */
  protected Path agent(String id) {
    Path wt = GitRepos.addWorktree(repo, dir.resolve("wt").resolve(id), "instance/" + id);
    instances.register(new RegisterRequest("developer", wt.toString(), id, "cli"));
    return wt;
  }

  protected static void write(Path wt, String file, String text) {
    try {
      Files.createDirectories(wt.resolve(file).getParent());
      Files.writeString(wt.resolve(file), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  protected static String commit(Path wt, String file, String text) {
    write(wt, file, text);
    git(wt, "add", "-A");
    git(wt, "commit", "-q", "-m", "change " + file);
    return head(wt, "HEAD");
  }

  protected static String head(Path dir, String ref) {
    return git(dir, "rev-parse", ref).strip();
  }

  protected Land landed(Land queued) throws Exception {
    return lands.outcome(queued.id()).get(60, TimeUnit.SECONDS);
  }

  protected Land land(String instance) throws Exception {
    return landed(lands.land(new LandRequest(instance, null)));
  }

  private List<String> subjects(String ref) {
    return List.of(git(repo, "log", "--format=%s", ref).strip().split("\n"));
  }

  @Test
  void twoInstancesLandTheirCommitsOneAfterTheOtherAndTheBaseStaysLinear() throws Exception {
    git(repo, "checkout", "-q", "--detach"); // main is checked out nowhere: moved by update-ref
    Path a = agent("dev-a");
    Path b = agent("dev-b");
    commit(a, "a.txt", "from a\n");
    commit(b, "b.txt", "from b\n");

    Land first = lands.land(new LandRequest("dev-a", "main"));
    Land second = lands.land(new LandRequest("dev-b", "main"));
    assertThat(first.status()).isEqualTo(LandStatus.QUEUED);
    Land la = landed(first);
    Land lb = landed(second);

    assertThat(la.status()).isEqualTo(LandStatus.LANDED);
    assertThat(lb.status()).isEqualTo(LandStatus.LANDED);
    assertThat(lb.oldBase()).isEqualTo(la.newHead());
    assertThat(head(repo, "main")).isEqualTo(lb.newHead());
    assertThat(subjects("main")).containsExactly("change b.txt", "change a.txt", "init");
    assertThat(git(repo, "rev-list", "--merges", "main")).isBlank();
    assertThat(la.files()).containsExactly("a.txt");
    assertThat(Files.list(dir.resolve("data/lands")).toList()).isEmpty();
    assertThat(git(repo, "worktree", "list")).doesNotContain("land-");
    List<String> types =
        published.stream()
            .filter(e -> "dev-b".equals(e.instance()) && e.type().startsWith("land."))
            .map(Event::type)
            .toList();
    assertThat(types).containsExactly(LandEvents.QUEUED, LandEvents.STARTED, LandEvents.LANDED);
    assertThat(lands.list(repo.toString(), null, 10))
        .extracting(Land::id)
        .containsExactly(la.id(), lb.id());
  }

  @Test
  void aConflictNamesTheFilesAndWhoLandedThemLastAndLeavesTheBaseAlone() throws Exception {
    Path a = agent("dev-a");
    Path b = agent("dev-b");
    commit(a, "src/app.py", "print('a')\n");
    commit(b, "src/app.py", "print('b')\n");
    assertThat(land("dev-a").status()).isEqualTo(LandStatus.LANDED);
    String before = head(repo, "main");

    Land c = land("dev-b");

    assertThat(c.status()).isEqualTo(LandStatus.CONFLICTED);
    assertThat(c.conflicts()).containsExactly(new LandConflict("src/app.py", "dev-a"));
    assertThat(c.error()).contains("src/app.py", "git rebase main");
    assertThat(head(repo, "main")).isEqualTo(before);
    assertThat(git(repo, "status", "--porcelain")).isBlank();
    assertThat(git(repo, "worktree", "list")).doesNotContain("land-");
    assertThat(published)
        .anySatisfy(
            e -> {
              assertThat(e.type()).isEqualTo(LandEvents.CONFLICTED);
              assertThat(e.instance()).isEqualTo("dev-b");
              assertThat(e.data().toString()).contains("src/app.py", "dev-a");
            });
  }

  @Test
  void aBaseCheckedOutCleanInTheMainWorktreeIsFastForwardedThere() throws Exception {
    Path a = agent("dev-a");
    commit(a, "docs/a.md", "# a\n");

    Land l = land("dev-a");

    assertThat(l.status()).isEqualTo(LandStatus.LANDED);
    assertThat(head(repo, "HEAD")).isEqualTo(l.newHead());
    assertThat(Files.readString(repo.resolve("docs/a.md"))).isEqualTo("# a\n");
    assertThat(git(repo, "status", "--porcelain")).isBlank();
  }

  @Test
  void aBaseCheckedOutWithUncommittedChangesIsRefusedNamingTheFiles() throws Exception {
    Path a = agent("dev-a");
    commit(a, "docs/a.md", "# a\n");
    write(repo, "src/app.py", "print('edited by a human')\n");
    String before = head(repo, "main");

    Land l = land("dev-a");

    assertThat(l.status()).isEqualTo(LandStatus.FAILED);
    assertThat(l.error())
        .contains("main is checked out in " + repo, "src/app.py", "commit or stash");
    assertThat(head(repo, "main")).isEqualTo(before);
    assertThat(Files.readString(repo.resolve("src/app.py"))).contains("edited by a human");
  }

  @Test
  void aFailingLandCheckFailsTheLandWithItsOutputAndLeavesTheBaseAlone() throws Exception {
    reopen("echo checking $(ls a.txt); echo 'tests broke' >&2; exit 7");
    Path a = agent("dev-a");
    commit(a, "a.txt", "a\n");
    String before = head(repo, "main");

    Land l = land("dev-a");

    assertThat(l.status()).isEqualTo(LandStatus.FAILED);
    assertThat(l.error()).contains("exit 7", "checking a.txt", "tests broke");
    assertThat(head(repo, "main")).isEqualTo(before);
    assertThat(published).anyMatch(e -> e.type().equals(LandEvents.FAILED));
  }

  @Test
  void aPassingLandCheckRunsInTheRebasedTree() throws Exception {
    Path b = agent("dev-b");
    Path a = agent("dev-a");
    commit(b, "b.txt", "b\n");
    assertThat(land("dev-b").status()).isEqualTo(LandStatus.LANDED);
    reopen("test -f a.txt && test -f b.txt");
    commit(a, "a.txt", "a\n");

    assertThat(land("dev-a").status()).isEqualTo(LandStatus.LANDED);
  }

  @Test
  void theAgentsBranchIsResetToTheLandedCommitsUnlessItHasUncommittedWork() throws Exception {
    Path a = agent("dev-a");
    Path b = agent("dev-b");
    commit(a, "a.txt", "a\n");
    commit(b, "b.txt", "b\n");
    write(b, "b.txt", "half done\n");
    assertThat(land("dev-a").status()).isEqualTo(LandStatus.LANDED);
    String bBefore = head(b, "HEAD");

    Land lb = land("dev-b");

    assertThat(lb.status()).isEqualTo(LandStatus.LANDED);
    assertThat(lb.note()).contains("left instance/dev-b", "uncommitted changes in b.txt");
    assertThat(head(b, "HEAD")).isEqualTo(bBefore);
    assertThat(Files.readString(b.resolve("b.txt"))).isEqualTo("half done\n");
    Land la = lands.list(null, "dev-a", 1).get(0);
    assertThat(la.note()).contains("instance/dev-a is at the landed commits");
    assertThat(head(a, "HEAD")).isEqualTo(la.newHead());

    commit(a, "a2.txt", "more\n");
    Land again = land("dev-a");
    assertThat(again.status()).isEqualTo(LandStatus.LANDED);
    assertThat(again.note()).contains("reset instance/dev-a in " + a);
    assertThat(git(a, "status", "--porcelain")).isBlank();
    assertThat(git(repo, "log", "--format=%s", "main").strip().split("\n"))
        .containsExactly("change a2.txt", "change b.txt", "change a.txt", "init");
    assertThat(head(a, "HEAD")).isEqualTo(head(repo, "main"));
  }

  @Test
  void aLandCutShortByAStoppingBrokerCompletesAfterTheRestart() throws Exception {
    Path marker = dir.resolve("check-started");
    reopen("touch " + marker + "; sleep 60");
    Path a = agent("dev-a");
    commit(a, "a.txt", "a\n");
    Land queued = lands.land(new LandRequest("dev-a", null));
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(marker));
    String before = head(repo, "main");

    reopen(null);
    assertThat(lands.get(queued.id()).status()).isEqualTo(LandStatus.STARTED);
    assertThat(head(repo, "main")).isEqualTo(before);
    lands.resumeUnfinished();

    Land l = landed(queued);
    assertThat(l.status()).isEqualTo(LandStatus.LANDED);
    assertThat(head(repo, "main")).isEqualTo(l.newHead());
    assertThat(subjects("main")).containsExactly("change a.txt", "init");
  }

  @Test
  void anInstanceWithoutAWorktreeOrWithNothingToLandIsToldWhatToDo() {
    instances.register(new RegisterRequest("developer", repo.toString(), "dev-main", "cli"));
    assertThatThrownBy(() -> lands.land(new LandRequest("dev-main", null)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("dev-main works in " + repo + " itself")
        .hasMessageContaining("git worktree add -b instance/dev-main");
    agent("dev-a");
    assertThatThrownBy(() -> lands.land(new LandRequest("dev-a", null)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("nothing to land: instance/dev-a has no commit that main lacks");
    assertThatThrownBy(() -> lands.land(new LandRequest("dev-a", "nope")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("base branch 'nope' does not exist");
    assertThatThrownBy(() -> lands.get(99)).isInstanceOf(LandNotFoundException.class);
    assertThat(lands.list(null, null, 10)).isEmpty();
  }
}
