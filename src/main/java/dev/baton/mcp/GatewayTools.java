package dev.baton.mcp;

import dev.baton.core.BatonException;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.ToolSearch;
import dev.baton.leases.AcquireRequest;
import dev.baton.leases.Holder;
import dev.baton.leases.LeaseConflictException;
import dev.baton.leases.LeaseMode;
import dev.baton.leases.LeaseService;
import dev.baton.registry.Instance;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The role's downstream tools as MCP tools ({@code <server>__<tool>}, calls passed through
 * unchanged), and the meta-tools that reach them without a list refresh: {@code find_tools} and
 * {@code call_tool}.
 */
final class GatewayTools {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int DEFAULT_LIMIT = 8;

  private final Gateway gateway;
  private final Callers callers;
  private final LeaseService leases;

  GatewayTools(Gateway gateway, Callers callers, LeaseService leases) {
    this.leases = leases;
    this.gateway = gateway;
    this.callers = callers;
  }

  /** A downstream tool, listed under its catalogue name. */
  SyncToolSpecification proxy(String role, Gateway.CatalogTool tool) {
    return SyncToolSpecification.builder()
        .tool(tool.tool())
        .callHandler(
            (exchange, request) ->
                call(exchange, role, false, tool.name(), request.arguments(), request.meta()))
        .build();
  }

  /** {@code find_tools} and {@code call_tool}. */
  List<SyncToolSpecification> meta(String role) {
    Map<String, Object> findSchema = new LinkedHashMap<>();
    findSchema.put("type", "object");
    findSchema.put(
        "properties",
        Map.of(
            "query",
            Map.of("type", "string", "description", "what you want to do, in words"),
            "limit",
            Map.of("type", "integer", "description", "at most this many (default 8)")));
    findSchema.put("required", List.of("query"));
    Map<String, Object> callSchema = new LinkedHashMap<>();
    callSchema.put("type", "object");
    callSchema.put(
        "properties",
        Map.of(
            "name",
            Map.of("type", "string", "description", "a name from find_tools"),
            "arguments",
            Map.of("type", "object", "description", "the tool's arguments")));
    callSchema.put("required", List.of("name"));
    return List.of(
        SyncToolSpecification.builder()
            .tool(
                McpSchema.Tool.builder("find_tools", ToolArgs.ordered(findSchema))
                    .description("Search all tools your role may use; returns names and schemas.")
                    .build())
            .callHandler(
                (exchange, request) -> find(currentRole(exchange, role), request.arguments()))
            .build(),
        SyncToolSpecification.builder()
            .tool(
                McpSchema.Tool.builder("call_tool", ToolArgs.ordered(callSchema))
                    .description("Call a tool found with find_tools.")
                    .build())
            .callHandler(
                (exchange, request) -> {
                  Map<String, Object> args =
                      request.arguments() == null ? Map.of() : request.arguments();
                  Object name = args.get("name");
                  if (!(name instanceof String n) || n.isBlank()) {
                    return error("argument 'name' is required: a tool name from find_tools");
                  }
                  Object inner = args.get("arguments");
                  if (inner != null && !(inner instanceof Map)) {
                    return error("argument 'arguments' must be an object");
                  }
                  @SuppressWarnings("unchecked")
                  Map<String, Object> innerArgs =
                      inner == null ? Map.of() : (Map<String, Object>) inner;
                  return call(exchange, role, true, n, innerArgs, request.meta());
                })
            .build());
  }

  /** The caller's role now (switch_role changes it), else the endpoint's. */
  private String currentRole(McpSyncServerExchange exchange, String endpointRole) {
    try {
      return callers.resolve(exchange, endpointRole).role();
    } catch (BatonException e) {
      return endpointRole;
    }
  }

  private CallToolResult find(String role, Map<String, Object> args) {
    Object query = args == null ? null : args.get("query");
    if (!(query instanceof String q) || q.isBlank()) {
      return error("argument 'query' is required: describe what you want to do");
    }
    int limit = DEFAULT_LIMIT;
    if (args.get("limit") instanceof Number n) {
      limit = Math.max(1, Math.min(50, n.intValue()));
    }
    List<Gateway.CatalogTool> all = gateway.tools(role);
    List<Map<String, Object>> found = new ArrayList<>();
    for (Gateway.CatalogTool t : ToolSearch.rank(all, q, limit)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", t.name());
      if (t.tool().description() != null) {
        m.put("description", t.tool().description());
      }
      m.put("inputSchema", t.tool().inputSchema());
      found.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tools", found);
    if (found.isEmpty()) {
      out.put(
          "note",
          all.isEmpty()
              ? "your role has no downstream tools" + problems(role)
              : "nothing matched; " + all.size() + " tools in all, try other words");
    }
    return CallToolResult.builder().addTextContent(JSON.writeValueAsString(out)).build();
  }

  private String problems(String role) {
    Map<String, String> p = gateway.problems(role);
    return p.isEmpty() ? "" : " (" + String.join("; ", p.values()) + ")";
  }

  /**
   * @param instanceRole true to allow what the caller's role allows (it may have switched role);
   *     false for what the endpoint's role lists
   */
  private CallToolResult call(
      McpSyncServerExchange exchange,
      String endpointRole,
      boolean instanceRole,
      String name,
      Map<String, Object> arguments,
      Map<String, Object> meta) {
    try {
      Gateway.Caller caller = caller(exchange, endpointRole);
      String role = instanceRole ? caller.role() : endpointRole;
      String refused = leaseWhatItWrites(caller, role, name, arguments);
      if (refused != null) {
        return error(refused);
      }
      return gateway.call(
          role,
          name,
          arguments,
          caller,
          meta,
          new AgentUpstream(exchange, Callers.cancellation(exchange)));
    } catch (BatonException e) {
      return error(e.getMessage());
    }
  }

  /**
   * Leases to the caller the files a downstream write tool is about to change (its server's {@code
   * writes}), as the Claude Code hook does for an edit: null when it may go ahead, else why not,
   * naming the holder. Paths outside the workspace are not baton's business.
   */
  private String leaseWhatItWrites(
      Gateway.Caller caller, String role, String name, Map<String, Object> arguments) {
    List<String> paths = gateway.pathsWritten(role, name, arguments);
    if (paths.isEmpty() || leases == null) {
      return null;
    }
    List<String> inside = new ArrayList<>();
    for (String p : paths) {
      try {
        leases.check(caller.workspace().toString(), p);
        inside.add(p);
      } catch (BatonException e) {
        // outside the workspace, or not a path baton can lease: the server decides
      }
    }
    if (inside.isEmpty()) {
      return null;
    }
    try {
      leases
          .acquire(
              new AcquireRequest(
                  caller.instance(),
                  inside,
                  true,
                  LeaseMode.EXCLUSIVE,
                  null,
                  Duration.ZERO,
                  "writing with " + name))
          .join();
      return null;
    } catch (CompletionException e) {
      if (e.getCause() instanceof LeaseConflictException c) {
        return "baton: "
            + name
            + " was not called: "
            + String.join("; ", c.holders().stream().map(Holder::describe).toList())
            + ". Another agent is editing this file: choose other work and come back later.";
      }
      if (e.getCause() instanceof BatonException b) {
        throw b;
      }
      throw e;
    }
  }

  /** A downstream resource, listed under its own URI and read from its server. */
  McpServerFeatures.SyncResourceSpecification resource(
      String role, Gateway.CatalogResource<McpSchema.Resource> r) {
    return new McpServerFeatures.SyncResourceSpecification(
        r.resource(), (exchange, request) -> read(exchange, role, r.server(), request));
  }

  /** A downstream resource template; reads of matching URIs go to its server. */
  McpServerFeatures.SyncResourceTemplateSpecification template(
      String role, Gateway.CatalogResource<McpSchema.ResourceTemplate> t) {
    return new McpServerFeatures.SyncResourceTemplateSpecification(
        t.resource(), (exchange, request) -> read(exchange, role, t.server(), request));
  }

  /** A downstream prompt, listed as {@code <server>__<prompt>}. */
  McpServerFeatures.SyncPromptSpecification prompt(String role, Gateway.CatalogPrompt p) {
    return new McpServerFeatures.SyncPromptSpecification(
        p.prompt(),
        (exchange, request) -> {
          try {
            Gateway.Caller caller = gateway.needsCaller(p.server()) ? caller(exchange, role) : null;
            return gateway.getPrompt(role, request.name(), request.arguments(), caller);
          } catch (BatonException e) {
            throw mcpError(e);
          }
        });
  }

  private McpSchema.ReadResourceResult read(
      McpSyncServerExchange exchange,
      String role,
      String server,
      McpSchema.ReadResourceRequest request) {
    try {
      Gateway.Caller caller = gateway.needsCaller(server) ? caller(exchange, role) : null;
      return gateway.readResource(server, request, caller);
    } catch (BatonException e) {
      throw mcpError(e);
    }
  }

  private Gateway.Caller caller(McpSyncServerExchange exchange, String role) {
    Instance me = callers.resolve(exchange, role);
    return new Gateway.Caller(me.id(), me.role(), me.workspace(), me.worktree());
  }

  private static McpError mcpError(BatonException e) {
    return McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR).message(e.getMessage()).build();
  }

  private static CallToolResult error(String message) {
    return CallToolResult.builder().addTextContent(message).isError(true).build();
  }
}
