package dev.baton.api;

import dev.baton.core.BatonException;
import dev.baton.handoff.CheckpointService;
import dev.baton.handoff.InboxEntry;
import dev.baton.handoff.MessageService;
import dev.baton.leases.AcquireRequest;
import dev.baton.leases.Lease;
import dev.baton.leases.LeaseConflictException;
import dev.baton.leases.LeaseMode;
import dev.baton.leases.LeaseService;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceFilter;
import dev.baton.registry.InstanceNotFoundException;
import dev.baton.registry.InstanceService;
import dev.baton.registry.RegisterRequest;
import dev.baton.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/hooks/claude/{event}}: takes Claude Code's hook JSON and answers Claude Code's
 * hook JSON. Every call counts as a heartbeat. PreToolUse on an editing tool leases the file
 * exclusively, or denies the edit naming the holder. baton never blocks an edit because of its own
 * trouble: on any failure of its own the answer allows the edit and says coordination is off.
 */
public final class ClaudeHookRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ClaudeHookRoutes.class);
  private static final Set<String> EDITING_TOOLS =
      Set.of("Edit", "Write", "MultiEdit", "NotebookEdit");
  private static final String DEFAULT_ROLE = "developer";

  private final InstanceService instances;
  private final LeaseService leases;
  private final MessageService messages;
  private final CheckpointService checkpoints;
  private final Clock clock;

  public ClaudeHookRoutes(
      InstanceService instances,
      LeaseService leases,
      MessageService messages,
      CheckpointService checkpoints,
      Clock clock) {
    this.instances = instances;
    this.leases = leases;
    this.messages = messages;
    this.checkpoints = checkpoints;
    this.clock = clock;
  }

  public Router addTo(Router router) {
    return router.add("POST", "/v1/hooks/claude/{event}", this::hook);
  }

  private Reply hook(Exchange ex) {
    ClaudeHookInput input;
    try (java.io.InputStream body = ex.bodyStream()) {
      input = ClaudeHookInput.read(body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("reading the hook document failed", e);
    }
    String event = ex.pathParam("event");
    String id = instanceId(ex.header("X-Baton-Instance"), input.sessionId());
    if (id == null || input.cwd() == null) {
      return Reply.ok(Map.of());
    }
    String role = blankToNull(ex.header("X-Baton-Role"));
    try {
      switch (event) {
        case "PreToolUse":
          return Reply.ok(preToolUse(id, role, input));
        case "SessionStart":
          return Reply.ok(sessionStart(id, role, input));
        case "UserPromptSubmit":
          ensureInstance(id, role, input.cwd());
          return Reply.ok(
              news(id).map(text -> additional("UserPromptSubmit", text)).orElse(Map.of()));
        case "Stop":
        case "SubagentStop":
          ensureInstance(id, role, input.cwd());
          leases.markIdle(id);
          return Reply.ok(Map.of());
        case "SessionEnd":
          try {
            instances.deregister(id);
          } catch (InstanceNotFoundException e) {
            // already gone: nothing to release
          }
          return Reply.ok(Map.of());
        default:
          ensureInstance(id, role, input.cwd());
          return Reply.ok(Map.of());
      }
    } catch (StoreException e) {
      return Reply.ok(coordinationOff(e.getMessage()));
    } catch (BatonException e) {
      // Not a git workspace, an unknown role, a path outside the workspace: not baton's business.
      LOG.debug("hook {} for {} not coordinated: {}", event, id, e.getMessage());
      return Reply.ok(Map.of());
    }
  }

  private Map<String, Object> preToolUse(String id, String role, ClaudeHookInput input) {
    String file = input.editedFile();
    if (!EDITING_TOOLS.contains(input.toolName()) || file == null) {
      ensureInstance(id, role, input.cwd());
      return Map.of();
    }
    ensureInstance(id, role, input.cwd());
    AcquireRequest request =
        new AcquireRequest(
            id,
            List.of(file),
            true,
            LeaseMode.EXCLUSIVE,
            null,
            Duration.ZERO,
            "editing with " + input.toolName());
    try {
      leases.acquire(request).join();
      return Map.of();
    } catch (CompletionException e) {
      if (e.getCause() instanceof LeaseConflictException conflict) {
        return deny(conflict);
      }
      if (e.getCause() instanceof StoreException store) {
        throw store;
      }
      if (e.getCause() instanceof BatonException baton) {
        throw baton;
      }
      throw e;
    }
  }

  private static Map<String, Object> deny(LeaseConflictException conflict) {
    String holders =
        conflict.holders().stream().map(h -> h.describe()).collect(Collectors.joining("; "));
    String lease = conflict.holders().isEmpty() ? "" : conflict.holders().get(0).lease().id();
    String reason =
        "baton: "
            + (holders.isEmpty() ? conflict.getMessage() : holders)
            + ". Another agent is editing this file: choose other work and come back later"
            + (lease.isEmpty()
                ? "."
                : ", or ask the human to free it with 'baton lease release --force "
                    + lease
                    + "'.");
    Map<String, Object> specific = new LinkedHashMap<>();
    specific.put("hookEventName", "PreToolUse");
    specific.put("permissionDecision", "deny");
    specific.put("permissionDecisionReason", reason);
    return Map.of("hookSpecificOutput", specific);
  }

  private Map<String, Object> sessionStart(String id, String role, ClaudeHookInput input) {
    Instance me = ensureInstance(id, role, input.cwd());
    Instant now = clock.instant();
    StringBuilder context = new StringBuilder();
    context
        .append("baton coordinates the agents in this repository. You are ")
        .append(me.id())
        .append(" (")
        .append(me.role())
        .append(") in ")
        .append(me.workspace())
        .append(
            ". Each file you edit is leased to you; an edit of a file another agent holds is denied, and then you should pick other work.\n");
    List<Instance> others =
        instances.list(new InstanceFilter(me.workspace().toString(), null)).stream()
            .filter(i -> !i.id().equals(me.id()))
            .toList();
    if (others.isEmpty()) {
      context.append("No other agent is working here right now.");
    } else {
      context.append("Other agents working here:\n");
      for (Instance other : others) {
        List<Lease> held = leases.list(me.workspace().toString(), other.id());
        context.append("- ").append(other.id()).append(" (").append(other.role()).append(")");
        if (held.isEmpty()) {
          context.append(", holds no files\n");
        } else {
          context
              .append(" holds ")
              .append(
                  held.stream()
                      .map(
                          l ->
                              l.pattern().text()
                                  + " ("
                                  + l.mode().wireName()
                                  + ", expires in "
                                  + Duration.between(now, l.expiresAt()).toSeconds()
                                  + " s)")
                      .collect(Collectors.joining(", ")))
              .append('\n');
        }
      }
    }
    if ("resume".equals(input.source()) || "startup".equals(input.source())) {
      String where = whereLeftOff(me);
      if (where != null) {
        context.append("\n\n").append(where);
      }
    }
    news(me.id()).ifPresent(text -> context.append("\n\n").append(text));
    return additional("SessionStart", context.toString().strip());
  }

  private static Map<String, Object> additional(String event, String text) {
    Map<String, Object> specific = new LinkedHashMap<>();
    specific.put("hookEventName", event);
    specific.put("additionalContext", text);
    return Map.of("hookSpecificOutput", specific);
  }

  /**
   * The instance's own last checkpoint when it has one (a resumed session), else the workspace's (a
   * new session after others ended); null when there is none.
   */
  private String whereLeftOff(Instance me) {
    boolean own = !checkpoints.list(null, me.id(), true, 1).isEmpty();
    if (!own && checkpoints.list(me.workspace().toString(), null, true, 1).isEmpty()) {
      return null;
    }
    return own
        ? checkpoints.resume(null, me.id())
        : checkpoints.resume(me.workspace().toString(), null);
  }

  /** Unread messages and handoffs to show the agent now (marked read), or empty. */
  private java.util.Optional<String> news(String id) {
    List<InboxEntry> news = messages.news(id);
    if (news.isEmpty()) {
      return java.util.Optional.empty();
    }
    StringBuilder text = new StringBuilder("baton inbox (").append(news.size()).append(" new):");
    for (InboxEntry e : news) {
      text.append("\n- #")
          .append(e.message().id())
          .append(' ')
          .append(e.message().importance().wireName())
          .append(" from ")
          .append(e.message().from())
          .append(": ")
          .append(e.message().text());
      if (e.message().ackRequested()) {
        text.append(" (acknowledge: inbox tool with ack [").append(e.message().id()).append("])");
      }
    }
    return java.util.Optional.of(text.toString());
  }

  /** Heartbeats the instance, registering it first when the broker does not know it. */
  private Instance ensureInstance(String id, String role, String cwd) {
    try {
      return instances.heartbeat(id).instance();
    } catch (InstanceNotFoundException e) {
      return instances
          .register(new RegisterRequest(role == null ? DEFAULT_ROLE : role, cwd, id, "claude"))
          .instance();
    }
  }

  /**
   * {@code BATON_INSTANCE} when the launcher set it, else {@code claude-} and the session's first 8
   * hex digits.
   */
  static String instanceId(String header, String sessionId) {
    if (header != null && !header.isBlank()) {
      return header.trim();
    }
    if (sessionId == null) {
      return null;
    }
    String hex = sessionId.toLowerCase(Locale.ROOT).replaceAll("[^0-9a-f]", "");
    return hex.length() < 8 ? null : "claude-" + hex.substring(0, 8);
  }

  private static Map<String, Object> coordinationOff(String why) {
    return Map.of(
        "systemMessage",
        "baton could not coordinate this step ("
            + why
            + "); file leases are off until it recovers");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
