package dev.baton.api;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import dev.baton.focus.FocusMode;
import dev.baton.focus.FocusService;
import dev.baton.focus.FocusSnapshot;
import dev.baton.git.Worktree;
import dev.baton.git.WorktreeService;
import dev.baton.handoff.CheckpointService;
import dev.baton.handoff.InboxEntry;
import dev.baton.handoff.MessageService;
import dev.baton.leases.AcquireRequest;
import dev.baton.leases.InvalidPatternException;
import dev.baton.leases.Lease;
import dev.baton.leases.LeaseConflictException;
import dev.baton.leases.LeaseMode;
import dev.baton.leases.LeaseService;
import dev.baton.leases.PathResolver;
import dev.baton.registry.AgentProcess;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceFilter;
import dev.baton.registry.InstanceIds;
import dev.baton.registry.InstanceNotFoundException;
import dev.baton.registry.InstanceService;
import dev.baton.registry.RegisterRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/hooks/{client}/{event}}: takes an agent's hook JSON and answers in that agent's
 * format, through its {@link HookClient} (Claude Code, Codex, Gemini CLI). Every call counts as a
 * heartbeat. Before a tool edits files, each is leased exclusively, or the step is denied naming
 * the holder. baton never blocks an edit because of its own trouble: on any failure of its own the
 * answer allows the edit and says coordination is off.
 */
public final class HookRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(HookRoutes.class);
  private static final String DEFAULT_ROLE = "developer";

  /** SessionStart's budgets: the context an agent pays for at every start stays small. */
  private static final int OTHERS_CHARS = 1200;

  private static final int MAX_OTHERS = 6;
  private static final int MAX_FILES_LISTED = 4;
  private static final int WHERE_CHARS = 1500;
  private static final int NEWS_CHARS = 2000;
  private static final DateTimeFormatter BREAK_END = DateTimeFormatter.ofPattern("HH:mm");

  private final InstanceService instances;
  private final WorktreeService worktrees;
  private final LeaseService leases;
  private final MessageService messages;
  private final CheckpointService checkpoints;
  private final Clock clock;
  private final PathResolver paths;
  private final FocusService focus;

  public HookRoutes(
      InstanceService instances,
      LeaseService leases,
      PathResolver paths,
      MessageService messages,
      CheckpointService checkpoints,
      Clock clock) {
    this(instances, leases, paths, messages, checkpoints, null, clock);
  }

  /**
   * @param worktrees gives a session its instance's own worktree back at SessionStart; null where
   *     instances have none
   */
  public HookRoutes(
      InstanceService instances,
      LeaseService leases,
      PathResolver paths,
      MessageService messages,
      CheckpointService checkpoints,
      WorktreeService worktrees,
      Clock clock) {
    this(instances, leases, paths, messages, checkpoints, worktrees, null, clock);
  }

  /**
   * @param focus tells agents when the person is on a break; null where no timer runs
   */
  public HookRoutes(
      InstanceService instances,
      LeaseService leases,
      PathResolver paths,
      MessageService messages,
      CheckpointService checkpoints,
      WorktreeService worktrees,
      FocusService focus,
      Clock clock) {
    this.focus = focus;
    this.worktrees = worktrees;
    this.instances = instances;
    this.leases = leases;
    this.messages = messages;
    this.checkpoints = checkpoints;
    this.clock = clock;
    this.paths = paths;
  }

  public Router addTo(Router router) {
    return router.add("POST", "/v1/hooks/{client}/{event}", this::hook);
  }

  private Reply hook(Exchange ex) {
    String name = ex.pathParam("client");
    HookClient client =
        HookClient.named(name)
            .orElseThrow(
                () ->
                    new BatonException(
                        ErrorCode.NOT_FOUND,
                        "no hooks for a client called '"
                            + name
                            + "'; baton takes the hooks of "
                            + String.join(", ", HookClient.names())));
    HookInput input;
    try (java.io.InputStream body = ex.bodyStream()) {
      input = HookInput.read(body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("reading the hook document failed", e);
    }
    String event = ex.pathParam("event");
    Session session = session(ex, client, input);
    if (session.id() == null || input.cwd() == null) {
      return Reply.ok(Map.of());
    }
    try {
      return Reply.ok(answer(client, event, session, input));
    } catch (BatonException e) {
      if (HttpErrors.brokerFailed(e.code())) {
        return Reply.ok(coordinationOff(e.getMessage()));
      }
      // Not a git workspace, an unknown role, a path outside the workspace: not baton's business.
      LOG.debug("hook {} for {} not coordinated: {}", event, session.id(), e.getMessage());
      return Reply.ok(Map.of());
    }
  }

  private Map<String, Object> answer(
      HookClient client, String clientEvent, Session session, HookInput input) {
    List<String> files = client.editedFiles(input);
    switch (client.event(clientEvent, input)) {
      case "PreToolUse":
        return preToolUse(client, clientEvent, session, input, files);
      case "PostToolUse":
        ensureInstance(session, input.cwd());
        files.forEach(file -> leases.confirm(session.id(), file));
        return Map.of();
      case "PermissionRequest":
        ensureInstance(session, input.cwd());
        files.forEach(file -> leases.holdProvisional(session.id(), file)); // while they decide
        return Map.of();
      case "PermissionDenied":
      case "PostToolUseFailure":
        ensureInstance(session, input.cwd());
        files.forEach(file -> leases.dropProvisional(session.id(), file, "edit not made"));
        return Map.of();
      case "PostToolBatch":
        // Every tool of the step has run: a provisional lease whose edit was refused (in -p, a
        // refusal fires no PermissionDenied) or never happened goes now.
        ensureInstance(session, input.cwd());
        leases.dropProvisional(session.id(), null, "edit not made");
        return Map.of();
      case "SessionStart":
        return client.context(clientEvent, sessionStart(session, input));
      case "UserPromptSubmit":
        ensureInstance(session, input.cwd());
        leases.dropProvisional(session.id(), null, "edit not made");
        if (focus != null) {
          focus.activity();
        }
        Optional<String> onBreak = onBreak();
        Optional<String> news = news(session.id(), NEWS_CHARS);
        return onBreak
            .map(text -> news.map(n -> text + "\n\n" + n).orElse(text))
            .or(() -> news)
            .map(text -> client.context(clientEvent, text))
            .orElse(Map.of());
      case "Stop":
        Instance me = ensureInstance(session, input.cwd());
        leases.dropProvisional(session.id(), null, "edit not made");
        if (me.agent() == null) {
          leases.markIdle(session.id()); // no process tells when it ends: let its files go soon
        }
        return onBreak().map(text -> client.notice(clientEvent, text)).orElse(Map.of());
      case "SessionEnd":
        try {
          instances.deregister(session.id());
        } catch (InstanceNotFoundException e) {
          // already gone: nothing to release
        }
        return Map.of();
      default:
        ensureInstance(session, input.cwd());
        return Map.of();
    }
  }

  private Map<String, Object> preToolUse(
      HookClient client, String clientEvent, Session session, HookInput input, List<String> files) {
    Instance me = ensureInstance(session, input.cwd());
    // A file outside the workspace is not baton's business, and must not let the others through.
    List<String> inside = files.stream().filter(f -> inWorkspace(me, f)).toList();
    if (inside.isEmpty()) {
      return Map.of();
    }
    AcquireRequest request =
        new AcquireRequest(
            session.id(),
            inside,
            true,
            LeaseMode.EXCLUSIVE,
            null,
            Duration.ZERO,
            "editing with " + input.toolName(),
            true);
    try {
      leases.acquire(request).join();
      return Map.of();
    } catch (CompletionException e) {
      if (e.getCause() instanceof LeaseConflictException conflict) {
        return client.deny(clientEvent, denial(conflict));
      }
      if (e.getCause() instanceof BatonException baton) {
        throw baton;
      }
      throw e;
    }
  }

  /** What agents are told while the person is on a break; empty when no break runs. */
  private Optional<String> onBreak() {
    if (focus == null) {
      return Optional.empty();
    }
    FocusSnapshot now = focus.status();
    if (now.mode() != FocusMode.BREAK || now.until() == null) {
      return Optional.empty();
    }
    String until = BREAK_END.format(now.until().atZone(ZoneId.systemDefault()));
    return Optional.of(
        "baton: the person is on a break until "
            + until
            + "; finish the current step, checkpoint, and do not ask questions until then.");
  }

  private boolean inWorkspace(Instance me, String file) {
    try {
      paths.resolve(me.workspace(), file, true);
      return true;
    } catch (InvalidPatternException e) {
      return false;
    }
  }

  private static String denial(LeaseConflictException conflict) {
    String holders =
        conflict.holders().stream().map(h -> h.describe()).collect(Collectors.joining("; "));
    String lease = conflict.holders().isEmpty() ? "" : conflict.holders().get(0).lease().id();
    return "baton: "
        + (holders.isEmpty() ? conflict.getMessage() : holders)
        + ". Another agent is editing this file: choose other work and come back later"
        + (lease.isEmpty()
            ? "."
            : ", or ask the human to free it with 'baton lease release --force " + lease + "'.");
  }

  private String sessionStart(Session session, HookInput input) {
    Instance me = ensureInstance(session, input.cwd());
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
    ownWorktree(me, input.cwd()).ifPresent(line -> context.append(line).append('\n'));
    context.append(others(me));
    if (!"compact".equals(input.source())) {
      String where = checkpoints.briefing(me.id(), WHERE_CHARS);
      if (where != null) {
        context.append("\n\n").append(where);
      }
    }
    news(me.id(), NEWS_CHARS).ifPresent(text -> context.append("\n\n").append(text));
    return context.toString().strip();
  }

  /**
   * For an instance that has a worktree of its own: gives it back (as it is, made again from its
   * branch, or restored from its newest saved state, never another's) and says where it is.
   */
  private Optional<String> ownWorktree(Instance me, String cwd) {
    if (worktrees == null || worktrees.find(me.id()).isEmpty()) {
      return Optional.empty();
    }
    try {
      Worktree w = worktrees.open(me.id(), null);
      boolean inside =
          cwd != null && Path.of(cwd).toAbsolutePath().normalize().startsWith(w.path());
      return Optional.of(
          "Your worktree is "
              + w.path()
              + " on branch "
              + w.branch()
              + (inside
                  ? ""
                  : "; this session started outside it, so cd there before you edit anything")
              + ". Work and commit only there; land your commits on "
              + w.base()
              + " with 'baton land --wait'.");
    } catch (RuntimeException e) {
      LOG.warn("cannot give {} its worktree back: {}", me.id(), e.getMessage());
      return Optional.of("Your worktree could not be given back: " + e.getMessage());
    }
  }

  /** The other live agents of the workspace, the most relevant first, within a budget. */
  private String others(Instance me) {
    Instant now = clock.instant();
    List<Instance> others =
        instances.list(new InstanceFilter(me.workspace().toString(), null)).stream()
            .filter(i -> !i.id().equals(me.id()))
            .sorted(
                java.util.Comparator.comparing((Instance i) -> !i.role().equals(me.role()))
                    .thenComparing(Instance::lastHeartbeat, java.util.Comparator.reverseOrder()))
            .toList();
    if (others.isEmpty()) {
      return "No other agent is working here right now.";
    }
    StringBuilder out = new StringBuilder("Other agents working here:\n");
    int shown = 0;
    for (Instance other : others) {
      StringBuilder line = new StringBuilder("- ").append(other.id());
      line.append(" (").append(other.role()).append(")");
      List<Lease> held = leases.list(me.workspace().toString(), other.id());
      if (held.isEmpty()) {
        line.append(", holds no files");
      } else {
        line.append(" holds ")
            .append(
                held.stream()
                    .limit(MAX_FILES_LISTED)
                    .map(
                        l ->
                            l.pattern().text()
                                + " ("
                                + l.mode().wireName()
                                + ", expires in "
                                + Duration.between(now, l.expiresAt()).toSeconds()
                                + " s)")
                    .collect(Collectors.joining(", ")));
        if (held.size() > MAX_FILES_LISTED) {
          line.append(" and ").append(held.size() - MAX_FILES_LISTED).append(" more");
        }
      }
      if (shown == MAX_OTHERS || out.length() + line.length() > OTHERS_CHARS) {
        break;
      }
      out.append(line).append('\n');
      shown++;
    }
    if (shown < others.size()) {
      out.append("and ")
          .append(others.size() - shown)
          .append(" more: baton instances --workspace ")
          .append(me.workspace())
          .append('\n');
    }
    return out.toString();
  }

  /**
   * Unread messages and handoffs to show the agent now (marked read), within {@code maxChars}, or
   * empty.
   */
  private java.util.Optional<String> news(String id, int maxChars) {
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
    if (text.length() > maxChars) {
      String more = "… (the rest: inbox tool, or baton inbox " + id + ")";
      return java.util.Optional.of(text.substring(0, maxChars - more.length()) + more);
    }
    return java.util.Optional.of(text.toString());
  }

  /**
   * Who a hook call speaks for: {@code BATON_INSTANCE} when the launcher set it, else the instance
   * of the agent's session ({@code claude-} and 8 hex digits of it, {@link
   * InstanceIds#forSession}); with the session id and the Claude Code process ({@code CLAUDE_PID}),
   * which the MCP connection of the same session reports too.
   */
  private Session session(Exchange ex, HookClient client, HookInput input) {
    String named = blankToNull(ex.header("X-Baton-Instance"));
    String sessionId = blankToNull(input.sessionId());
    String id = named != null ? named : InstanceIds.forSession(client.name(), sessionId);
    AgentProcess agent = null;
    String pid = blankToNull(ex.header("X-Baton-Agent-Pid"));
    if (pid != null) {
      try {
        agent = instances.localProcess(Long.parseLong(pid)).orElse(null);
      } catch (NumberFormatException e) {
        LOG.debug("X-Baton-Agent-Pid '{}' is not a pid", pid);
      }
    }
    return new Session(id, blankToNull(ex.header("X-Baton-Role")), client.name(), sessionId, agent);
  }

  /** An agent session as its hooks name it. */
  private record Session(
      String id, String role, String client, String sessionId, AgentProcess agent) {}

  /**
   * Heartbeats the session's instance, registering it first when the broker does not know it (or
   * bringing it back when it was orphaned), and notes its process when that is new.
   */
  private Instance ensureInstance(Session session, String cwd) {
    try {
      Instance known = instances.heartbeat(session.id()).instance();
      if (session.agent() == null || session.agent().equals(known.agent())) {
        return known;
      }
    } catch (InstanceNotFoundException e) {
      // registered (or revived) below
    }
    return instances
        .register(
            new RegisterRequest(
                session.role() == null ? DEFAULT_ROLE : session.role(),
                cwd,
                session.id(),
                session.client(),
                session.sessionId(),
                session.agent()))
        .instance();
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
