package dev.baton.registry.internal;

import dev.baton.core.InvalidInputException;
import dev.baton.events.NewEvent;
import dev.baton.registry.AgentProcess;
import dev.baton.registry.AgentProcesses;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceEvents;
import dev.baton.registry.InstanceExistsException;
import dev.baton.registry.InstanceFilter;
import dev.baton.registry.InstanceIds;
import dev.baton.registry.InstanceNotFoundException;
import dev.baton.registry.InstanceService;
import dev.baton.registry.InstanceStore;
import dev.baton.registry.InvalidWorkspaceException;
import dev.baton.registry.RegisterRequest;
import dev.baton.registry.Registration;
import dev.baton.registry.RegistryConfig;
import dev.baton.registry.UnknownRoleException;
import dev.baton.registry.Workspace;
import dev.baton.registry.WorkspaceResolver;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registry over an {@link InstanceStore}. Thread-safe. */
public final class DefaultInstanceService implements InstanceService {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultInstanceService.class);
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern CLIENT = Pattern.compile("[a-z][a-z0-9-]{0,15}");
  private static final String DEFAULT_CLIENT = "agent";
  private static final int ID_ATTEMPTS = 5;

  private final InstanceStore store;
  private final WorkspaceResolver workspaces;
  private final RegistryConfig config;
  private final Clock clock;
  private final AgentProcesses processes;
  private final SecureRandom random = new SecureRandom();

  /** Nothing expires by silence before this: after a start, clients get one TTL to heartbeat. */
  private final Instant graceEnd;

  public DefaultInstanceService(
      InstanceStore store, WorkspaceResolver workspaces, RegistryConfig config, Clock clock) {
    this(store, workspaces, config, clock, AgentProcesses.none());
  }

  public DefaultInstanceService(
      InstanceStore store,
      WorkspaceResolver workspaces,
      RegistryConfig config,
      Clock clock,
      AgentProcesses processes) {
    this.store = store;
    this.workspaces = workspaces;
    this.config = config;
    this.clock = clock;
    this.processes = processes;
    this.graceEnd = clock.instant().plus(config.instanceTtl());
  }

  @Override
  public Registration register(RegisterRequest request) {
    String role = required(request.role(), "role");
    if (!config.roles().contains(role)) {
      throw new UnknownRoleException(role, config.roles());
    }
    String client =
        request.client() == null || request.client().isBlank() ? DEFAULT_CLIENT : request.client();
    if (!CLIENT.matcher(client).matches()) {
      throw new InvalidInputException(
          "client '"
              + client
              + "' is not valid; use 1-16 lower-case letters, digits or '-', starting with a letter",
          Map.of("field", "client"));
    }
    String id = request.id();
    if (id == null && request.session() != null) {
      id = InstanceIds.forSession(client, request.session());
    }
    if (id != null && !ID.matcher(id).matches()) {
      throw new InvalidInputException(
          "id '"
              + id
              + "' is not valid; use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
          Map.of("field", "id"));
    }
    Instant now = now();
    if (id != null) {
      return registerWithId(id, role, client, request, now);
    }
    Workspace workspace = workspaces.resolve(directory(required(request.workspace(), "workspace")));
    for (int attempt = 0; attempt < ID_ATTEMPTS; attempt++) {
      Instance instance =
          newInstance(
              client + "-" + HexFormat.of().toHexDigits(random.nextInt()),
              role,
              client,
              workspace,
              request,
              now);
      if (store.insert(instance, registered(instance))) {
        LOG.info("registered {} ({}) in {}", instance.id(), role, workspace.root());
        return registration(instance, true);
      }
    }
    throw new IllegalStateException(
        "could not generate a free instance id in " + ID_ATTEMPTS + " attempts");
  }

  /**
   * Registers under a chosen id. An agent session making contact ({@link RegisterRequest#joins})
   * joins the instance of that id as it is, whatever its role and workspace, and brings an orphan
   * back; a plain registration of an existing id must name the same role and workspace.
   */
  private Registration registerWithId(
      String id, String role, String client, RegisterRequest request, Instant now) {
    if (request.joins()) {
      Optional<Registration> joined = join(id, request, now);
      if (joined.isPresent()) {
        return joined.get();
      }
    }
    Workspace workspace = workspaces.resolve(directory(required(request.workspace(), "workspace")));
    Instance instance = newInstance(id, role, client, workspace, request, now);
    if (store.insert(instance, registered(instance))) {
      LOG.info(
          "registered {} ({}) in {}{}",
          id,
          role,
          workspace.root(),
          instance.agentIfAny().map(a -> " for process " + a.describe()).orElse(""));
      return registration(instance, true);
    }
    Instance existing = store.findAny(id).orElse(null);
    if (existing == null) {
      // Deleted between the insert and the lookup: try once more.
      if (store.insert(instance, registered(instance))) {
        return registration(instance, true);
      }
      existing = store.findAny(id).orElseThrow(() -> new InstanceNotFoundException(id));
    }
    if (!request.joins()
        && (!existing.role().equals(role) || !existing.workspace().equals(workspace.root()))) {
      throw new InstanceExistsException(existing, role, workspace.root().toString());
    }
    if (existing.orphaned()) {
      return revive(existing, request, now).orElseGet(() -> registration(touch(id), false));
    }
    return registration(attachAndTouch(existing, request), false);
  }

  /** The live instance of the id, joined, or the orphan of the id, revived; empty when neither. */
  private Optional<Registration> join(String id, RegisterRequest request, Instant now) {
    Optional<Instance> live = store.find(id);
    if (live.isPresent()) {
      return Optional.of(registration(attachAndTouch(live.get(), request), false));
    }
    Optional<Instance> orphan = store.findAny(id).filter(Instance::orphaned);
    return orphan.flatMap(o -> revive(o, request, now));
  }

  private Optional<Registration> revive(Instance orphan, RegisterRequest request, Instant now) {
    Optional<Instance> back =
        store.revive(
            orphan.id(),
            now,
            now.plus(config.instanceTtl()),
            blankToNull(request.session()),
            request.agent(),
            i -> {
              NewEvent e = registered(i);
              Map<String, Object> data = new LinkedHashMap<>(e.data());
              data.put("resumed", true);
              data.put("orphanedAt", orphan.orphanedAt().toString());
              return new NewEvent(e.type(), e.workspace(), e.instance(), data);
            });
    back.ifPresent(
        i ->
            LOG.info(
                "{} ({}) came back {} after it was orphaned; its leases are its own again",
                i.id(),
                i.role(),
                Duration.between(orphan.orphanedAt(), now)));
    return back.map(i -> registration(i, false));
  }

  /** Records a session or process the instance did not have yet, then heartbeats it. */
  private Instance attachAndTouch(Instance existing, RegisterRequest request) {
    String session = blankToNull(request.session());
    boolean newSession = session != null && !session.equals(existing.session());
    boolean newAgent = request.agent() != null && !request.agent().equals(existing.agent());
    if (newSession || newAgent) {
      store.attach(existing.id(), newSession ? session : null, newAgent ? request.agent() : null);
      if (newAgent) {
        LOG.info("{} follows process {} now", existing.id(), request.agent().describe());
      }
    }
    return touch(existing.id());
  }

  @Override
  public Optional<Instance> findByAgent(AgentProcess agent) {
    return store
        .findByAgent(agent.host(), agent.pid())
        .filter(i -> agent.equals(i.agent()) || processes.alive(i.agent()));
  }

  @Override
  public Optional<AgentProcess> localProcess(long pid) {
    return pid <= 0 ? Optional.empty() : processes.find(pid);
  }

  @Override
  public Registration heartbeat(String id) {
    return registration(touch(required(id, "id")), false);
  }

  private Instance touch(String id) {
    Instant now = now();
    return store
        .touch(id, now, now.plus(config.instanceTtl()))
        .orElseThrow(() -> new InstanceNotFoundException(id));
  }

  @Override
  public Instance get(String id) {
    return store.find(required(id, "id")).orElseThrow(() -> new InstanceNotFoundException(id));
  }

  @Override
  public List<Instance> list(InstanceFilter filter) {
    String workspace = null;
    if (filter.workspace() != null && !filter.workspace().isBlank()) {
      Path dir = directory(filter.workspace());
      try {
        workspace = workspaces.resolve(dir).root().toString();
      } catch (InvalidWorkspaceException e) {
        workspace = dir.toString();
      }
    }
    String role = filter.role() == null || filter.role().isBlank() ? null : filter.role();
    if (role != null && !config.roles().contains(role)) {
      throw new UnknownRoleException(role, config.roles());
    }
    return store.list(workspace, role);
  }

  @Override
  public Instance changeRole(String id, String role) {
    String wanted = required(role, "role");
    if (!config.roles().contains(wanted)) {
      throw new UnknownRoleException(wanted, config.roles());
    }
    Instance before = get(id);
    Instance changed =
        store
            .changeRole(
                id,
                wanted,
                i -> {
                  NewEvent e = event(InstanceEvents.ROLE_CHANGED, i);
                  Map<String, Object> data = new LinkedHashMap<>(e.data());
                  data.put("from", before.role());
                  return new NewEvent(e.type(), e.workspace(), e.instance(), data);
                })
            .orElseThrow(() -> new InstanceNotFoundException(id));
    LOG.info("{} changed role from {} to {}", id, before.role(), wanted);
    return touch(changed.id());
  }

  @Override
  public Instance placeIn(String id, Path worktree, String branch) {
    return store
        .placeIn(required(id, "id"), worktree, branch)
        .orElseThrow(() -> new InstanceNotFoundException(id));
  }

  @Override
  public Instance deregister(String id) {
    Instance gone =
        store
            .delete(required(id, "id"), i -> event(InstanceEvents.DEREGISTERED, i))
            .orElseThrow(() -> new InstanceNotFoundException(id));
    LOG.info("deregistered {} ({})", gone.id(), gone.role());
    return gone;
  }

  /**
   * The registry's sweep. Instances whose agent process runs on this machine live while it does:
   * alive, their expiry moves on; gone, they are orphaned at once. Others are orphaned when silent
   * past their TTL, but not within one TTL of the broker's start. Orphans past the grace are
   * removed with what they still hold.
   */
  @Override
  public List<Instance> expireOverdue() {
    Instant now = now();
    Instant orphanLeasesUntil = now.plus(config.orphanGrace());
    List<String> extend = new ArrayList<>();
    List<String> dead = new ArrayList<>();
    for (Instance i : store.withAgentsOn(processes.host())) {
      if (processes.alive(i.agent())) {
        if (i.expiresAt().isBefore(now.plus(config.instanceTtl().dividedBy(2)))) {
          extend.add(i.id());
        }
      } else {
        dead.add(i.id());
      }
    }
    store.extend(extend, now.plus(config.instanceTtl()));
    List<Instance> orphaned =
        new ArrayList<>(
            store.orphan(dead, now, orphanLeasesUntil, i -> expired(i, "its agent process ended")));
    if (!now.isBefore(graceEnd)) {
      orphaned.addAll(store.orphan(null, now, orphanLeasesUntil, i -> expired(i, "no heartbeat")));
    }
    for (Instance i : orphaned) {
      LOG.info(
          "expired {} ({}): {}; its exclusive leases wait {} for it to come back",
          i.id(),
          i.role(),
          dead.contains(i.id())
              ? "process " + i.agent().describe() + " ended"
              : "no heartbeat since " + i.lastHeartbeat(),
          config.orphanGrace());
    }
    for (Instance i : store.endOrphans(now.minus(config.orphanGrace()))) {
      LOG.info("{} ({}) did not come back; what it held is released", i.id(), i.role());
    }
    return orphaned;
  }

  private static NewEvent expired(Instance i, String cause) {
    NewEvent e = event(InstanceEvents.EXPIRED, i);
    Map<String, Object> data = new LinkedHashMap<>(e.data());
    data.put("cause", cause);
    return new NewEvent(e.type(), e.workspace(), e.instance(), data);
  }

  /** Now, at the millisecond precision the store keeps, so answers equal what is stored. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  @Override
  public Map<String, Long> countByRole() {
    return store.countByRole();
  }

  @Override
  public List<String> roles() {
    return config.roles();
  }

  private Instance newInstance(
      String id,
      String role,
      String client,
      Workspace workspace,
      RegisterRequest request,
      Instant now) {
    return new Instance(
        id,
        role,
        client,
        workspace.root(),
        workspace.worktree(),
        workspace.branch(),
        now,
        now,
        now.plus(config.instanceTtl()),
        blankToNull(request.session()),
        request.agent(),
        null);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private Registration registration(Instance instance, boolean created) {
    return new Registration(instance, created, config.instanceTtl(), config.heartbeatInterval());
  }

  private static NewEvent registered(Instance i) {
    return event(InstanceEvents.REGISTERED, i);
  }

  private static NewEvent event(String type, Instance i) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("role", i.role());
    data.put("client", i.client());
    i.worktreeIfAny().ifPresent(w -> data.put("worktree", w.toString()));
    i.agentIfAny().ifPresent(a -> data.put("agentPid", a.pid()));
    Optional.ofNullable(i.branch()).ifPresent(b -> data.put("branch", b));
    if (!type.equals(InstanceEvents.REGISTERED)) {
      data.put("lastHeartbeat", i.lastHeartbeat().toString());
    }
    return new NewEvent(type, i.workspace().toString(), i.id(), data);
  }

  private static Path directory(String text) {
    try {
      Path path = Path.of(text);
      if (!path.isAbsolute()) {
        throw new InvalidWorkspaceException(
            text, "workspace '" + text + "' is not an absolute path");
      }
      return path.normalize();
    } catch (InvalidPathException e) {
      throw new InvalidWorkspaceException(
          text, "workspace '" + text + "' is not a valid path: " + e.getReason());
    }
  }

  private static String required(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException("field '" + field + "' is required", Map.of("field", field));
    }
    return value;
  }
}
