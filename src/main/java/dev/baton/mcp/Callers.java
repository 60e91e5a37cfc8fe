package dev.baton.mcp;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import dev.baton.registry.Instance;
import dev.baton.registry.InstanceNotFoundException;
import dev.baton.registry.InstanceService;
import dev.baton.registry.RegisterRequest;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which instance an MCP request comes from. The {@code X-Baton-Instance} header names it (and
 * registers it under that id when it is not registered yet); without the header, the session's
 * first tool call registers a new instance of the endpoint's role, remembered for the session. The
 * workspace comes from the {@code X-Baton-Workspace} header, else from the client's first {@code
 * file://} root. Thread-safe.
 */
final class Callers {
  /** Transport-context keys (header values captured for each HTTP request). */
  static final String INSTANCE = "x-baton-instance";

  static final String WORKSPACE = "x-baton-workspace";

  /** Transport-context key of the request's {@link Cancellation}, when it can be cancelled. */
  static final String CANCELLATION = "baton-cancellation";

  private final InstanceService instances;
  private final Map<String, String> bySession = new ConcurrentHashMap<>();

  Callers(InstanceService instances) {
    this.instances = instances;
  }

  /**
   * The calling instance, registered if needed. Only read: the endpoint's dispatcher has already
   * counted the request as the instance's heartbeat.
   *
   * @throws BatonException when it cannot be identified or registered (no workspace known, an
   *     unknown role, an id taken by another role)
   */
  /** The agent's cancellation of the request being handled, or null. */
  static Cancellation cancellation(McpSyncServerExchange exchange) {
    return exchange.transportContext().get(CANCELLATION) instanceof Cancellation c ? c : null;
  }

  Instance resolve(McpSyncServerExchange exchange, String role) {
    McpTransportContext context = exchange.transportContext();
    String named = text(context.get(INSTANCE));
    if (named != null) {
      try {
        return instances.get(named);
      } catch (InstanceNotFoundException e) {
        return register(exchange, role, named);
      }
    }
    String session = exchange.sessionId();
    String known = session == null ? null : bySession.get(session);
    if (known != null) {
      try {
        return instances.get(known);
      } catch (InstanceNotFoundException e) {
        bySession.remove(session, known);
        throw new BatonException(
            ErrorCode.INSTANCE_NOT_FOUND,
            "instance "
                + known
                + " of this connection has expired or was deregistered; reconnect to get a new one",
            Map.of("instance", known));
      }
    }
    Instance created = register(exchange, role, null);
    if (session != null) {
      bySession.put(session, created.id());
    }
    return created;
  }

  /** The instance already bound to a session (by header or by an earlier call), or null. */
  String boundTo(String session, String headerInstance) {
    String named = text(headerInstance);
    if (named != null) {
      return named;
    }
    return session == null ? null : bySession.get(session);
  }

  /** Forgets a session's instance, e.g. when it has gone; returns the instance id or null. */
  String forget(String session) {
    return session == null ? null : bySession.remove(session);
  }

  private Instance register(McpSyncServerExchange exchange, String role, String id) {
    String workspace = workspace(exchange);
    if (workspace == null) {
      throw new BatonException(
          ErrorCode.INVALID_REQUEST,
          "baton does not know this agent's workspace: send the header 'X-Baton-Workspace: <repository"
              + " directory>' (baton setup claude writes it into .mcp.json) or offer a file:// root");
    }
    return instances
        .register(new RegisterRequest(role, workspace, id, clientKind(exchange)))
        .instance();
  }

  private static String workspace(McpSyncServerExchange exchange) {
    String header = text(exchange.transportContext().get(WORKSPACE));
    if (header != null) {
      return header;
    }
    McpSchema.ClientCapabilities caps = exchange.getClientCapabilities();
    if (caps == null || caps.roots() == null) {
      return null;
    }
    try {
      List<McpSchema.Root> roots = exchange.listRoots().roots();
      for (McpSchema.Root root : roots) {
        if (root.uri() != null && root.uri().startsWith("file:")) {
          return Path.of(URI.create(root.uri())).toString();
        }
      }
    } catch (RuntimeException e) {
      return null;
    }
    return null;
  }

  /** {@code claude} for Claude Code, else the client's name cut to a registry client kind. */
  static String clientKind(McpSyncServerExchange exchange) {
    McpSchema.Implementation info = exchange.getClientInfo();
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
