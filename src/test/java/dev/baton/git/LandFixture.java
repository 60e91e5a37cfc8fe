package dev.baton.git;

import static dev.baton.testing.GitRepos.git;

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
import org.junit.jupiter.api.io.TempDir;

/**
 * A real store, the registry and the land service over real git repositories in a temporary
 * directory, with helpers to make instances in their own worktrees, commit and land.
 */
public abstract class LandFixture {
  /** This machine's name, as the land service under test knows it. */
  protected static final String HOST = "this-machine";

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

  /** The store the services under test use. */
  protected Store store() {
    return store;
  }

  /** The configuration of the store under test, to open it a second time (another node). */
  protected StoreConfig config() {
    return config;
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
            new DefaultLandService.Stores(store.lands(), instances, store.worktrees()),
            new DefaultLandService.Setup(
                queue,
                new GitConfig(null, landCheck, Duration.ofDays(7), Duration.ofMinutes(1)),
                dir.resolve("data/lands"),
                HOST),
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

  protected List<String> subjects(String ref) {
    return List.of(git(repo, "log", "--format=%s", ref).strip().split("\n"));
  }
}
