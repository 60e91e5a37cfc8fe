package dev.baton.leases.internal;

import dev.baton.core.BatonException;
import dev.baton.core.InvalidInputException;
import dev.baton.events.Event;
import dev.baton.events.EventService;
import dev.baton.events.NewEvent;
import dev.baton.leases.AcquireRequest;
import dev.baton.leases.Coverage;
import dev.baton.leases.Holder;
import dev.baton.leases.Lease;
import dev.baton.leases.LeaseConfig;
import dev.baton.leases.LeaseConflictException;
import dev.baton.leases.LeaseEvents;
import dev.baton.leases.LeaseMode;
import dev.baton.leases.LeaseNotFoundException;
import dev.baton.leases.LeaseNotHeldException;
import dev.baton.leases.LeaseService;
import dev.baton.leases.LeaseStore;
import dev.baton.leases.LeaseTransfer;
import dev.baton.leases.LeaseTx;
import dev.baton.leases.PathPattern;
import dev.baton.leases.PathResolver;
import dev.baton.leases.QueuedRequest;
import dev.baton.leases.Waiting;
import dev.baton.leases.internal.WorkspaceQueue.Waiter;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceEvents;
import dev.baton.registry.InstanceNotFoundException;
import dev.baton.registry.InstanceService;
import dev.baton.registry.InvalidWorkspaceException;
import dev.baton.registry.WorkspaceResolver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases over a {@link LeaseStore}. Conflicts are decided inside one store transaction per
 * workspace; waiting requests queue per workspace and are retried, oldest first, as soon as a lease
 * in that workspace is released or expires (no polling). Thread-safe.
 */
public final class DefaultLeaseService implements LeaseService, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultLeaseService.class);
  private static final long RETRY_MS = 1000;

  private final LeaseStore store;
  private final InstanceService instances;
  private final WorkspaceResolver workspaces;
  private final PathResolver paths;
  private final LeaseConfig config;
  private final Clock clock;
  private final Map<Path, WorkspaceQueue> queues = new ConcurrentHashMap<>();
  private final ScheduledExecutorService executor;
  private final EventService.Subscription subscription;

  public DefaultLeaseService(
      LeaseStore store,
      InstanceService instances,
      WorkspaceResolver workspaces,
      PathResolver paths,
      LeaseConfig config,
      Clock clock,
      EventService events) {
    this.store = store;
    this.instances = instances;
    this.workspaces = workspaces;
    this.paths = paths;
    this.config = config;
    this.clock = clock;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "baton-lease-waiters");
              t.setDaemon(true);
              return t;
            });
    this.subscription = events.subscribe(this::onEvent);
    // A safety net, not the wake-up (releases on every node arrive as events): waiters are also
    // retried once a second, for a node's events lost while its listening connection reconnected,
    // and for a request that stopped waiting on another node, which leaves no event.
    executor.scheduleWithFixedDelay(
        () -> queues.keySet().forEach(this::serveWaiters),
        RETRY_MS,
        RETRY_MS,
        TimeUnit.MILLISECONDS);
  }

  @Override
  public CompletableFuture<List<Lease>> acquire(AcquireRequest request) {
    Plan plan;
    try {
      plan = plan(request);
    } catch (BatonException e) {
      return CompletableFuture.failedFuture(e);
    }
    WorkspaceQueue queue = queues.computeIfAbsent(plan.workspace(), w -> new WorkspaceQueue());
    synchronized (queue) {
      List<Waiting> ahead = ahead(queue, plan, Long.MAX_VALUE);
      List<Holder> holders = List.of();
      if (ahead.isEmpty()) {
        Attempt attempt = attempt(plan);
        if (attempt.granted() != null) {
          return CompletableFuture.completedFuture(attempt.granted());
        }
        holders = attempt.holders();
      }
      if (plan.waitFor().isZero()) {
        return CompletableFuture.failedFuture(
            new LeaseConflictException(plan.requested(), 0, holders, ahead));
      }
      Waiter waiter = new Waiter(plan, now());
      QueuedRequest queued =
          new QueuedRequest(
              0,
              plan.instance(),
              plan.role(),
              plan.patterns(),
              plan.mode(),
              waiter.since,
              waiter.since.plus(plan.waitFor()));
      waiter.order =
          store.enqueue(plan.workspace(), queued, LeaseEvents.waiting(plan.workspace(), queued));
      queue.add(waiter);
      waiter.timeout =
          executor.schedule(
              () -> timeOut(queue, waiter), plan.waitFor().toMillis(), TimeUnit.MILLISECONDS);
      LOG.debug("{} waits up to {} for {}", plan.instance(), plan.waitFor(), plan.requested());
      return waiter.future;
    }
  }

  /**
   * Grants the whole plan, or names what is in the way; one transaction. The overlap checks run
   * first, against a read of the workspace's leases, so that the store's writer is not held for
   * them: inside it only leases granted since the read are checked.
   */
  private Attempt attempt(Plan plan) {
    Clashes clashes = new Clashes(plan).learn(store.list(plan.workspace().toString(), null));
    return store.inWorkspace(
        plan.workspace(),
        tx -> {
          Instant now = now();
          List<Lease> live = tx.live(now, l -> event(LeaseEvents.EXPIRED, l, Map.of()));
          List<Holder> holders = new ArrayList<>();
          for (int i = 0; i < plan.patterns().size(); i++) {
            for (Lease l : live) {
              if (clashes.test(l, i)) {
                holders.add(Holder.of(l, plan.patterns().get(i).text(), now));
              }
            }
          }
          if (!holders.isEmpty()) {
            return new Attempt(null, holders);
          }
          List<Lease> granted = new ArrayList<>();
          for (PathPattern p : plan.patterns()) {
            granted.add(grant(tx, plan, p, live, now));
          }
          return new Attempt(granted, List.of());
        });
  }

  private Lease grant(LeaseTx tx, Plan plan, PathPattern pattern, List<Lease> live, Instant now) {
    for (Lease own : live) {
      if (own.instance().equals(plan.instance()) && own.pattern().equals(pattern)) {
        Lease renewed = renewal(own, plan, now);
        if (own.mode() == LeaseMode.SHARED && plan.mode() == LeaseMode.EXCLUSIVE) {
          Lease upgraded = tx.upgrade(renewed, now);
          tx.emit(event(LeaseEvents.ACQUIRED, upgraded, Map.of("upgraded", true)));
          return upgraded;
        }
        tx.renew(renewed);
        return renewed;
      }
    }
    Lease draft =
        new Lease(
            null,
            plan.workspace(),
            plan.instance(),
            plan.role(),
            pattern,
            plan.mode(),
            plan.reason(),
            0,
            plan.ttl(),
            now,
            now,
            now.plus(plan.ttl()),
            plan.provisional(),
            plan.follows(),
            null);
    Lease stored = tx.insert(draft);
    tx.emit(event(LeaseEvents.ACQUIRED, stored, Map.of()));
    return stored;
  }

  /**
   * A lease the instance holds, asked for again: a provisional request (a hook before an edit)
   * renews it as it is; any other request makes a provisional one a lease like any other.
   */
  private static Lease renewal(Lease own, Plan plan, Instant now) {
    if (plan.provisional()) {
      return own.provisional()
          ? own.renewedAt(now, plan.ttl())
          : own.renewedAt(now, own.ttl().compareTo(plan.ttl()) > 0 ? own.ttl() : plan.ttl());
    }
    return own.confirmedAt(now, plan.ttl(), plan.follows());
  }

  private record Attempt(List<Lease> granted, List<Holder> holders) {}

  private void onEvent(Event e) {
    if (e.instance() != null
        && (e.type().equals(InstanceEvents.DEREGISTERED)
            || e.type().equals(InstanceEvents.EXPIRED))) {
      // Its waits end with it: left queued, they would hold back everyone behind them.
      String gone = e.instance();
      executor.execute(() -> dropWaitersOf(gone));
    }
    if (e.workspace() != null
        && (e.type().equals(LeaseEvents.RELEASED) || e.type().equals(LeaseEvents.EXPIRED))) {
      Path workspace = Path.of(e.workspace());
      if (queues.containsKey(workspace)) {
        executor.execute(() -> serveWaiters(workspace));
      }
    }
  }

  private void dropWaitersOf(String instance) {
    for (Path workspace : queues.keySet()) {
      WorkspaceQueue queue = queues.get(workspace);
      boolean dropped = false;
      synchronized (queue) {
        for (Waiter w : queue.snapshot()) {
          if (w.plan.instance().equals(instance)) {
            leave(queue, w, "gone");
            w.timeout.cancel(false);
            w.future.completeExceptionally(new InstanceNotFoundException(instance));
            dropped = true;
          }
        }
      }
      if (dropped) {
        serveWaiters(workspace);
      }
    }
  }

  /**
   * Retries the workspace's waiters, oldest first; a waiter never overtakes an older one it clashes
   * with.
   */
  private void serveWaiters(Path workspace) {
    WorkspaceQueue queue = queues.get(workspace);
    if (queue == null) {
      return;
    }
    synchronized (queue) {
      List<Waiter> stillWaiting = new ArrayList<>();
      List<QueuedRequest> elsewhere = null;
      for (Waiter w : queue.snapshot()) {
        if (w.future.isDone()) {
          leave(queue, w, "cancelled");
          continue;
        }
        if (stillWaiting.stream().anyMatch(older -> older.plan.clashesWith(w.plan))) {
          stillWaiting.add(w);
          continue;
        }
        try {
          if (elsewhere == null) {
            elsewhere = store.queuedElsewhere(workspace, now());
          }
          if (!clashing(elsewhere, w.plan, w.order).isEmpty()) {
            stillWaiting.add(w);
            continue;
          }
          Attempt attempt = attempt(w.plan);
          if (attempt.granted() != null) {
            leave(queue, w, "granted");
            w.timeout.cancel(false);
            if (!w.future.complete(attempt.granted())) {
              giveBack(w, attempt.granted());
            }
            continue;
          }
        } catch (RuntimeException e) {
          leave(queue, w, "failed");
          w.timeout.cancel(false);
          w.future.completeExceptionally(e);
          continue;
        }
        stillWaiting.add(w);
      }
      // An empty queue stays in the map (one per workspace): removing it would race with an
      // acquire that just looked it up and is about to queue in it.
    }
  }

  /**
   * The waiter gave up (its client hung up) while its leases were being granted: nobody would know
   * it holds them, so the ones granted for this wait are released; leases it held before stay.
   */
  private void giveBack(Waiter w, List<Lease> granted) {
    for (Lease l : granted) {
      if (l.acquiredAt().isBefore(w.since)) {
        continue;
      }
      try {
        release(l.id(), w.plan.instance(), false);
        LOG.debug("gave back {} on {}: its waiter had gone", l.id(), l.pattern());
      } catch (RuntimeException e) {
        LOG.debug("giving back {} failed: {}", l.id(), e.getMessage());
      }
    }
  }

  private void timeOut(WorkspaceQueue queue, Waiter waiter) {
    synchronized (queue) {
      if (!leave(queue, waiter, "timed_out")) {
        return;
      }
      long waited = Duration.between(waiter.since, now()).toMillis();
      List<Holder> holders = holdersNow(waiter.plan);
      List<Waiting> ahead = ahead(queue, waiter.plan, waiter.order);
      waiter.future.completeExceptionally(
          new LeaseConflictException(waiter.plan.requested(), waited, holders, ahead));
    }
    serveWaiters(waiter.plan.workspace());
  }

  /**
   * The requests that wait ahead of the plan and clash with it: this node's, and those that came
   * before {@code order} on other nodes sharing the store.
   */
  private List<Waiting> ahead(WorkspaceQueue queue, Plan plan, long order) {
    List<Waiting> ahead = new ArrayList<>();
    queue.clashingWith(plan).forEach(w -> ahead.add(w.describe()));
    ahead.addAll(clashing(store.queuedElsewhere(plan.workspace(), now()), plan, order));
    return ahead;
  }

  /**
   * Of the requests waiting on other nodes, those before {@code order} that clash with the plan.
   */
  private static List<Waiting> clashing(List<QueuedRequest> elsewhere, Plan plan, long order) {
    List<Waiting> out = new ArrayList<>();
    for (QueuedRequest r : elsewhere) {
      Plan theirs =
          new Plan(
              r.instance(),
              r.role(),
              plan.workspace(),
              r.patterns(),
              r.mode(),
              Duration.ZERO,
              Duration.ZERO,
              null,
              false,
              false);
      if ((order == 0 || r.id() < order) && theirs.clashesWith(plan)) {
        out.add(r.describe());
      }
    }
    return out;
  }

  /**
   * Takes the waiter out of the queue, and out of the store's record of it; false if not queued.
   */
  private boolean leave(WorkspaceQueue queue, Waiter w, String outcome) {
    if (!queue.remove(w)) {
      return false;
    }
    try {
      long waited = Duration.between(w.since, now()).toMillis();
      store.dequeue(
          w.order, LeaseEvents.waitEnded(w.plan.workspace(), w.plan.instance(), outcome, waited));
    } catch (RuntimeException e) {
      LOG.debug("could not forget waiter {} of {}: {}", w.order, w.plan.instance(), e.getMessage());
    }
    return true;
  }

  private List<Holder> holdersNow(Plan plan) {
    Instant now = now();
    List<Holder> holders = new ArrayList<>();
    for (Lease l : store.list(plan.workspace().toString(), null)) {
      if (l.expiresAt().isAfter(now) && !l.instance().equals(plan.instance())) {
        for (PathPattern p : plan.patterns()) {
          if (l.clashesWith(p, plan.mode())) {
            holders.add(Holder.of(l, p.text(), now));
          }
        }
      }
    }
    return holders;
  }

  @Override
  public Lease renew(String leaseId, String instance, Duration ttl) {
    if (instance == null || instance.isBlank()) {
      throw new InvalidInputException(
          "field 'instance' is required: only the holder renews a lease",
          Map.of("field", "instance"));
    }
    Lease lease = get(leaseId);
    return store.inWorkspace(
        lease.workspace(),
        tx -> {
          Instant now = now();
          Lease live = liveLease(tx, leaseId, now);
          if (!live.instance().equals(instance)) {
            throw new LeaseNotHeldException(live, instance);
          }
          Lease renewed = live.renewedAt(now, ttl == null ? live.ttl() : checkedTtl(ttl));
          tx.renew(renewed);
          return renewed;
        });
  }

  @Override
  public Lease release(String leaseId, String by, boolean force) {
    Lease lease = get(leaseId);
    return store.inWorkspace(
        lease.workspace(),
        tx -> {
          Lease live = liveLease(tx, leaseId, now());
          if (!force && !live.instance().equals(by)) {
            throw new LeaseNotHeldException(live, by == null ? "an unnamed client" : by);
          }
          tx.delete(live);
          Map<String, Object> data = new LinkedHashMap<>();
          data.put("forced", force);
          if (by != null) {
            data.put("by", by);
          }
          tx.emit(event(LeaseEvents.RELEASED, live, data));
          if (force) {
            LOG.info(
                "{} force-released {} on {} held by {}",
                by,
                live.id(),
                live.pattern(),
                live.instance());
          }
          return live;
        });
  }

  private Lease liveLease(LeaseTx tx, String leaseId, Instant now) {
    return tx.live(now, l -> event(LeaseEvents.EXPIRED, l, Map.of())).stream()
        .filter(l -> l.id().equals(leaseId))
        .findFirst()
        .orElseThrow(() -> new LeaseNotFoundException(leaseId));
  }

  @Override
  public List<Lease> transfer(String from, String to, List<String> paths) {
    return transfer(prepare(from, to, paths, null));
  }

  @Override
  public List<Lease> transferLeases(String from, String to, List<String> leaseIds) {
    return transfer(prepare(from, to, List.of(), Set.copyOf(leaseIds)));
  }

  @Override
  public LeaseTransfer prepareTransfer(String from, String to, List<String> paths) {
    return prepare(from, to, paths, null);
  }

  @Override
  public LeaseTransfer prepareTransferLeases(String from, String to, List<String> leaseIds) {
    return prepare(from, to, List.of(), Set.copyOf(leaseIds));
  }

  /** Runs a transfer in a lease transaction of its own. */
  private List<Lease> transfer(Transfer transfer) {
    List<Lease> moved = store.inWorkspace(transfer.workspace(), transfer::run);
    if (!moved.isEmpty()) {
      transfer.committed();
    }
    return moved;
  }

  /**
   * Checks a transfer of the leases of {@code from} overlapping {@code paths}, or with {@code ids}
   * when given.
   */
  private Transfer prepare(String from, String to, List<String> paths, Set<String> ids) {
    Instance giver = instances.get(from);
    Instance taker = instances.get(to);
    if (giver.id().equals(taker.id())) {
      throw new InvalidInputException(
          "an instance cannot hand leases to itself (" + from + ")", Map.of("field", "to"));
    }
    if (!giver.workspace().equals(taker.workspace())) {
      throw new InvalidInputException(
          to
              + " works in "
              + taker.workspace()
              + ", not in "
              + giver.workspace()
              + "; leases move only within one workspace",
          Map.of("field", "to"));
    }
    List<PathPattern> wanted = new ArrayList<>();
    for (String p : paths) {
      if (p == null || p.isBlank()) {
        throw new InvalidInputException("an empty path was given", Map.of("field", "files"));
      }
      wanted.add(this.paths.resolve(giver.workspace(), p, false));
    }
    return new Transfer(giver, taker, wanted, ids);
  }

  /** A checked transfer; run inside a transaction over the giver's workspace. */
  private final class Transfer implements LeaseTransfer {
    private final Instance giver;
    private final Instance taker;
    private final List<PathPattern> wanted;
    private final Set<String> ids;

    Transfer(Instance giver, Instance taker, List<PathPattern> wanted, Set<String> ids) {
      this.giver = giver;
      this.taker = taker;
      this.wanted = List.copyOf(wanted);
      this.ids = ids;
    }

    @Override
    public Path workspace() {
      return giver.workspace();
    }

    @Override
    public List<Lease> run(LeaseTx tx) {
      String from = giver.id();
      Instant now = now();
      List<Lease> mine =
          tx.live(now, l -> event(LeaseEvents.EXPIRED, l, Map.of())).stream()
              .filter(l -> l.instance().equals(from))
              .toList();
      List<Lease> chosen = new ArrayList<>();
      for (PathPattern p : wanted) {
        List<Lease> covering = mine.stream().filter(l -> l.pattern().overlaps(p)).toList();
        if (covering.isEmpty()) {
          throw new InvalidInputException(
              p.text()
                  + " is not leased by "
                  + from
                  + "; its leases: "
                  + (mine.isEmpty()
                      ? "none"
                      : String.join(", ", mine.stream().map(l -> l.pattern().text()).toList())),
              Map.of("field", "files", "path", p.text()));
        }
        covering.stream().filter(l -> !chosen.contains(l)).forEach(chosen::add);
      }
      List<Lease> out = new ArrayList<>();
      if (ids != null) {
        chosen.addAll(mine.stream().filter(l -> ids.contains(l.id())).toList());
      }
      for (Lease l : wanted.isEmpty() && ids == null ? mine : chosen) {
        Lease given = tx.transfer(l, taker.id(), taker.role(), now);
        tx.emit(event(LeaseEvents.TRANSFERRED, given, Map.of("from", from)));
        out.add(given);
      }
      return out;
    }

    @Override
    public void committed() {
      if (queues.containsKey(giver.workspace())) {
        // the new holder may itself be waiting for what it was just given
        executor.execute(() -> serveWaiters(giver.workspace()));
      }
    }
  }

  @Override
  public Lease get(String leaseId) {
    Instant now = now();
    return store
        .find(leaseId)
        .filter(l -> l.expiresAt().isAfter(now))
        .orElseThrow(() -> new LeaseNotFoundException(leaseId));
  }

  @Override
  public List<Lease> list(String workspace, String instance) {
    String root =
        workspace == null || workspace.isBlank() ? null : root(workspace, true).toString();
    Instant now = now();
    return store.list(root, instance == null || instance.isBlank() ? null : instance).stream()
        .filter(l -> l.expiresAt().isAfter(now))
        .toList();
  }

  @Override
  public Coverage check(String workspace, String path) {
    if (path == null || path.isBlank()) {
      throw new InvalidInputException("parameter 'path' is required", Map.of("field", "path"));
    }
    if (workspace == null || workspace.isBlank()) {
      if (!Path.of(path).isAbsolute()) {
        throw new InvalidInputException(
            "parameter 'workspace' is required when 'path' is relative",
            Map.of("field", "workspace"));
      }
      workspace = existingAncestor(Path.of(path)).toString();
    }
    Path root = root(workspace, false);
    PathPattern pattern = paths.resolve(root, path, true);
    Instant now = now();
    List<Lease> covering =
        store.list(root.toString(), null).stream()
            .filter(l -> l.expiresAt().isAfter(now) && l.pattern().overlaps(pattern))
            .toList();
    return new Coverage(root, pattern.text(), covering);
  }

  @Override
  public List<Lease> expireOverdue() {
    List<Lease> expired = store.expire(now(), l -> event(LeaseEvents.EXPIRED, l, Map.of()));
    for (Lease l : expired) {
      LOG.info("lease {} on {} held by {} expired", l.id(), l.pattern(), l.instance());
    }
    return expired;
  }

  @Override
  public List<Lease> confirm(String instanceId, String path) {
    return provisional(
        instanceId,
        path,
        (tx, l, now) -> {
          Lease confirmed = l.confirmedAt(now, config.defaultTtl(), true);
          tx.renew(confirmed);
          return confirmed;
        });
  }

  @Override
  public List<Lease> holdProvisional(String instanceId, String path) {
    return provisional(
        instanceId,
        path,
        (tx, l, now) -> {
          Lease held = l.renewedAt(now, config.defaultTtl());
          tx.renew(held);
          return held;
        });
  }

  @Override
  public List<Lease> dropProvisional(String instanceId, String path, String cause) {
    return provisional(
        instanceId,
        path,
        (tx, l, now) -> {
          tx.delete(l);
          tx.emit(event(LeaseEvents.RELEASED, l, Map.of("forced", false, "cause", cause)));
          return l;
        });
  }

  /** What to do with one provisional lease, inside the workspace's transaction. */
  private interface ProvisionalChange {
    Lease apply(LeaseTx tx, Lease lease, Instant now);
  }

  /** Applies the change to the instance's provisional leases on {@code path} (null: all). */
  private List<Lease> provisional(String instanceId, String path, ProvisionalChange change) {
    Instance instance = instances.get(instanceId);
    PathPattern wanted =
        path == null || path.isBlank() ? null : paths.resolve(instance.workspace(), path, true);
    List<Lease> changed =
        store.inWorkspace(
            instance.workspace(),
            tx -> {
              Instant now = now();
              List<Lease> out = new ArrayList<>();
              for (Lease l : tx.live(now, x -> event(LeaseEvents.EXPIRED, x, Map.of()))) {
                if (l.instance().equals(instanceId)
                    && l.provisional()
                    && (wanted == null || l.pattern().equals(wanted))) {
                  out.add(change.apply(tx, l, now));
                }
              }
              return out;
            });
    return changed;
  }

  @Override
  public int renewFollowing() {
    return store.renewFollowing(now());
  }

  @Override
  public int restartGrace(Instant downSince, Duration grace) {
    Instant now = now();
    int extended = store.extendLapsed(downSince, now.plus(grace));
    if (extended > 0) {
      LOG.info(
          "{} leases that expired while the broker was down (since {}) or were about to last {}"
              + " more",
          extended,
          downSince,
          grace);
    }
    return extended;
  }

  @Override
  public List<Lease> markIdle(String instanceId) {
    Instance instance = instances.get(instanceId);
    return store.inWorkspace(
        instance.workspace(),
        tx -> {
          Instant now = now();
          Instant idleEnd = now.plus(config.idleTtl());
          List<Lease> shortened = new ArrayList<>();
          for (Lease l : tx.live(now, x -> event(LeaseEvents.EXPIRED, x, Map.of()))) {
            if (l.instance().equals(instanceId) && l.expiresAt().isAfter(idleEnd)) {
              Lease idle = l.expiringAt(idleEnd);
              tx.renew(idle);
              shortened.add(idle);
            }
          }
          return shortened;
        });
  }

  @Override
  public List<Waiting> waiting(String workspace) {
    Path root = root(workspace, true);
    WorkspaceQueue queue = queues.get(root);
    List<Waiting> all = new ArrayList<>();
    if (queue != null) {
      synchronized (queue) {
        queue.snapshot().forEach(w -> all.add(w.describe()));
      }
    }
    store.queuedElsewhere(root, now()).forEach(r -> all.add(r.describe()));
    all.sort(java.util.Comparator.comparing(Waiting::since));
    return all;
  }

  private Plan plan(AcquireRequest request) {
    if (request.instance() == null || request.instance().isBlank()) {
      throw new InvalidInputException("field 'instance' is required", Map.of("field", "instance"));
    }
    if (request.paths().isEmpty()) {
      throw new InvalidInputException(
          "field 'paths' is required: the files or globs to lease", Map.of("field", "paths"));
    }
    Instance holder = instances.get(request.instance());
    Set<PathPattern> patterns = new LinkedHashSet<>();
    for (String p : request.paths()) {
      if (p == null || p.isBlank()) {
        throw new InvalidInputException("an empty path was given", Map.of("field", "paths"));
      }
      patterns.add(paths.resolve(holder.workspace(), p, request.literal()));
    }
    Duration ttl =
        request.provisional()
            ? config.provisionalTtl()
            : request.ttl() == null ? config.defaultTtl() : checkedTtl(request.ttl());
    Duration wait = request.waitFor() == null ? Duration.ZERO : request.waitFor();
    if (wait.isNegative() || wait.compareTo(config.maxWait()) > 0) {
      throw new InvalidInputException(
          "wait "
              + wait.toMillis()
              + " ms is outside 0.."
              + config.maxWait().toMillis()
              + " ms (leases.max-wait)",
          Map.of("field", "waitMs"));
    }
    LeaseMode mode = request.mode() == null ? LeaseMode.EXCLUSIVE : request.mode();
    String reason =
        request.reason() == null || request.reason().isBlank() ? null : request.reason().strip();
    if (reason != null && reason.length() > 200) {
      reason = reason.substring(0, 200);
    }
    return new Plan(
        holder.id(),
        holder.role(),
        holder.workspace(),
        List.copyOf(patterns),
        mode,
        ttl,
        wait,
        reason,
        request.provisional(),
        !request.provisional() && request.ttl() == null);
  }

  private Duration checkedTtl(Duration ttl) {
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(config.maxTtl()) > 0) {
      throw new InvalidInputException(
          "ttl "
              + ttl.toMillis()
              + " ms is outside 1000.."
              + config.maxTtl().toMillis()
              + " ms (leases.max-ttl)",
          Map.of("field", "ttlMs"));
    }
    return ttl;
  }

  private Path root(String directory, boolean lenient) {
    Path dir = Path.of(directory).toAbsolutePath().normalize();
    try {
      return workspaces.resolve(dir).root();
    } catch (InvalidWorkspaceException e) {
      if (lenient) {
        return dir;
      }
      throw e;
    }
  }

  private static Path existingAncestor(Path path) {
    Path p = path.toAbsolutePath().normalize();
    while (p.getParent() != null && !java.nio.file.Files.exists(p)) {
      p = p.getParent();
    }
    return p;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static NewEvent event(String type, Lease l, Map<String, Object> extra) {
    return LeaseEvents.of(type, l, extra);
  }

  @Override
  public void close() {
    subscription.close();
    executor.shutdownNow();
    for (WorkspaceQueue queue : queues.values()) {
      synchronized (queue) {
        for (Waiter w : queue.snapshot()) {
          leave(queue, w, "shutdown");
          w.future.completeExceptionally(
              new BatonException(
                  dev.baton.core.ErrorCode.UNAVAILABLE,
                  "broker is shutting down; the lease was not granted"));
        }
      }
    }
  }
}
