package dev.baton.git.internal;

import dev.baton.core.InvalidInputException;
import dev.baton.events.NewEvent;
import dev.baton.git.GitCheckouts;
import dev.baton.git.GitConfig;
import dev.baton.git.Land;
import dev.baton.git.LandConflict;
import dev.baton.git.LandEvents;
import dev.baton.git.LandNotFoundException;
import dev.baton.git.LandRequest;
import dev.baton.git.LandService;
import dev.baton.git.LandStatus;
import dev.baton.git.LandStore;
import dev.baton.git.Worktree;
import dev.baton.git.WorktreeStore;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lands over a {@link LandStore}: one lander thread per repository takes its lands in id order, and
 * the git work that touches shared state goes through the repository's {@link GitQueue}. A land is
 * stored as landed only after the base ref moved; one that a stopped broker left queued or started
 * is taken up again by {@link #resumeUnfinished()}. Thread-safe.
 */
public final class DefaultLandService implements LandService, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultLandService.class);
  private static final Set<LandStatus> RUNNING = EnumSet.of(LandStatus.STARTED);

  /** The longest a land-check may run: a test suite can take a while. */
  public static final Duration LAND_CHECK_TIMEOUT = Duration.ofMinutes(30);

  /** How often a broker looks for lands that a stopped node on this machine left unfinished. */
  public static final Duration TAKE_UP_EVERY = Duration.ofSeconds(10);

  /** What lands read and write: the lands, the registry and the instances' worktrees. */
  public record Stores(LandStore lands, InstanceService instances, WorktreeStore worktrees) {}

  /**
   * Where and how lands run.
   *
   * @param queue the broker's one git queue per repository
   * @param scratchRoot where baton makes its own scratch worktrees, e.g. {@code <data>/lands}
   * @param host this machine's name: a broker takes up only the lands of its own machine
   */
  public record Setup(GitQueue queue, GitConfig config, Path scratchRoot, String host) {}

  private final LandStore store;
  private final InstanceService instances;
  private final WorktreeStore worktrees;
  private final Refs refs;
  private final Landing landing;
  private final String host;
  private final Clock clock;
  private final Map<Path, ThreadPoolExecutor> landers = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<Land>> waiting = new ConcurrentHashMap<>();

  /** The lands scheduled on a lander and not yet run to their end, so none is scheduled twice. */
  private final Set<Long> scheduled = ConcurrentHashMap.newKeySet();

  private final UnfinishedLands unfinished;
  private volatile boolean closed;

  public DefaultLandService(Stores stores, Setup setup, Clock clock) {
    this.store = stores.lands();
    this.instances = stores.instances();
    this.worktrees = stores.worktrees();
    this.refs = new Refs(new Git(setup.config().timeout()));
    this.landing =
        new Landing(
            refs,
            setup.queue(),
            setup.scratchRoot(),
            new LandCheck(setup.config().landCheck(), LAND_CHECK_TIMEOUT));
    this.host = setup.host();
    this.clock = clock;
    this.unfinished = new UnfinishedLands(store, setup, landing, this::schedule);
  }

  @Override
  public Land land(LandRequest request) {
    if (request.instance() == null || request.instance().isBlank()) {
      throw new InvalidInputException(
          "field 'instance' is required: the instance whose branch lands",
          Map.of("field", "instance"));
    }
    Instance me = instances.get(request.instance().strip());
    if (me.worktree() == null || me.branch() == null) {
      throw new InvalidInputException(
          me.id()
              + " works in "
              + (me.worktree() == null ? me.workspace() + " itself" : me.worktree())
              + (me.branch() == null ? " with a detached HEAD" : "")
              + ", not in a worktree on a branch of its own; landing takes an instance's worktree"
              + " branch (make one with 'git worktree add -b instance/"
              + me.id()
              + " DIR' and register from there)",
          Map.of("field", "instance", "instance", me.id()));
    }
    for (Land l : store.list(me.workspace().toString(), me.id(), 5)) {
      if (!l.status().finished()) {
        return l;
      }
    }
    Path repo = me.workspace();
    String base = base(me, request.base());
    if (base.equals(me.branch())) {
      throw new InvalidInputException(
          me.id() + "'s branch " + base + " is the base itself; there is nothing to land it on",
          Map.of("field", "base"));
    }
    Integer ahead = refs.ahead(repo, base, me.branch());
    if (ahead == null) {
      ahead = aheadOrRefuse(me, repo, base);
    }
    if (ahead == 0) {
      throw new InvalidInputException(
          "nothing to land: "
              + me.branch()
              + " has no commit that "
              + base
              + " lacks; commit your work in "
              + me.worktree()
              + " first",
          Map.of("field", "instance", "branch", me.branch()));
    }
    Land queued =
        store.insert(
            Land.queued(repo, me.id(), me.branch(), base, me.worktree(), clock.instant()),
            host,
            l -> event(LandEvents.QUEUED, l, Map.of()));
    schedule(queued);
    return queued;
  }

  /** Says which of the base and the instance's branch is not a branch, else counts again. */
  private int aheadOrRefuse(Instance me, Path repo, String base) {
    String baseTip = refs.branch(repo, base);
    if (baseTip == null) {
      throw new InvalidInputException(
          "base branch '" + base + "' does not exist in " + repo + "; name an existing branch",
          Map.of("field", "base", "base", base));
    }
    String tip = refs.branch(repo, me.branch());
    if (tip == null) {
      throw new InvalidInputException(
          me.id() + "'s branch " + me.branch() + " does not exist in " + repo,
          Map.of("field", "instance", "branch", me.branch()));
    }
    return refs.count(repo, baseTip, tip);
  }

  /**
   * The branch to land on: the one asked for, else the one the instance's worktree was made from,
   * else the main worktree's.
   */
  private String base(Instance me, String requested) {
    if (requested != null && !requested.isBlank()) {
      String b = requested.strip();
      return b.startsWith("refs/heads/") ? b.substring("refs/heads/".length()) : b;
    }
    Optional<String> recorded =
        worktrees.find(me.id()).filter(w -> w.removedAt() == null).map(Worktree::base);
    if (recorded.isPresent() && recorded.get() != null) {
      return recorded.get();
    }
    String main = GitCheckouts.locate(me.workspace()).branch();
    if (main == null) {
      throw new InvalidInputException(
          "the main worktree "
              + me.workspace()
              + " has a detached HEAD, so there is no default base; name one (--base main)",
          Map.of("field", "base"));
    }
    return main;
  }

  @Override
  public Land get(long id) {
    return store.find(id).orElseThrow(() -> new LandNotFoundException(id));
  }

  @Override
  public List<Land> list(String workspace, String instance, int limit) {
    if (limit < 1) {
      throw new InvalidInputException("limit must be at least 1", Map.of("field", "limit"));
    }
    List<Land> newest =
        new ArrayList<>(
            store.list(
                workspace == null || workspace.isBlank() ? null : workspace.strip(),
                instance == null || instance.isBlank() ? null : instance.strip(),
                limit));
    java.util.Collections.reverse(newest);
    return newest;
  }

  @Override
  public CompletableFuture<Land> outcome(long id) {
    Land now = get(id);
    if (now.status().finished()) {
      return CompletableFuture.completedFuture(now);
    }
    CompletableFuture<Land> f = waiting.computeIfAbsent(id, k -> new CompletableFuture<>());
    Land again = get(id); // it may have finished before the future was there
    if (again.status().finished()) {
      f.complete(again);
    }
    return f;
  }

  /**
   * Takes up the unfinished lands of this machine that no running broker node has, now and then
   * every {@link #TAKE_UP_EVERY} (see {@link UnfinishedLands}).
   */
  @Override
  public void resumeUnfinished() {
    unfinished.start();
  }

  /** Runs {@code land} on its repository's lander, unless it is there already. */
  private void schedule(Land land) {
    if (!scheduled.add(land.id())) {
      return;
    }
    if (land.status() == LandStatus.STARTED) {
      LOG.info("land #{} of {} was started; taking it up again", land.id(), land.branch());
    }
    lander(land.workspace())
        .execute(
            () -> {
              try {
                process(land.id());
              } finally {
                scheduled.remove(land.id());
              }
            });
  }

  /** The repository's lander: one thread, lands in the order they came. */
  private ThreadPoolExecutor lander(Path repo) {
    return landers.computeIfAbsent(
        repo,
        r ->
            new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(),
                task -> {
                  Thread t = new Thread(task, "baton-lander " + r.getFileName());
                  t.setDaemon(true);
                  return t;
                }));
  }

  /** On the repository's lander: runs one land to its outcome; what goes wrong is logged. */
  private void process(long id) {
    try {
      runLand(id);
    } catch (RuntimeException e) {
      LOG.warn("land #{} could not finish: {}", id, e.toString());
    }
  }

  private void runLand(long id) {
    Land land = store.find(id).orElse(null);
    if (land == null || closed) {
      return;
    }
    if (land.status() == LandStatus.QUEUED) {
      land =
          store
              .update(
                  land.started(clock.instant()),
                  EnumSet.of(LandStatus.QUEUED),
                  l -> event(LandEvents.STARTED, l, Map.of()))
              .orElse(land);
    }
    Land done = land;
    if (land.status() == LandStatus.STARTED) {
      try {
        ThreadPoolExecutor lander = lander(land.workspace());
        done =
            finish(
                land, landing.run(land, this::recordRebased, () -> !lander.getQueue().isEmpty()));
      } catch (RuntimeException e) {
        if (closed) {
          return; // left started: the next broker takes it up again
        }
        done =
            finish(
                land,
                new Landing.Outcome.Failed(e.getMessage() == null ? e.toString() : e.getMessage()));
      }
    }
    CompletableFuture<Land> f = waiting.remove(id);
    if (f != null) {
      f.complete(done);
    }
  }

  private Land recordRebased(Land rebased) {
    return store.update(rebased, RUNNING, null).orElseThrow();
  }

  private Land finish(Land land, Landing.Outcome outcome) {
    Instant now = clock.instant();
    Land finished;
    if (outcome instanceof Landing.Outcome.Landed l) {
      finished =
          store
              .update(l.land().landed(l.files(), l.note(), now), RUNNING, this::landedEvent)
              .orElseThrow();
    } else if (outcome instanceof Landing.Outcome.Conflicted c) {
      finished =
          store
              .update(
                  land.conflicted(conflicts(land, c.files()), c.why(), now),
                  RUNNING,
                  x -> event(LandEvents.CONFLICTED, x, Map.of("conflicts", conflictData(x))))
              .orElseThrow();
    } else {
      String why = ((Landing.Outcome.Failed) outcome).why();
      finished =
          store
              .update(
                  land.failed(why, now),
                  RUNNING,
                  x -> event(LandEvents.FAILED, x, Map.of("error", cut(why))))
              .orElseThrow();
    }
    LOG.info(
        "land #{} of {} on {}: {}",
        finished.id(),
        finished.branch(),
        finished.base(),
        finished.status().wireName());
    return finished;
  }

  private List<LandConflict> conflicts(Land land, List<String> files) {
    Map<String, String> by = store.lastLanders(land.workspace().toString(), land.base(), files);
    return files.stream().map(f -> new LandConflict(f, by.get(f))).toList();
  }

  private static List<Map<String, Object>> conflictData(Land l) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (LandConflict c : l.conflicts()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", c.file());
      m.put("lastLandedBy", c.lastLandedBy());
      out.add(m);
    }
    return out;
  }

  private NewEvent landedEvent(Land l) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("from", l.oldBase());
    data.put("to", l.newHead());
    data.put("files", l.files().size() > 50 ? l.files().subList(0, 50) : l.files());
    data.put("note", l.note());
    return event(LandEvents.LANDED, l, data);
  }

  private static NewEvent event(String type, Land l, Map<String, Object> extra) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("land", l.id());
    data.put("branch", l.branch());
    data.put("base", l.base());
    data.put("status", l.status().wireName());
    data.putAll(extra);
    return new NewEvent(type, l.workspace().toString(), l.instance(), data);
  }

  private static String cut(String text) {
    return text.length() <= 1000 ? text : text.substring(0, 1000) + "...";
  }

  /** Stops taking lands; one in progress stays started and the next broker takes it up again. */
  @Override
  public void close() {
    closed = true;
    unfinished.close();
    landers.values().forEach(ExecutorService::shutdownNow);
  }
}
