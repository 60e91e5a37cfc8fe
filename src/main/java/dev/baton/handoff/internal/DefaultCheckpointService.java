package dev.baton.handoff.internal;

import dev.baton.core.InvalidInputException;
import dev.baton.events.Event;
import dev.baton.events.EventService;
import dev.baton.events.NewEvent;
import dev.baton.git.GitCheckouts;
import dev.baton.git.WorkingTree;
import dev.baton.handoff.Checkpoint;
import dev.baton.handoff.CheckpointService;
import dev.baton.handoff.Handoff;
import dev.baton.handoff.HandoffConfig;
import dev.baton.handoff.HandoffEvents;
import dev.baton.handoff.HandoffStatus;
import dev.baton.handoff.HandoffStore;
import dev.baton.leases.Lease;
import dev.baton.leases.LeaseEvents;
import dev.baton.leases.LeaseService;
import dev.baton.memory.ContextKind;
import dev.baton.memory.MemoryContext;
import dev.baton.memory.MemoryHit;
import dev.baton.memory.MemoryQuery;
import dev.baton.memory.MemoryService;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceEvents;
import dev.baton.registry.InstanceFilter;
import dev.baton.registry.InstanceNotFoundException;
import dev.baton.registry.InstanceService;
import dev.baton.registry.WorkspaceResolver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints over a {@link HandoffStore}. An instance that ends (deregistered or expired) is
 * checkpointed from the event stream: its leases are already released then, so the ones released
 * with it are collected from their events. Thread-safe.
 */
public final class DefaultCheckpointService implements CheckpointService, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultCheckpointService.class);
  private static final int MAX_ITEMS = 50;

  private final HandoffStore store;
  private final InstanceService instances;
  private final LeaseService leases;
  private final MemoryService memory;
  private final WorkspaceResolver workspaces;
  private final HandoffConfig config;
  private final Clock clock;
  private final Map<String, List<String>> releasedWithInstance = new ConcurrentHashMap<>();
  private final ExecutorService endings = Threads.single("baton-checkpoints");
  private final EventService.Subscription subscription;

  public DefaultCheckpointService(
      HandoffStore store,
      InstanceService instances,
      LeaseService leases,
      MemoryService memory,
      WorkspaceResolver workspaces,
      HandoffConfig config,
      Clock clock,
      EventService events) {
    this.store = store;
    this.instances = instances;
    this.leases = leases;
    this.memory = memory;
    this.workspaces = workspaces;
    this.config = config;
    this.clock = clock;
    this.subscription = events.subscribeOwn(this::onEvent);
  }

  private void onEvent(Event e) {
    if (e.instance() == null) {
      return;
    }
    if (e.type().equals(LeaseEvents.RELEASED)
        && String.valueOf(e.data().get("cause")).startsWith("instance ")) {
      releasedWithInstance
          .computeIfAbsent(e.instance(), k -> new ArrayList<>())
          .add(e.data().get("path") + " (" + e.data().get("mode") + ")");
    } else if (e.type().equals(InstanceEvents.DEREGISTERED)
        || e.type().equals(InstanceEvents.EXPIRED)) {
      List<String> held = releasedWithInstance.remove(e.instance());
      Instance gone = fromEvent(e);
      String reason = e.type().equals(InstanceEvents.EXPIRED) ? "expired" : "deregistered";
      endings.execute(
          () -> {
            try {
              // no event: its instance.deregistered or instance.expired event says so already,
              // and one appended later, from this thread, would land among unrelated ones
              store.insertCheckpoint(
                  capture(gone, reason, null, held == null ? List.of() : held), c -> null);
            } catch (RuntimeException ex) {
              LOG.warn("could not checkpoint {} as it ended: {}", gone.id(), ex.getMessage());
            }
          });
    }
  }

  private static Instance fromEvent(Event e) {
    Object worktree = e.data().get("worktree");
    return new Instance(
        e.instance(),
        String.valueOf(e.data().getOrDefault("role", "unknown")),
        String.valueOf(e.data().getOrDefault("client", "unknown")),
        Path.of(e.workspace()),
        worktree == null ? null : Path.of(worktree.toString()),
        null,
        e.at(),
        e.at(),
        e.at());
  }

  @Override
  public Checkpoint take(String instance, String reason, String summary) {
    return store.insertCheckpoint(
        draft(instance, reason, summary), DefaultCheckpointService::announcement);
  }

  @Override
  public Checkpoint draft(String instance, String reason, String summary) {
    if (instance == null || instance.isBlank()) {
      throw new InvalidInputException("an instance id is required", Map.of("field", "instance"));
    }
    Instance i = instances.get(instance.strip());
    String text = Texts.optional(summary, "summary", config.maxMessageChars());
    List<String> held =
        leases.list(i.workspace().toString(), i.id()).stream()
            .map(DefaultCheckpointService::describe)
            .toList();
    return capture(i, reason, text, held);
  }

  /** How a checkpoint names a held lease, e.g. {@code src/A.java (exclusive)}. */
  static String describe(Lease l) {
    return l.pattern().text() + " (" + l.mode().wireName() + ")";
  }

  /** The draft without the leases that {@code moved} away from its instance. */
  static Checkpoint without(Checkpoint draft, List<Lease> moved) {
    if (moved.isEmpty()) {
      return draft;
    }
    List<String> held = new ArrayList<>(draft.leases());
    moved.forEach(l -> held.remove(describe(l)));
    return new Checkpoint(
        draft.id(),
        draft.workspace(),
        draft.instance(),
        draft.role(),
        draft.reason(),
        draft.summary(),
        draft.activeContext(),
        held,
        draft.branch(),
        draft.head(),
        draft.changedFiles(),
        draft.items(),
        draft.createdAt());
  }

  /** The {@code checkpoint.taken} event of a stored checkpoint. */
  static NewEvent announcement(Checkpoint c) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("checkpoint", c.id());
    data.put("reason", c.reason());
    if (c.summary() != null) {
      data.put("summary", Texts.cut(c.summary(), 300));
    }
    return new NewEvent(HandoffEvents.CHECKPOINT, c.workspace().toString(), c.instance(), data);
  }

  /**
   * The checkpoint of an instance, unstored: its active context, git state and the memory items it
   * wrote since its previous checkpoint.
   */
  private Checkpoint capture(Instance i, String reason, String summary, List<String> held) {
    String workspace = i.workspace().toString();
    MemoryContext own = memory.context(workspace, ContextKind.ACTIVE, i.id());
    Map<String, Object> active =
        own.version() > 0
            ? own.content()
            : memory.context(workspace, ContextKind.ACTIVE, null).content();
    Path where = i.worktreeIfAny().orElse(i.workspace());
    WorkingTree tree = WorkingTree.of(where);
    String branch = currentBranch(where, i.branch());
    Instant since =
        store.checkpoints(null, i.id(), true, 1).stream()
            .map(Checkpoint::createdAt)
            .findFirst()
            .orElse(null);
    List<String> items = new ArrayList<>();
    for (MemoryHit h :
        memory.search(
            new MemoryQuery(
                workspace, i.id(), null, Set.of(), List.of(), i.id(), null, MAX_ITEMS, since))) {
      items.add(
          h.item().kind().wireName()
              + " #"
              + h.item().id()
              + ": "
              + Texts.cut(h.item().title(), 120));
    }
    return new Checkpoint(
        0,
        i.workspace(),
        i.id(),
        i.role(),
        reason,
        summary,
        active,
        held,
        branch,
        tree.head(),
        tree.changes(),
        items,
        now());
  }

  private static String currentBranch(Path where, String atRegistration) {
    try {
      return GitCheckouts.locate(where).branch();
    } catch (RuntimeException e) {
      return atRegistration;
    }
  }

  @Override
  public List<Checkpoint> takeDue() {
    Instant now = now();
    Map<String, Instant> latest = new LinkedHashMap<>();
    for (Checkpoint c : store.checkpoints(null, null, true, 100_000)) {
      latest.put(c.instance(), c.createdAt());
    }
    List<Checkpoint> taken = new ArrayList<>();
    for (Instance i : instances.list(InstanceFilter.all())) {
      Instant last = latest.getOrDefault(i.id(), i.createdAt());
      boolean activeSince = latest.get(i.id()) == null || i.lastHeartbeat().isAfter(last);
      if (activeSince && !now.isBefore(last.plus(config.checkpointInterval()))) {
        try {
          taken.add(take(i.id(), "scheduled", null));
        } catch (InstanceNotFoundException e) {
          // it ended meanwhile; its ending is checkpointed
        } catch (RuntimeException e) {
          LOG.warn("scheduled checkpoint of {} failed: {}", i.id(), e.getMessage());
        }
      }
    }
    return taken;
  }

  @Override
  public List<Checkpoint> list(String workspace, String instance, boolean latestOnly, int limit) {
    if (limit < 1) {
      throw new InvalidInputException("limit must be at least 1", Map.of("field", "limit"));
    }
    return store.checkpoints(root(workspace), blankToNull(instance), latestOnly, limit);
  }

  @Override
  public String resume(String workspace, String instance) {
    String id = blankToNull(instance);
    if (id == null && blankToNull(workspace) == null) {
      throw new InvalidInputException(
          "give an instance id or a workspace directory", Map.of("field", "workspace"));
    }
    List<Checkpoint> checkpoints =
        id != null
            ? store.checkpoints(null, id, true, 1)
            : store.checkpoints(root(workspace), null, true, 20);
    if (id != null && checkpoints.isEmpty()) {
      try {
        instances.get(id);
      } catch (InstanceNotFoundException e) {
        throw new dev.baton.core.BatonException(
            dev.baton.core.ErrorCode.NOT_FOUND,
            "no checkpoint of "
                + id
                + ": it is not registered and never was checkpointed; baton resume --workspace DIR"
                + " lists every instance of a workspace",
            Map.of("instance", id));
      }
    }
    String ws =
        id != null
            ? checkpoints.stream().map(c -> c.workspace().toString()).findFirst().orElse(null)
            : root(workspace);
    List<Handoff> pending =
        ws == null ? List.of() : store.handoffs(ws, id, HandoffStatus.PENDING, 20);
    return Resume.render(checkpoints, pending, this::liveness, now());
  }

  @Override
  public String briefing(String instanceId, int maxChars) {
    Instance me = instances.get(instanceId);
    String ws = me.workspace().toString();
    List<Handoff> pending =
        store.handoffs(ws, null, HandoffStatus.PENDING, 50).stream()
            .filter(h -> me.id().equals(h.to()) || (h.to() == null && me.role().equals(h.toRole())))
            .toList();
    List<Checkpoint> own = store.checkpoints(null, me.id(), true, 1);
    List<Checkpoint> chosen;
    int more = 0;
    if (!own.isEmpty()) {
      chosen = own;
    } else {
      java.util.Set<String> handing =
          pending.stream().map(Handoff::from).collect(java.util.stream.Collectors.toSet());
      List<Checkpoint> ended =
          store.checkpoints(ws, null, true, 200).stream()
              .filter(c -> !c.instance().equals(me.id()) && "ended".equals(liveness(c.instance())))
              .sorted(
                  java.util.Comparator.comparingInt((Checkpoint c) -> -relevance(c, me, handing))
                      .thenComparing(Checkpoint::createdAt, java.util.Comparator.reverseOrder()))
              .toList();
      chosen = new ArrayList<>();
      for (Checkpoint c : ended) {
        if (chosen.size() < BRIEFING_INSTANCES
            && relevance(c, me, handing) > 0
            && Resume.render(append(chosen, c), pending, this::liveness, now()).length()
                <= maxChars) {
          chosen.add(c);
        } else {
          more++;
        }
      }
    }
    if (chosen.isEmpty() && pending.isEmpty()) {
      return more == 0
          ? null
          : more + " ended instance(s) of this repository left checkpoints: baton resume";
    }
    String text = Resume.render(chosen, pending, this::liveness, now());
    if (more > 0) {
      text += "\n\nand " + more + " more: baton resume";
    }
    return Texts.cut(text, maxChars);
  }

  /** The most instances a briefing describes. */
  private static final int BRIEFING_INSTANCES = 3;

  /** How much an ended instance's checkpoint matters to {@code me}: 0 not at all, up to 3. */
  private static int relevance(Checkpoint c, Instance me, java.util.Set<String> handing) {
    if (handing.contains(c.instance())) {
      return 3;
    }
    if (c.branch() != null && c.branch().equals(me.branch())) {
      return 2; // the same branch, and so the same worktree when each instance has its own
    }
    return c.role().equals(me.role()) ? 1 : 0;
  }

  private static List<Checkpoint> append(List<Checkpoint> list, Checkpoint c) {
    List<Checkpoint> out = new ArrayList<>(list);
    out.add(c);
    return out;
  }

  /** "working now" or "gone" for an instance id. */
  private String liveness(String id) {
    try {
      Instance i = instances.get(id);
      return "still working, last heard " + Resume.ago(i.lastHeartbeat(), now());
    } catch (InstanceNotFoundException e) {
      return "ended";
    }
  }

  private String root(String directory) {
    if (blankToNull(directory) == null) {
      return null;
    }
    return workspaces
        .resolve(Path.of(directory.strip()).toAbsolutePath().normalize())
        .root()
        .toString();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** Waits briefly for the checkpoints of instances that just ended, then stops. */
  @Override
  public void close() {
    subscription.close();
    endings.shutdown();
    try {
      endings.awaitTermination(3, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
