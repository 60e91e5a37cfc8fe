package dev.baton.mcp;

import dev.baton.core.Version;
import dev.baton.focus.FocusService;
import dev.baton.gateway.Gateway;
import dev.baton.git.LandService;
import dev.baton.handoff.CheckpointService;
import dev.baton.handoff.HandoffService;
import dev.baton.handoff.MessageService;
import dev.baton.leases.LeaseService;
import dev.baton.memory.MemoryConfig;
import dev.baton.memory.MemoryService;
import dev.baton.registry.InstanceNotFoundException;
import dev.baton.registry.InstanceService;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The MCP face of the broker: one Streamable HTTP endpoint per role at {@code /mcp/<role>}, each an
 * MCP server (official Java SDK) with baton's coordination tools. A role is chosen by endpoint
 * because the SDK has one tool list per server. Every request of a session whose instance is known
 * counts as that instance's heartbeat; a session whose instance has gone (expired, deregistered) is
 * answered 404, which tells the client to start a new session. Thread-safe.
 */
public final class McpEndpoints implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(McpEndpoints.class);
  private static final String SESSION_HEADER = "Mcp-Session-Id";
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(20);

  /** How long after first contact a role's never-listed servers start, when no one waits. */
  private static final Duration FIRST_LISTING_DELAY = Duration.ofMillis(500);

  /** Marks the broker's own warm-up requests (see {@link #warmUpKey()}). */
  public static final String WARM_UP_HEADER = "X-Baton-Warm-Up";

  /** The methods of the MCP protocol baton serves (within a session). */
  private static final Set<String> KNOWN_METHODS =
      Set.of(
          "ping",
          "tools/list",
          "tools/call",
          "resources/list",
          "resources/read",
          "resources/templates/list",
          "resources/subscribe",
          "resources/unsubscribe",
          "prompts/list",
          "prompts/get",
          "logging/setLevel",
          "completion/complete");

  /** The SDK transport's own limit of a request body. */
  private static final int MAX_BODY = 16 * 1024 * 1024;

  /** Downstream schemas pass as they are: no tool disappears because a validator dislikes it. */
  private static final JsonSchemaValidator PASS_THROUGH =
      new JsonSchemaValidator() {
        @Override
        public ValidationResponse validate(Map<String, Object> schema, Object structuredContent) {
          return ValidationResponse.asValid(JSON.writeValueAsString(structuredContent));
        }
      };

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .addMixIn(McpSchema.ElicitFormRequest.class, ModeIsTheTypeId.class)
          .addMixIn(McpSchema.ElicitUrlRequest.class, ModeIsTheTypeId.class)
          .addModule(
              new tools.jackson.databind.module.SimpleModule("baton-mcp-errors")
                  .addSerializer(io.modelcontextprotocol.spec.McpError.class, new ErrorBody()))
          .build();

  /**
   * The SDK's transport writes an {@code McpError} as the body of an HTTP error (a request without
   * a session, an unknown session): as a Java exception, with its stack trace. This writes it as
   * the JSON-RPC error it stands for instead.
   */
  private static final class ErrorBody
      extends tools.jackson.databind.ValueSerializer<io.modelcontextprotocol.spec.McpError> {
    @Override
    public void serialize(
        io.modelcontextprotocol.spec.McpError error,
        tools.jackson.core.JsonGenerator gen,
        tools.jackson.databind.SerializationContext context) {
      McpSchema.JSONRPCResponse.JSONRPCError rpc = error.getJsonRpcError();
      gen.writeStartObject();
      gen.writeStringProperty("jsonrpc", "2.0");
      gen.writeNullProperty("id");
      gen.writeName("error");
      gen.writeStartObject();
      gen.writeNumberProperty("code", rpc == null ? -32603 : rpc.code());
      gen.writeStringProperty(
          "message", rpc == null || rpc.message() == null ? error.getMessage() : rpc.message());
      gen.writeEndObject();
      gen.writeEndObject();
    }
  }

  /**
   * The SDK writes an elicitation's {@code mode} twice, as its type id and as a property, which
   * Jackson 3 refuses ("Conflict between type id property 'mode' and bean property"): every
   * elicitation request sent to an agent failed, and its tool call hung. The type id alone is
   * enough.
   */
  private interface ModeIsTheTypeId {
    @com.fasterxml.jackson.annotation.JsonIgnore
    String mode();
  }

  private final InstanceService instances;
  private final Callers callers;
  private final Map<String, HttpServletStreamableServerTransportProvider> transports =
      new LinkedHashMap<>();
  private final Map<String, McpSyncServer> servers = new LinkedHashMap<>();
  private final Gateway gateway;
  private final GatewayTools gatewayTools;
  private final Map<String, CompletableFuture<Void>> listed = new ConcurrentHashMap<>();
  private final String warmUpKey = java.util.UUID.randomUUID().toString();

  /** The downstream tools each role's endpoint lists, by name. */
  private final Map<String, Set<String>> proxied = new ConcurrentHashMap<>();

  /** The MCP sessions of each instance, as {@code <role> <session id>}. */
  private final Map<String, Set<String>> sessionsOf = new ConcurrentHashMap<>();

  /** Requests that may be cancelled, by session and JSON-RPC id. */
  private final Map<String, Cancellation> cancellable = new ConcurrentHashMap<>();

  private final ExecutorService discovery =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "baton-mcp-discovery");
            t.setDaemon(true);
            return t;
          });

  public McpEndpoints(
      InstanceService instances,
      LeaseService leases,
      MemoryService memory,
      MemoryConfig.ToolSet memoryTools,
      boolean handoffToolsOn,
      CoordinationConfig.ToolSet coordinationTools,
      HandoffService handoffs,
      MessageService messages,
      CheckpointService checkpoints,
      Gateway gateway,
      LandService lands,
      FocusService focus,
      Clock clock) {
    this.instances = instances;
    this.gateway = gateway;
    this.callers = new Callers(instances);
    this.gatewayTools = new GatewayTools(gateway, callers, leases);
    CoordinationTools tools =
        new CoordinationTools(
            instances,
            leases,
            callers,
            clock,
            r -> {
              McpSyncServer server = servers.get(r);
              if (server != null) {
                server.notifyToolsListChanged();
              }
            });
    MemoryTools memoryToolSet = new MemoryTools(memory, callers, clock);
    HandoffTools handoffTools = new HandoffTools(handoffs, messages, checkpoints, callers);
    LandTools landTools = new LandTools(lands, callers);
    FocusTools focusTools = new FocusTools(focus, callers);
    JacksonMcpJsonMapper mapper = mapper();
    for (String role : instances.roles()) {
      List<McpServerFeatures.SyncToolSpecification> specs = new ArrayList<>(tools.forRole(role));
      if (handoffToolsOn) {
        specs.addAll(handoffTools.forRole(role));
      }
      specs.addAll(landTools.forRole(role));
      specs.addAll(focusTools.forRole(role));
      specs.removeIf(s -> !coordinationTools.lists(s.tool().name()));
      specs.addAll(memoryToolSet.forRole(role, memoryTools));
      specs.addAll(gatewayTools.meta(role));
      HttpServletStreamableServerTransportProvider transport =
          HttpServletStreamableServerTransportProvider.builder()
              .mcpEndpoint("/mcp/" + role)
              .jsonMapper(mapper)
              .keepAliveInterval(KEEP_ALIVE)
              .contextExtractor(McpEndpoints::context)
              .build();
      McpSyncServer server =
          McpServer.sync(transport)
              .serverInfo("baton", Version.current())
              .instructions(
                  "baton coordinates the agents in this repository. Lease files before editing"
                      + " (lease_acquire); a conflict names who holds them.")
              .capabilities(
                  McpSchema.ServerCapabilities.builder()
                      .tools(true)
                      .resources(false, true)
                      .prompts(true)
                      .logging()
                      .build())
              .jsonMapper(mapper)
              .jsonSchemaValidator(PASS_THROUGH)
              .validateToolInputs(false)
              .strictToolNameValidation(false)
              .requestTimeout(Duration.ofMinutes(10))
              .tools(specs)
              .build();
      transports.put(role, transport);
      servers.put(role, server);
    }
    gateway.onOfferChanged(server -> discovery.execute(() -> relist(server)));
  }

  /**
   * The definitions of baton's own tools as every endpoint lists them (coordination tools and
   * meta-tools), for counting what they cost an agent.
   */
  public static List<McpSchema.Tool> ownTools(
      MemoryConfig.ToolSet memoryTools,
      boolean handoffTools,
      CoordinationConfig.ToolSet coordinationTools) {
    List<McpSchema.Tool> out = new ArrayList<>();
    new CoordinationTools(null, null, null, null, r -> {})
        .forRole("any")
        .forEach(t -> out.add(t.tool()));
    if (handoffTools) {
      new HandoffTools(null, null, null, null).forRole("any").forEach(t -> out.add(t.tool()));
    }
    new LandTools(null, null).forRole("any").forEach(t -> out.add(t.tool()));
    new FocusTools(null, null).forRole("any").forEach(t -> out.add(t.tool()));
    out.removeIf(t -> !coordinationTools.lists(t.name()));
    new MemoryTools(null, null, null).forRole("any", memoryTools).forEach(t -> out.add(t.tool()));
    new GatewayTools(null, null, null).meta("any").forEach(t -> out.add(t.tool()));
    return out;
  }

  /** The JSON mapper the SDK uses here and in the gateway's clients. */
  public static JacksonMcpJsonMapper mapper() {
    return new JacksonMcpJsonMapper(JSON);
  }

  /**
   * Adds the role's downstream tools to its endpoint, once: the servers are started (or asked) on
   * first contact with the endpoint, not with the broker. Requests of a session wait for it up to
   * {@code gateway.list-wait}. When they need not wait (the default), the servers are started a
   * moment after first contact, so that their processes do not compete with the agent's first
   * {@code initialize} and {@code tools/list} for the processor.
   */
  private CompletableFuture<Void> listDownstream(String role) {
    if (!gateway.hasServers(role)) {
      return CompletableFuture.completedFuture(null);
    }
    gateway.contact(role);
    return listed.computeIfAbsent(
        role,
        r ->
            CompletableFuture.runAsync(
                () -> addDownstream(r),
                gateway.config().listWait().isZero()
                    ? CompletableFuture.delayedExecutor(
                        FIRST_LISTING_DELAY.toMillis(), TimeUnit.MILLISECONDS, discovery)
                    : discovery));
  }

  /**
   * Before any agent comes: puts on each role's endpoint the downstream tools, resources and
   * prompts its servers offered in an earlier run, starting none of them, so that an agent's first
   * {@code tools/list} is answered at once. A role with a server never listed waits for first
   * contact, as before.
   */
  public void listFromCache() {
    for (String role : servers.keySet()) {
      try {
        if (gateway.hasServers(role) && gateway.listFromCache(role)) {
          listed.computeIfAbsent(
              role,
              r -> {
                addDownstream(r);
                return CompletableFuture.completedFuture(null);
              });
        }
      } catch (RuntimeException e) {
        LOG.warn("role {} lists its downstream tools on first contact: {}", role, e.toString());
      }
    }
  }

  /** Puts the role's downstream tools, resources and prompts on its endpoint. */
  private void addDownstream(String r) {
    McpSyncServer server = servers.get(r);
    Set<String> names = ConcurrentHashMap.newKeySet();
    if (gateway.config().role(r).metaOnly()) {
      gateway.tools(r); // warms the catalogue for find_tools
    } else {
      for (Gateway.CatalogTool t : gateway.tools(r)) {
        server.addTool(gatewayTools.proxy(r, t));
        names.add(t.name());
      }
    }
    proxied.put(r, names);
    for (var res : gateway.resources(r)) {
      server.addResource(gatewayTools.resource(r, res));
    }
    for (var t : gateway.resourceTemplates(r)) {
      server.addResourceTemplate(gatewayTools.template(r, t));
    }
    for (Gateway.CatalogPrompt p : gateway.prompts(r)) {
      server.addPrompt(gatewayTools.prompt(r, p));
    }
  }

  /**
   * A server listed from the cache offers something else now: each role that uses it lists its
   * tools anew (clients that honour {@code tools/list_changed} are told by the SDK).
   */
  private void relist(String changedServer) {
    for (String role : servers.keySet()) {
      CompletableFuture<Void> done = listed.get(role);
      if (done == null
          || !done.isDone()
          || !gateway.config().role(role).servers().contains(changedServer)
          || gateway.config().role(role).metaOnly()) {
        continue;
      }
      McpSyncServer server = servers.get(role);
      Set<String> before = proxied.getOrDefault(role, Set.of());
      Set<String> now = ConcurrentHashMap.newKeySet();
      for (String name : before) {
        server.removeTool(name);
      }
      for (Gateway.CatalogTool t : gateway.tools(role)) {
        server.addTool(gatewayTools.proxy(role, t));
        now.add(t.name());
      }
      proxied.put(role, now);
      LOG.info(
          "role {} lists {} downstream tools now (server '{}' changed)",
          role,
          now.size(),
          changedServer);
    }
  }

  /**
   * The client ended an MCP session (DELETE). An instance the session registered itself, because
   * nothing named its agent, ends with its last session and its leases are released: no client
   * could find it again. An instance its agent's process, client session or launcher names lives
   * on, and a new MCP session of that agent finds it.
   */
  private void sessionEnded(String role, String session, String instance) {
    callers.forget(session);
    if (instance == null) {
      return;
    }
    Set<String> sessions = sessionsOf.get(instance);
    if (sessions != null) {
      sessions.remove(role + " " + session);
    }
    if ((sessions == null || sessions.isEmpty()) && callers.endsWithItsSessions(instance)) {
      try {
        instances.deregister(instance);
        LOG.info("instance {} ended with its last MCP session", instance);
      } catch (InstanceNotFoundException e) {
        // expired meanwhile
      } catch (RuntimeException e) {
        LOG.warn("ending instance {} with its MCP session failed: {}", instance, e.getMessage());
      }
    }
  }

  /**
   * Sends a logging notification ({@code notifications/message}) to every MCP session of the
   * instance that listens (its GET stream is open); sessions that have ended are forgotten. Does
   * not block.
   *
   * @return how many sessions it was sent to
   */
  public int notifyInstance(String instance, McpSchema.LoggingLevel level, String text) {
    Set<String> sessions = sessionsOf.get(instance);
    if (sessions == null) {
      return 0;
    }
    int sent = 0;
    for (String key : List.copyOf(sessions)) {
      int space = key.indexOf(' ');
      HttpServletStreamableServerTransportProvider transport =
          transports.get(key.substring(0, space));
      String session = key.substring(space + 1);
      transport
          .notifyClient(
              session,
              McpSchema.METHOD_NOTIFICATION_MESSAGE,
              new McpSchema.LoggingMessageNotification(level, "baton", text))
          // never on the caller's thread: events are published on the store's writer thread
          .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic())
          .subscribe(
              ok -> {},
              error -> {
                LOG.debug("notification to {} failed: {}", session, error.getMessage());
                sessions.remove(key);
              });
      sent++;
    }
    return sent;
  }

  /** The roles served, each at {@code /mcp/<role>}. */
  public List<String> roles() {
    return List.copyOf(transports.keySet());
  }

  /**
   * The value of {@link #WARM_UP_HEADER} that marks the broker's own first requests: a session that
   * carries it starts no downstream server and speaks for no instance. Known only in this process.
   */
  public String warmUpKey() {
    return warmUpKey;
  }

  /** The servlet to map at {@code /mcp/*} (it must support async). */
  public HttpServlet servlet() {
    return new Dispatcher();
  }

  private static McpTransportContext context(HttpServletRequest request) {
    Map<String, Object> values = new HashMap<>();
    put(values, Callers.INSTANCE, request.getHeader("X-Baton-Instance"));
    put(values, Callers.WORKSPACE, request.getHeader("X-Baton-Workspace"));
    put(values, Callers.SESSION, request.getHeader("X-Baton-Session"));
    put(values, Callers.CLIENT, request.getHeader("X-Baton-Client"));
    put(values, Callers.AGENT_PID, request.getHeader("X-Baton-Agent-Pid"));
    if (request.getAttribute(Callers.CANCELLATION) instanceof Cancellation c) {
      values.put(Callers.CANCELLATION, c);
    }
    return McpTransportContext.create(values);
  }

  private static void put(Map<String, Object> values, String key, String value) {
    if (value != null && !value.isBlank()) {
      values.put(key, value.strip());
    }
  }

  private final class Dispatcher extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException, jakarta.servlet.ServletException {
      String path = request.getPathInfo();
      String role = path == null || path.length() < 2 ? "" : path.substring(1);
      HttpServletStreamableServerTransportProvider transport = transports.get(role);
      if (transport == null) {
        notFound(response, role);
        return;
      }
      String session = request.getHeader(SESSION_HEADER);
      if (warmUpKey.equals(request.getHeader(WARM_UP_HEADER))) {
        warmUp(transport, request, response, session);
        return;
      }
      CompletableFuture<Void> downstream = listDownstream(role);
      String named = request.getHeader("X-Baton-Instance");
      String instance = identify(request, session);
      if (instance != null && session != null) {
        sessionsOf
            .computeIfAbsent(instance, k -> ConcurrentHashMap.newKeySet())
            .add(role + " " + session);
      }
      if (instance != null) {
        try {
          instances.heartbeat(instance);
        } catch (InstanceNotFoundException e) {
          if ((named == null || named.isBlank()) && request.getHeader("X-Baton-Session") == null) {
            callers.forget(session);
            LOG.info("MCP session of {} ended: the instance has gone", instance);
            gone(response, instance);
            return;
          }
          // A named instance that is not registered yet is registered by its first tool call.
        } catch (RuntimeException e) {
          LOG.debug("heartbeat of {} through MCP failed: {}", instance, e.getMessage());
        }
      }
      if ("POST".equals(request.getMethod()) && session != null) {
        post(transport, request, response, session, role, downstream);
        return;
      }
      if ("POST".equals(request.getMethod())) {
        sessionless(transport, request, response);
        return;
      }
      transport.service(request, response);
      if ("DELETE".equals(request.getMethod()) && session != null) {
        sessionEnded(role, session, instance);
      }
    }

    /** The broker's own warm-up: the path of an agent's first requests, without its effects. */
    private void warmUp(
        HttpServletStreamableServerTransportProvider transport,
        HttpServletRequest request,
        HttpServletResponse response,
        String session)
        throws IOException, jakarta.servlet.ServletException {
      if (!"POST".equals(request.getMethod())) {
        transport.service(request, response);
        if (session != null) {
          callers.forget(session);
        }
      } else if (session == null) {
        sessionless(transport, request, response);
      } else {
        post(transport, request, response, session, null, null);
      }
    }

    /**
     * A POST without a session may only be {@code initialize}. Anything else, such as the {@code
     * server/discover} probe of newer clients, is answered here with a JSON-RPC error that carries
     * the request's id ({@code -32601} for a method baton does not have), so that the client falls
     * back to {@code initialize} at once.
     */
    private void sessionless(
        HttpServletStreamableServerTransportProvider transport,
        HttpServletRequest request,
        HttpServletResponse response)
        throws IOException, jakarta.servlet.ServletException {
      Message read = read(request, response);
      if (read == null) {
        return;
      }
      byte[] body = read.body();
      tools.jackson.databind.JsonNode message = read.json();
      String method = message.path("method").asString("");
      if (message.isObject() && !method.equals("initialize")) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("jsonrpc", "2.0");
        error.put(
            "id", message.has("id") ? JSON.treeToValue(message.get("id"), Object.class) : null);
        boolean known = method.startsWith("notifications/") || KNOWN_METHODS.contains(method);
        error.put(
            "error",
            Map.of(
                "code",
                known ? -32600 : -32601,
                "message",
                known
                    ? "no MCP session: send initialize first, then '"
                        + method
                        + "' with its Mcp-Session-Id"
                    : "Method not found: '" + method + "'; start with initialize"));
        write(response, known ? 400 : 200, error);
        return;
      }
      transport.service(new Replay(request, body), response);
    }

    /** A POST's body and its JSON. */
    private record Message(byte[] body, tools.jackson.databind.JsonNode json) {}

    /** Reads a POST's body and parses it; null when that failed and the request was answered. */
    private Message read(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        write(
            response,
            413,
            rpcError(-32600, "request body over the limit of " + MAX_BODY + " bytes"));
        return null;
      }
      try {
        tools.jackson.databind.JsonNode json = JSON.readTree(body);
        return new Message(
            body, json == null ? tools.jackson.databind.node.MissingNode.getInstance() : json);
      } catch (RuntimeException e) {
        write(response, 400, rpcError(-32700, "Parse error: the body is not JSON"));
        return null;
      }
    }

    /** The instance the request speaks for, when known without registering one; or null. */
    private String identify(HttpServletRequest request, String session) {
      try {
        return callers.identify(
            session, callers.caller(McpEndpoints.context(request), Callers.clientKindOf(null)));
      } catch (RuntimeException e) {
        LOG.debug("cannot tell which instance MCP session {} is: {}", session, e.getMessage());
        return callers.boundTo(session, request.getHeader("X-Baton-Instance"));
      }
    }

    /**
     * Passes a POST on, noting the requests it carries that the agent may cancel, and acting on the
     * agent's {@code notifications/cancelled}, which the SDK's server ignores.
     */
    private void post(
        HttpServletStreamableServerTransportProvider transport,
        HttpServletRequest request,
        HttpServletResponse response,
        String session,
        String role,
        CompletableFuture<Void> downstream)
        throws IOException, jakarta.servlet.ServletException {
      Message read = read(request, response);
      if (read == null) {
        return;
      }
      HttpServletRequest replay = new Replay(request, read.body());
      String key = null;
      tools.jackson.databind.JsonNode message = read.json();
      if (message == null || !message.isObject()) {
        write(
            response,
            400,
            rpcError(
                -32600,
                "Invalid Request: send one JSON-RPC message, an object"
                    + (message != null && message.isArray()
                        ? " (batches are not supported)"
                        : "")));
        return;
      }
      String method = message.path("method").asString("");
      if (message.has("id") && !method.equals("ping")) {
        awaitListing(role, downstream);
      }
      if (method.equals("notifications/cancelled")) {
        Cancellation c = cancellable.get(session + " " + message.path("params").path("requestId"));
        if (c != null) {
          c.cancel();
        }
      } else if (method.equals("tools/call") && message.has("id")) {
        String problem = callProblem(message.get("params"));
        if (problem != null) {
          Map<String, Object> error = rpcError(-32602, "Invalid params: " + problem);
          error.put("id", JSON.treeToValue(message.get("id"), Object.class));
          write(response, 200, error);
          return;
        }
        key = session + " " + message.get("id");
        Cancellation c = new Cancellation();
        cancellable.put(key, c);
        replay.setAttribute(Callers.CANCELLATION, c);
      }
      try {
        transport.service(replay, response);
      } finally {
        if (key != null) {
          cancellable.remove(key);
        }
      }
    }

    /**
     * Lets a request of a session (not {@code ping} or a notification; {@code initialize} has no
     * session yet) see the role's downstream tools. Listed from the cache this is done before
     * anyone asks. Without one (the servers' first run), the answer waits at most {@code
     * gateway.list-wait} (none by default), then lists what there is: the rest follows with
     * tools/list_changed, and find_tools and call_tool reach it meanwhile.
     */
    private void awaitListing(String role, CompletableFuture<Void> downstream) {
      if (downstream == null || downstream.isDone() || gateway.config().listWait().isZero()) {
        return;
      }
      try {
        downstream.get(gateway.config().listWait().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        LOG.warn("the tools of role {} are not all listed yet: {}", role, e.getMessage());
      }
    }

    /**
     * What is wrong with a {@code tools/call}'s params, or null. The SDK answered a call without
     * params, or with arguments that are not an object, with an empty stream, so that the client
     * waited for its own timeout.
     */
    private static String callProblem(tools.jackson.databind.JsonNode params) {
      if (params == null || !params.isObject()) {
        return "tools/call needs params {\"name\": <tool>, \"arguments\": {...}}";
      }
      if (!params.path("name").isString() || params.path("name").asString().isBlank()) {
        return "params.name must be the tool's name";
      }
      tools.jackson.databind.JsonNode arguments = params.get("arguments");
      if (arguments != null && !arguments.isObject() && !arguments.isNull()) {
        return "params.arguments must be an object of the tool's arguments, not "
            + arguments.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
      }
      return null;
    }

    private Map<String, Object> rpcError(int code, String message) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("code", code);
      error.put("message", message);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("jsonrpc", "2.0");
      body.put("error", error);
      return body;
    }

    private void notFound(HttpServletResponse response, String role) throws IOException {
      String message =
          role.isEmpty()
              ? "MCP endpoints are /mcp/<role>; roles: " + String.join(", ", transports.keySet())
              : "no MCP endpoint for role '"
                  + role
                  + "'; roles: "
                  + String.join(", ", transports.keySet());
      write(response, 404, Map.of("error", Map.of("code", "unknown_role", "message", message)));
    }

    private void gone(HttpServletResponse response, String instance) throws IOException {
      write(
          response,
          404,
          rpcError(
              -32001,
              "Session not found: instance "
                  + instance
                  + " has expired or was deregistered; start a new session"));
    }

    private void write(HttpServletResponse response, int status, Object body) throws IOException {
      byte[] bytes = JSON.writeValueAsBytes(body);
      response.setStatus(status);
      response.setContentType("application/json");
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      response.setContentLength(bytes.length);
      response.getOutputStream().write(bytes);
    }
  }

  /** A request whose body has been read, to be read again by the SDK's transport. */
  private static final class Replay extends jakarta.servlet.http.HttpServletRequestWrapper {
    private final byte[] body;

    Replay(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public jakarta.servlet.ServletInputStream getInputStream() {
      java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(body);
      return new jakarta.servlet.ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(jakarta.servlet.ReadListener listener) {
          throw new UnsupportedOperationException("the body has been read already");
        }
      };
    }

    @Override
    public java.io.BufferedReader getReader() {
      java.nio.charset.Charset charset =
          getCharacterEncoding() == null
              ? StandardCharsets.UTF_8
              : java.nio.charset.Charset.forName(getCharacterEncoding());
      return new java.io.BufferedReader(
          new java.io.InputStreamReader(new java.io.ByteArrayInputStream(body), charset));
    }
  }

  @Override
  public void close() {
    discovery.shutdownNow();
    for (Map.Entry<String, McpSyncServer> e : servers.entrySet()) {
      try {
        e.getValue().closeGracefully();
      } catch (RuntimeException ex) {
        LOG.debug("closing the MCP server of {} failed: {}", e.getKey(), ex.getMessage());
      }
    }
  }
}
