package dev.baton.mcp;

import static dev.baton.mcp.ToolArgs.flag;
import static dev.baton.mcp.ToolArgs.prop;
import static dev.baton.mcp.ToolArgs.props;
import static dev.baton.mcp.ToolArgs.schema;
import static dev.baton.mcp.ToolArgs.seconds;
import static dev.baton.mcp.ToolArgs.string;
import static dev.baton.mcp.ToolArgs.stringArray;
import static dev.baton.mcp.ToolArgs.strings;

import dev.baton.core.BatonException;
import dev.baton.leases.AcquireRequest;
import dev.baton.leases.Coverage;
import dev.baton.leases.Holder;
import dev.baton.leases.Lease;
import dev.baton.leases.LeaseConflictException;
import dev.baton.leases.LeaseMode;
import dev.baton.leases.LeaseService;
import dev.baton.mcp.ToolArgs.Handler;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceFilter;
import dev.baton.registry.InstanceService;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.json.JsonMapper;

/**
 * baton's own tools, on every endpoint: short names and terse descriptions, because every agent
 * pays for their definitions in tokens. Backed by the same services as the HTTP API. Results are
 * compact JSON text; failures are tool errors ({@code isError}) whose text names the problem.
 */
final class CoordinationTools {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Longer than the broker's own wait limit, so that the service answers first. */
  private static final long WAIT_SLACK_MS = 5_000;

  private final InstanceService instances;
  private final LeaseService leases;
  private final Callers callers;
  private final Clock clock;
  private final java.util.function.Consumer<String> listChanged;

  /**
   * @param listChanged tells the clients of an endpoint (by role) that its tool list changed
   */
  CoordinationTools(
      InstanceService instances,
      LeaseService leases,
      Callers callers,
      Clock clock,
      java.util.function.Consumer<String> listChanged) {
    this.instances = instances;
    this.leases = leases;
    this.callers = callers;
    this.clock = clock;
    this.listChanged = listChanged;
  }

  /** The tools for an endpoint of {@code role}. */
  List<SyncToolSpecification> forRole(String role) {
    return List.of(
        tool(
            "whoami",
            "Your baton instance: id, role, workspace.",
            schema(Map.of()),
            role,
            (me, args) -> instanceJson(me)),
        tool(
            "instances",
            "Agents working in your workspace.",
            schema(Map.of("role", prop("string", "only this role"))),
            role,
            (me, args) -> {
              String only = string(args, "role");
              List<Object> out = new ArrayList<>();
              for (Instance i :
                  instances.list(new InstanceFilter(me.workspace().toString(), only))) {
                Map<String, Object> m = instanceJson(i);
                m.put("you", i.id().equals(me.id()));
                out.add(m);
              }
              return Map.of("instances", out);
            }),
        tool(
            "lease_acquire",
            "Lease files or globs before editing them. Conflicts name the holder.",
            schema(
                Map.of(
                    "paths",
                    stringArray("relative to the workspace root, or absolute; globs allowed"),
                    "shared",
                    prop("boolean", "shared (read) instead of exclusive"),
                    "wait_s",
                    prop("number", "seconds to wait for holders to release"),
                    "ttl_s",
                    prop("number", "lifetime in seconds (default 600)"),
                    "reason",
                    prop("string", "shown to others")),
                "paths"),
            role,
            this::acquire),
        tool(
            "lease_release",
            "Release your leases by id or path, or all with all: true.",
            schema(
                Map.of(
                    "leases",
                    stringArray("lease ids (L12) or paths you hold; not empty"),
                    "all",
                    prop("boolean", "release every lease you hold (instead of 'leases')"))),
            role,
            this::release),
        tool(
            "leases",
            "Leases in your workspace.",
            schema(Map.of("mine", prop("boolean", "only yours"))),
            role,
            (me, args) -> {
              boolean mine = Boolean.TRUE.equals(args.get("mine"));
              List<Object> out = new ArrayList<>();
              for (Lease l : leases.list(me.workspace().toString(), mine ? me.id() : null)) {
                out.add(leaseJson(l));
              }
              return Map.of("leases", out);
            }),
        tool(
            "switch_role",
            "Change your role; find_tools and call_tool then reach its tools.",
            schema(Map.of("role", prop("string", "the new role")), "role"),
            role,
            (me, args) -> {
              String to = string(args, "role");
              if (to == null) {
                throw new IllegalArgumentException(
                    "argument 'role' is required; roles: " + String.join(", ", instances.roles()));
              }
              Instance changed = instances.changeRole(me.id(), to);
              listChanged.accept(role);
              Map<String, Object> m = instanceJson(changed);
              m.put("was", me.role());
              m.put(
                  "next",
                  to.equals(role)
                      ? "your tool list is this role's"
                      : "this connection still lists /mcp/"
                          + role
                          + "'s tools; find_tools and call_tool now reach "
                          + to
                          + "'s, or connect to /mcp/"
                          + to);
              return m;
            }),
        tool(
            "who",
            "Who holds or covers a path.",
            schema(Map.of("path", prop("string", "a file or directory")), "path"),
            role,
            (me, args) -> {
              String path = string(args, "path");
              if (path == null) {
                throw new IllegalArgumentException("argument 'path' is required");
              }
              Coverage c = leases.check(me.workspace().toString(), path);
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("path", c.path());
              m.put("leases", c.leases().stream().map(this::leaseJson).toList());
              return m;
            }));
  }

  private Object acquire(Instance me, Map<String, Object> args) {
    List<String> paths = strings(args, "paths");
    if (paths.isEmpty()) {
      throw new IllegalArgumentException(
          "argument 'paths' is required: the files or globs to lease");
    }
    Duration wait = seconds(args, "wait_s");
    Duration ttl = seconds(args, "ttl_s");
    AcquireRequest request =
        new AcquireRequest(
            me.id(),
            paths,
            false,
            Boolean.TRUE.equals(args.get("shared")) ? LeaseMode.SHARED : LeaseMode.EXCLUSIVE,
            ttl,
            wait,
            string(args, "reason"));
    try {
      long limit = (wait == null ? 0 : wait.toMillis()) + WAIT_SLACK_MS;
      List<Lease> granted = leases.acquire(request).get(limit, TimeUnit.MILLISECONDS);
      return Map.of("leases", granted.stream().map(this::leaseJson).toList());
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the broker did not answer the lease request in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the lease");
    }
  }

  /**
   * Releases what the arguments name, and nothing when they name nothing: an empty list or a
   * missing argument once released every lease the agent held, so everything needs {@code all:
   * true}.
   */
  private Object release(Instance me, Map<String, Object> args) {
    List<String> wanted = strings(args, "leases");
    boolean all = flag(args, "all");
    List<Lease> mine = leases.list(me.workspace().toString(), me.id());
    if (args.get("leases") != null && wanted.isEmpty()) {
      throw new IllegalArgumentException(
          "argument 'leases' is empty: name the leases to release (ids like L12, or paths), or"
              + " give all: true; your leases: "
              + describe(mine));
    }
    if (all == !wanted.isEmpty()) {
      throw new IllegalArgumentException(
          all
              ? "give either 'leases' or all: true, not both"
              : "say which leases to release: 'leases' (ids like L12, or paths), or all: true;"
                  + " your leases: "
                  + describe(mine));
    }
    List<Lease> targets = new ArrayList<>();
    if (all) {
      targets.addAll(mine);
    } else {
      for (String w : wanted) {
        Lease match = null;
        for (Lease l : mine) {
          if (l.id().equals(w) || l.pattern().text().equals(w) || matchesPath(me, l, w)) {
            match = l;
            break;
          }
        }
        if (match == null) {
          throw new IllegalArgumentException(
              "you hold no lease '" + w + "'; your leases: " + describe(mine));
        }
        if (!targets.contains(match)) {
          targets.add(match); // named twice (by id and by path): released once
        }
      }
    }
    List<Object> out = new ArrayList<>();
    for (Lease l : targets) {
      out.add(leaseJson(leases.release(l.id(), me.id(), false)));
    }
    return Map.of("released", out);
  }

  private boolean matchesPath(Instance me, Lease l, String path) {
    try {
      Coverage c = leases.check(me.workspace().toString(), path);
      return c.path().equals(l.pattern().text());
    } catch (BatonException e) {
      return false;
    }
  }

  private static String describe(List<Lease> mine) {
    if (mine.isEmpty()) {
      return "none";
    }
    return String.join(", ", mine.stream().map(l -> l.id() + " " + l.pattern().text()).toList());
  }

  /** What an instance looks like in these tools' results. */
  private static final Map<String, Object> INSTANCE =
      object(
          props(
              "id", type("string"),
              "role", type("string"),
              "workspace", type("string"),
              "branch", optional("string")),
          "id",
          "role",
          "workspace");

  /** What a lease looks like in these tools' results. */
  private static final Map<String, Object> LEASE =
      object(
          props(
              "id", type("string"),
              "path", type("string"),
              "mode", Map.of("enum", List.of("exclusive", "shared")),
              "holder", type("string"),
              "role", optional("string"),
              "reason", optional("string"),
              "token", type("integer"),
              "expires_in_s", type("integer")),
          "id",
          "path",
          "mode",
          "holder",
          "token",
          "expires_in_s");

  /** Each tool's {@code outputSchema}: the structure of its result. */
  private static final Map<String, Map<String, Object>> OUTPUTS =
      Map.of(
          "whoami", INSTANCE,
          "instances", object(props("instances", array(INSTANCE)), "instances"),
          "lease_acquire", object(props("leases", array(LEASE)), "leases"),
          "lease_release", object(props("released", array(LEASE)), "released"),
          "leases", object(props("leases", array(LEASE)), "leases"),
          "switch_role",
              object(
                  props(
                      "id", type("string"),
                      "role", type("string"),
                      "workspace", type("string"),
                      "was", type("string"),
                      "next", type("string")),
                  "id",
                  "role",
                  "was"),
          "who", object(props("path", type("string"), "leases", array(LEASE)), "path", "leases"));

  private static Map<String, Object> type(String type) {
    return Map.of("type", type);
  }

  /** A value of {@code type} or null. */
  private static Map<String, Object> optional(String type) {
    return Map.of("type", List.of(type, "null"));
  }

  private static Map<String, Object> array(Map<String, Object> items) {
    return Map.of("type", "array", "items", items);
  }

  private static Map<String, Object> object(Map<String, Object> properties, String... required) {
    return Map.of("type", "object", "properties", properties, "required", List.of(required));
  }

  private SyncToolSpecification tool(
      String name, String description, Map<String, Object> schema, String role, Handler handler) {
    return ToolArgs.tool(
        callers,
        McpSchema.Tool.builder(name, schema)
            .description(description)
            .outputSchema(OUTPUTS.get(name))
            .build(),
        role,
        handler,
        e -> e instanceof LeaseConflictException c ? conflict(c) : e.getMessage());
  }

  private String conflict(LeaseConflictException e) {
    StringBuilder s = new StringBuilder("lease conflict: ");
    List<Holder> holders = e.holders();
    if (holders.isEmpty()) {
      s.append(e.getMessage());
    } else {
      s.append(String.join("; ", holders.stream().map(Holder::describe).toList()));
    }
    if (!e.waitingAhead().isEmpty()) {
      s.append(" (").append(e.waitingAhead().size()).append(" waiting ahead of you)");
    }
    s.append(". Choose other work, or retry with wait_s.");
    return s.toString();
  }

  private static Map<String, Object> instanceJson(Instance i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", i.id());
    m.put("role", i.role());
    m.put("workspace", i.workspace().toString());
    if (i.branch() != null) {
      m.put("branch", i.branch());
    }
    return m;
  }

  private Map<String, Object> leaseJson(Lease l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", l.id());
    m.put("path", l.pattern().text());
    m.put("mode", l.mode().wireName());
    m.put("holder", l.instance());
    m.put("role", l.role());
    if (l.reason() != null) {
      m.put("reason", l.reason());
    }
    m.put("token", l.fencingToken());
    m.put("expires_in_s", Math.max(0, Duration.between(now(), l.expiresAt()).toSeconds()));
    return m;
  }

  private Instant now() {
    return clock.instant();
  }
}
