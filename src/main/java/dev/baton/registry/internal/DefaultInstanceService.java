package dev.baton.registry.internal;

import dev.baton.core.InvalidInputException;
import dev.baton.events.NewEvent;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceEvents;
import dev.baton.registry.InstanceExistsException;
import dev.baton.registry.InstanceFilter;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
  private final SecureRandom random = new SecureRandom();

  public DefaultInstanceService(
      InstanceStore store, WorkspaceResolver workspaces, RegistryConfig config, Clock clock) {
    this.store = store;
    this.workspaces = workspaces;
    this.config = config;
    this.clock = clock;
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
    if (request.id() != null && !ID.matcher(request.id()).matches()) {
      throw new InvalidInputException(
          "id '"
              + request.id()
              + "' is not valid; use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
          Map.of("field", "id"));
    }
    Workspace workspace = workspaces.resolve(directory(required(request.workspace(), "workspace")));
    Instant now = now();
    if (request.id() != null) {
      return registerWithId(request.id(), role, client, workspace, now);
    }
    for (int attempt = 0; attempt < ID_ATTEMPTS; attempt++) {
      Instance instance =
          newInstance(
              client + "-" + HexFormat.of().toHexDigits(random.nextInt()),
              role,
              client,
              workspace,
              now);
      if (store.insert(instance, registered(instance))) {
        LOG.info("registered {} ({}) in {}", instance.id(), role, workspace.root());
        return registration(instance, true);
      }
    }
    throw new IllegalStateException(
        "could not generate a free instance id in " + ID_ATTEMPTS + " attempts");
  }

  private Registration registerWithId(
      String id, String role, String client, Workspace workspace, Instant now) {
    Instance instance = newInstance(id, role, client, workspace, now);
    if (store.insert(instance, registered(instance))) {
      LOG.info("registered {} ({}) in {}", id, role, workspace.root());
      return registration(instance, true);
    }
    Instance existing = store.find(id).orElse(null);
    if (existing == null) {
      // Expired or deregistered between the insert and the lookup: try once more.
      if (store.insert(instance, registered(instance))) {
        return registration(instance, true);
      }
      existing = store.find(id).orElseThrow(() -> new InstanceNotFoundException(id));
    }
    if (!existing.role().equals(role) || !existing.workspace().equals(workspace.root())) {
      throw new InstanceExistsException(existing, role, workspace.root().toString());
    }
    return registration(touch(id), false);
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
  public Instance deregister(String id) {
    Instance gone =
        store
            .delete(required(id, "id"), i -> event(InstanceEvents.DEREGISTERED, i))
            .orElseThrow(() -> new InstanceNotFoundException(id));
    LOG.info("deregistered {} ({})", gone.id(), gone.role());
    return gone;
  }

  @Override
  public List<Instance> expireOverdue() {
    List<Instance> expired = store.expire(now(), i -> event(InstanceEvents.EXPIRED, i));
    for (Instance i : expired) {
      LOG.info("expired {} ({}): no heartbeat since {}", i.id(), i.role(), i.lastHeartbeat());
    }
    return expired;
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
      String id, String role, String client, Workspace workspace, Instant now) {
    return new Instance(
        id,
        role,
        client,
        workspace.root(),
        workspace.worktree(),
        workspace.branch(),
        now,
        now,
        now.plus(config.instanceTtl()));
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
