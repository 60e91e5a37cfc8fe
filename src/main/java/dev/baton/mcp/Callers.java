package dev.baton.mcp;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import dev.baton.registry.AgentProcess;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceIds;
import dev.baton.registry.InstanceNotFoundException;
import dev.baton.registry.InstanceService;
import dev.baton.registry.RegisterRequest;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which instance an MCP request comes from, in this order: the {@code X-Baton-Instance} header (the
 * launcher's {@code BATON_INSTANCE}; registered under that id when it is not registered yet); the
 * live instance of the agent process named by {@code X-Baton-Agent-Pid} (the one its hooks report);
 * the instance of the client's session named by {@code X-Baton-Session} ({@code <client>-} and 8
 * hex digits of it, as the hooks derive it); else the MCP session's first tool call registers a new
 * instance of the endpoint's role, remembered for the session. The workspace of a new instance
 * comes from the client's first {@code file://} root, else the {@code X-Baton-Workspace} header.
 * Thread-safe.
 */
final class Callers {
  /** Transport-context keys (header values captured for each HTTP request). */
  static final String INSTANCE = "x-baton-instance";

  static final String WORKSPACE = "x-baton-workspace";
  static final String SESSION = "x-baton-session";
  static final String CLIENT = "x-baton-client";
  static final String AGENT_PID = "x-baton-agent-pid";

  /** Transport-context key of the request's {@link Cancellation}, when it can be cancelled. */
  static final String CANCELLATION = "baton-cancellation";

  private final InstanceService instances;
  private final Map<String, String> bySession = new ConcurrentHashMap<>();

  /**
   * Instances an MCP session registered because nothing named its agent (no instance, process or
   * client session): nobody can come back to them, so they end with their last MCP session.
   */
  private final java.util.Set<String> anonymous = ConcurrentHashMap.newKeySet();

  Callers(InstanceService instances) {
    this.instances = instances;
  }

  /** The agent's cancellation of the request being handled, or null. */
  static Cancellation cancellation(McpSyncServerExchange exchange) {
    return exchange.transportContext().get(CANCELLATION) instanceof Cancellation c ? c : null;
  }

  /**
   * The calling instance, registered (or joined, or brought back) if needed. Only read when it is
   * known: the endpoint's dispatcher has already counted the request as the instance's heartbeat.
   *
   * @throws BatonException when it cannot be identified or registered (no workspace known, an
   *     unknown role, an id taken by another role)
   */
  Instance resolve(McpSyncServerExchange exchange, String role) {
    McpTransportContext context = exchange.transportContext();
    Caller caller = caller(context, clientKind(exchange));
    String session = exchange.sessionId();
    if (caller.named() != null) {
      try {
        Instance known = instances.get(caller.named());
        return caller.joins() && !caller.agreesWith(known)
            ? register(exchange, role, caller, caller.named())
            : known;
      } catch (InstanceNotFoundException e) {
        return register(exchange, role, caller, caller.named());
      }
    }
    String known = identify(session, caller);
    if (known != null) {
      try {
        return instances.get(known);
      } catch (InstanceNotFoundException e) {
        bySession.remove(session, known);
        if (caller.sessionId() == null) {
          throw new BatonException(
              ErrorCode.INSTANCE_NOT_FOUND,
              "instance "
                  + known
                  + " of this connection has expired or was deregistered; reconnect to get a new one",
              Map.of("instance", known));
        }
      }
    }
    Instance created = register(exchange, role, caller, null);
    if (session != null) {
      bySession.put(session, created.id());
    }
    if (!caller.joins()) {
      anonymous.add(created.id());
    }
    return created;
  }

  /**
   * The instance an MCP session speaks for, when it is known without registering: named, bound by
   * an earlier call, the live instance of its agent process, or the registered instance of its
   * client session. Null when none is known yet.
   */
  String identify(String session, Caller caller) {
    if (caller.named() != null) {
      return caller.named();
    }
    String bound = session == null ? null : bySession.get(session);
    if (bound != null) {
      return bound;
    }
    String found =
        caller.agent() == null
            ? null
            : instances.findByAgent(caller.agent()).map(Instance::id).orElse(null);
    if (found == null && caller.sessionId() != null) {
      String derived = InstanceIds.forSession(caller.client(), caller.sessionId());
      try {
        found = derived == null ? null : instances.get(derived).id();
      } catch (InstanceNotFoundException e) {
        found = null;
      }
    }
    if (found != null && session != null) {
      bySession.put(session, found);
    }
    return found;
  }

  /** What one request says about its agent, from its headers. */
  Caller caller(McpTransportContext context, String clientKind) {
    String client = text(context.get(CLIENT));
    AgentProcess agent = null;
    String pid = text(context.get(AGENT_PID));
    if (pid != null) {
      try {
        agent = instances.localProcess(Long.parseLong(pid)).orElse(null);
      } catch (NumberFormatException e) {
        agent = null;
      }
    }
    return new Caller(
        text(context.get(INSTANCE)),
        text(context.get(SESSION)),
        client != null && client.matches("[a-z][a-z0-9-]{0,15}") ? client : clientKind,
        agent);
  }

  /**
   * The identity a request carries.
   *
   * @param named {@code X-Baton-Instance}, or null
   * @param sessionId the client's own session id ({@code X-Baton-Session}), or null
   * @param client the kind of client ({@code X-Baton-Client}, else from its MCP client info)
   * @param agent the agent's process ({@code X-Baton-Agent-Pid}, when it runs here), or null
   */
  record Caller(String named, String sessionId, String client, AgentProcess agent) {
    boolean joins() {
      return sessionId != null || agent != null;
    }

    /** True when the instance already has this caller's session and process. */
    boolean agreesWith(Instance i) {
      return (sessionId == null || sessionId.equals(i.session()))
          && (agent == null || agent.equals(i.agent()));
    }
  }

  /** The instance already bound to a session (by header or by an earlier call), or null. */
  String boundTo(String session, String headerInstance) {
    String named = text(headerInstance);
    if (named != null) {
      return named;
    }
    return session == null ? null : bySession.get(session);
  }

  /**
   * True when an MCP session registered this instance for want of any name for its agent, so that
   * it ends with the agent's last MCP session; forgets it (it is about to end).
   */
  boolean endsWithItsSessions(String instance) {
    return instance != null && anonymous.remove(instance);
  }

  /** Forgets a session's instance, e.g. when it has gone; returns the instance id or null. */
  String forget(String session) {
    return session == null ? null : bySession.remove(session);
  }

  private Instance register(McpSyncServerExchange exchange, String role, Caller caller, String id) {
    String workspace = workspace(exchange);
    if (workspace == null) {
      throw new BatonException(
          ErrorCode.INVALID_REQUEST,
          "baton does not know this agent's workspace: offer a file:// root, or send the header"
              + " 'X-Baton-Workspace: <repository directory>' (baton mcp sends its directory)");
    }
    return instances
        .register(
            new RegisterRequest(
                role, workspace, id, caller.client(), caller.sessionId(), caller.agent()))
        .instance();
  }

  /** The client's first {@code file://} root, else the {@code X-Baton-Workspace} header. */
  private static String workspace(McpSyncServerExchange exchange) {
    McpSchema.ClientCapabilities caps = exchange.getClientCapabilities();
    if (caps != null && caps.roots() != null) {
      try {
        for (McpSchema.Root root : exchange.listRoots().roots()) {
          if (root.uri() != null && root.uri().startsWith("file:")) {
            return Path.of(URI.create(root.uri())).toString();
          }
        }
      } catch (RuntimeException e) {
        // a client that announced roots but does not answer: the header decides
      }
    }
    return text(exchange.transportContext().get(WORKSPACE));
  }

  /** {@code claude} for Claude Code, else the client's name cut to a registry client kind. */
  static String clientKind(McpSyncServerExchange exchange) {
    return clientKindOf(exchange.getClientInfo());
  }

  /** {@code claude} for Claude Code, else the client's name cut to a registry client kind. */
  static String clientKindOf(McpSchema.Implementation info) {
    String name = info == null || info.name() == null ? "" : info.name().toLowerCase(Locale.ROOT);
    if (name.startsWith("claude")) {
      return "claude";
    }
    String kind = name.replaceAll("[^a-z0-9-]", "-").replaceAll("^[^a-z]+", "");
    kind = kind.length() > 16 ? kind.substring(0, 16) : kind;
    kind = kind.replaceAll("-+$", "");
    return kind.isEmpty() ? "mcp" : kind;
  }

  private static String text(Object value) {
    if (value == null) {
      return null;
    }
    String s = value.toString().strip();
    return s.isEmpty() ? null : s;
  }
}
