package dev.baton.git.internal;

import dev.baton.core.InvalidInputException;
import dev.baton.events.NewEvent;
import dev.baton.git.GitCheckouts;
import dev.baton.git.GitConfig;
import dev.baton.git.NotAGitCheckoutException;
import dev.baton.git.Removal;
import dev.baton.git.Worktree;
import dev.baton.git.WorktreeEvents;
import dev.baton.git.WorktreeKeptException;
import dev.baton.git.WorktreeNotFoundException;
import dev.baton.git.WorktreeService;
import dev.baton.git.WorktreeSnapshot;
import dev.baton.git.WorktreeStore;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceFilter;
import dev.baton.registry.InstanceNotFoundException;
import dev.baton.registry.InstanceService;
import dev.baton.registry.InvalidWorkspaceException;
import dev.baton.registry.RegisterRequest;
import dev.baton.registry.Registration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worktrees over a {@link WorktreeStore}, git and the registry. Changes to a repository (worktrees,
 * branches, saved refs) and the rows that record them run one after another in its git queue;
 * inspections read without queueing. Thread-safe.
 */
public final class DefaultWorktreeService implements WorktreeService, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultWorktreeService.class);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

  private final WorktreeStore store;
  private final InstanceService instances;
  private final GitConfig config;
  private final Clock clock;
  private final GitQueue queue;
  private final Checkouts checkouts;
  private final WorkState state;
  private final Inspector inspector;

  /**
   * @param queue the broker's git queue, shared with landing, so that all git work that changes a
   *     repository runs one step after another
   */
  public DefaultWorktreeService(
      WorktreeStore store,
      InstanceService instances,
      GitQueue queue,
      GitConfig config,
      Clock clock) {
    this.store = store;
    this.queue = queue;
    this.instances = instances;
    this.config = config;
    this.clock = clock;
    Git git = new Git(config.timeout());
    this.checkouts = new Checkouts(git);
    this.state = new WorkState(git);
    this.inspector = new Inspector(state);
  }

  @Override
  public Registration register(RegisterRequest request, String base) {
    if (request.workspace() == null || request.workspace().isBlank()) {
      throw new InvalidInputException(
          "field 'workspace' is required", Map.of("field", "workspace"));
    }
    if (!Path.of(request.workspace()).isAbsolute()) {
      throw new InvalidWorkspaceException(
          request.workspace(), "workspace '" + request.workspace() + "' is not an absolute path");
    }
    Path workspace;
    try {
      workspace = GitCheckouts.locate(Path.of(request.workspace())).workspace();
    } catch (NotAGitCheckoutException e) {
      throw new InvalidWorkspaceException(e.path(), e.getMessage());
    }
    boolean hadOne = request.id() != null && store.find(request.id()).isPresent();
    if (!hadOne) {
      check(workspace, base);
    }
    Registration registration = instances.register(request);
    String id = registration.instance().id();
    try {
      open(id, base);
    } catch (RuntimeException e) {
      if (registration.created()) {
        instances.deregister(id);
      }
      throw e;
    }
    return new Registration(
        instances.get(id),
        registration.created(),
        registration.ttl(),
        registration.heartbeatInterval());
  }

  /** Refuses a base that is not a branch and a root inside the repository's tracked tree. */
  private String check(Path workspace, String base) {
    String b = base == null || base.isBlank() ? checkouts.defaultBase(workspace) : base.strip();
    checkouts.requireBranch(workspace, b);
    checkouts.requireOutsideTrackedTrees(workspace, config.worktreeRootFor(workspace));
    return b;
  }

  @Override
  public Worktree open(String id, String base) {
    Optional<Worktree> had = store.find(id);
    if (had.isPresent()) {
      Worktree back =
          queue.call(had.get().workspace(), () -> giveBack(store.find(id).orElseThrow()));
      place(back);
      return back;
    }
    Instance instance = instances.get(id);
    Worktree made =
        queue.call(
            instance.workspace(),
            () ->
                store
                    .find(id)
                    .map(this::giveBack)
                    .orElseGet(() -> create(instance, check(instance.workspace(), base))));
    place(made);
    return made;
  }

  /** Records the worktree on the instance's row, if the instance is registered. */
  private void place(Worktree w) {
    try {
      instances.placeIn(w.instance(), w.path(), w.branch());
    } catch (InstanceNotFoundException e) {
      // it ended: its worktree waits for it to come back
    }
  }

  private Worktree create(Instance instance, String base) {
    Path workspace = instance.workspace();
    Path path = config.worktreeRootFor(workspace).resolve(instance.id());
    String branch = Checkouts.BRANCH_PREFIX + instance.id();
    checkouts.add(workspace, path, branch, base, instance.id());
    Worktree made =
        new Worktree(
            instance.id(),
            instance.role(),
            workspace,
            Checkouts.realOrAbsolute(path),
            branch,
            base,
            now(),
            null,
            null,
            null);
    LOG.info("made worktree {} on {} from {} for {}", made.path(), branch, base, instance.id());
    return store.save(made, event(WorktreeEvents.CREATED, made, Map.of()));
  }

  /** The instance's own worktree: as it is, or made again from its branch or saved state. */
  private Worktree giveBack(Worktree had) {
    if (!had.removed() && Files.isDirectory(had.path())) {
      return had.endedAt() == null ? had : store.save(had.ended(null), null);
    }
    if (!had.removed() && checkouts.branchExists(had.workspace(), had.branch())) {
      checkouts.forgetMissing(had.workspace(), had.path());
      checkouts.add(had.workspace(), had.path(), had.branch(), had.base(), had.instance());
      Worktree back = had.restored(had.path(), had.savedRef());
      return store.save(back, event(WorktreeEvents.RESTORED, back, Map.of("ref", had.branch())));
    }
    List<String> saved = state.savedRefs(had.workspace(), had.instance());
    if (saved.isEmpty()) {
      throw new InvalidInputException(
          "the worktree of "
              + had.instance()
              + " is gone and neither its branch "
              + had.branch()
              + " nor a saved state is left; deregister the instance and start a new one",
          Map.of("instance", had.instance()));
    }
    return restoreFrom(had, saved.get(0));
  }

  private Worktree restoreFrom(Worktree had, String ref) {
    Path workspace = had.workspace();
    String saved = state.commit(workspace, ref);
    if (!checkouts.branchExists(workspace, had.branch())) {
      checkouts.createBranch(workspace, had.branch(), state.branchHead(workspace, saved));
    }
    checkouts.forgetMissing(workspace, had.path());
    checkouts.add(workspace, had.path(), had.branch(), had.base(), had.instance());
    state.restore(had.path(), saved);
    Worktree back = had.restored(had.path(), had.savedRef());
    LOG.info("restored worktree {} of {} from {}", had.path(), had.instance(), ref);
    return store.save(back, event(WorktreeEvents.RESTORED, back, Map.of("ref", ref)));
  }

  @Override
  public Optional<Worktree> find(String instance) {
    return store.find(instance);
  }

  @Override
  public List<WorktreeSnapshot> list(Path workspace, boolean withRemoved) {
    String root = workspace == null ? null : GitCheckouts.locate(workspace).workspace().toString();
    List<Instance> live = instances.list(new InstanceFilter(root, null));
    return store.list(root, withRemoved).stream().map(w -> inspector.snapshot(w, live)).toList();
  }

  @Override
  public WorktreeSnapshot inspect(String instance) {
    Worktree w = store.find(instance).orElseThrow(() -> new WorktreeNotFoundException(instance));
    return inspector.snapshot(
        w, instances.list(new InstanceFilter(w.workspace().toString(), null)));
  }

  @Override
  public Removal remove(String instance, boolean force) {
    Worktree w =
        store
            .find(instance)
            .filter(x -> !x.removed())
            .orElseThrow(() -> new WorktreeNotFoundException(instance));
    return queue.call(
        w.workspace(),
        () -> {
          WorktreeSnapshot now = inspect(instance);
          if (now.worktree().removed()) {
            throw new WorktreeNotFoundException(instance);
          }
          if (!now.removable() && !force) {
            throw new WorktreeKeptException(now.worktree(), now.kept());
          }
          return removeNow(now, force);
        });
  }

  /** Saves the worktree's full state, then removes it and its branch. Runs in the queue. */
  private Removal removeNow(WorktreeSnapshot s, boolean force) {
    Worktree w = s.worktree();
    Instant at = now();
    String ref = state.save(w.workspace(), w.path(), w.branch(), w.instance(), STAMP.format(at));
    checkouts.remove(w.workspace(), w.path(), w.branch());
    Worktree gone = w.removed(at, ref);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("savedRef", ref);
    data.put("forced", force && !s.removable());
    data.put("kept", s.kept());
    store.save(gone, event(WorktreeEvents.REMOVED, gone, data));
    LOG.info(
        "removed worktree {} of {}{}; its state is saved as {}",
        w.path(),
        w.instance(),
        s.removable() ? "" : " although it held " + String.join(", ", s.kept()),
        ref);
    return new Removal(gone, ref, !s.removable(), s.kept());
  }

  @Override
  public Worktree restore(String instance, String ref) {
    Worktree w = store.find(instance).orElseThrow(() -> new WorktreeNotFoundException(instance));
    Worktree back =
        queue.call(
            w.workspace(),
            () -> {
              Worktree had = store.find(instance).orElseThrow();
              if (!had.removed() && Files.isDirectory(had.path())) {
                throw new InvalidInputException(
                    "the worktree of "
                        + instance
                        + " exists at "
                        + had.path()
                        + "; remove it first ('baton worktree remove "
                        + instance
                        + "') or restore into it by hand with 'git read-tree -u --reset REF'",
                    Map.of("instance", instance));
              }
              if (ref != null && !ref.isBlank()) {
                return restoreFrom(had, ref.strip());
              }
              return giveBack(had);
            });
    place(back);
    return back;
  }

  @Override
  public List<Removal> sweep() {
    Instant now = now();
    List<Removal> removed = new ArrayList<>();
    for (WorktreeSnapshot s : list(null, false)) {
      Worktree w = s.worktree();
      if (!Files.isDirectory(w.workspace())) {
        continue; // another machine's repository (several brokers on one PostgreSQL store)
      }
      if (s.live()) {
        if (w.endedAt() != null) {
          store.save(w.ended(null), null);
        }
      } else if (w.endedAt() == null) {
        store.save(w.ended(now), null);
      } else if (!w.endedAt().plus(config.worktreeRetention()).isAfter(now) && s.removable()) {
        try {
          removed.add(remove(w.instance(), false));
        } catch (WorktreeKeptException | WorktreeNotFoundException e) {
          LOG.debug("kept worktree of {}: {}", w.instance(), e.getMessage());
        }
      }
    }
    return removed;
  }

  /** Holds nothing of its own: the git queue is the broker's, closed by the broker. */
  @Override
  public void close() {}

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static NewEvent event(String type, Worktree w, Map<String, Object> extra) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("path", w.path().toString());
    data.put("branch", w.branch());
    data.put("base", w.base());
    data.putAll(extra);
    return new NewEvent(type, w.workspace().toString(), w.instance(), data);
  }
}
