package dev.baton.gateway;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downstream MCP servers: started when first needed (or with the broker, {@code start: eager}),
 * pooled per server and scope (one pool for all, per workspace, per instance), checked with pings,
 * closed when idle, restarted after a crash with backoff up to a limit, and all stopped, whole
 * process groups included, when their instance goes or the broker stops. Also the role-based
 * catalogue of their tools, named {@code <server>__<tool>}. Thread-safe.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final Duration SWEEP = Duration.ofSeconds(10);
  private static final Duration PING_AFTER = Duration.ofSeconds(30);
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(10);
  private static final String DISCOVERY = "discovery";

  /** Who a call is made for: the values of the per-instance placeholders. */
  public record Caller(String instance, String role, Path workspace, Path worktree) {}

  /**
   * A tool as an endpoint lists it.
   *
   * @param name the listed name, {@code <server>__<tool>} (shortened when needed)
   * @param server the downstream server
   * @param tool the server's own definition, with the listed name
   * @param original the server's own name for it
   */
  public record CatalogTool(String name, String server, McpSchema.Tool tool, String original) {}

  /** A prompt as an endpoint lists it: {@code <server>__<prompt>}. */
  public record CatalogPrompt(
      String name, String server, McpSchema.Prompt prompt, String original) {}

  /** A resource (or resource template) as an endpoint lists it: under its own URI. */
  public record CatalogResource<T>(String server, T resource) {}

  /** What one server offers, learnt from its first connection. */
  private final GatewayConfig config;

  private final McpJsonMapper json;
  private final Clock clock;
  private final Path scratch;
  private final Map<String, Pool> pools = new ConcurrentHashMap<>();
  private final Map<String, Offer> discovered = new ConcurrentHashMap<>();
  private final Map<String, String> discoveryErrors = new ConcurrentHashMap<>();
  private final Map<String, List<CatalogTool>> catalogues = new ConcurrentHashMap<>();
  private final ScheduledExecutorService janitor;
  private final Map<Object, Consumer<McpSchema.ProgressNotification>> progress =
      new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong progressIds =
      new java.util.concurrent.atomic.AtomicLong();
  private final List<Thread> stopping = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean closed;
  private final OfferCache cache;

  /** Servers listed from the cache before any agent came, to be asked again on first contact. */
  private final Set<String> unasked = ConcurrentHashMap.newKeySet();

  /**
   * How long after an agent's first contact a server listed from the cache is asked again: long
   * enough for the agent's first listing to be answered before the server's process competes with
   * it for the processor.
   */
  private static final Duration REFRESH_DELAY = Duration.ofSeconds(2);

  private final List<Consumer<String>> offerListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private final List<Consumer<CallTime>> callListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Processes started again after their server exited or stopped answering, by server. */
  private final Map<String, java.util.concurrent.atomic.AtomicLong> restarts =
      new ConcurrentHashMap<>();

  /**
   * @param scratch a directory for servers started only to learn their tools ({@code ${worktree}}
   *     of the discovery run)
   */
  public Gateway(GatewayConfig config, McpJsonMapper json, Path scratch, Clock clock) {
    this(config, json, scratch, null, clock);
  }

  /**
   * @param scratch a directory for servers started only to learn their tools ({@code ${worktree}}
   *     of the discovery run)
   * @param cacheDir where what each server offered is kept between runs, so that a role's tools are
   *     listed at once after a start (then asked again in the background); null for no cache
   */
  public Gateway(
      GatewayConfig config, McpJsonMapper json, Path scratch, Path cacheDir, Clock clock) {
    this.cache = new OfferCache(cacheDir, json);
    this.config = config;
    this.json = json;
    this.clock = clock;
    this.scratch = scratch;
    config
        .servers()
        .keySet()
        .forEach(n -> restarts.put(n, new java.util.concurrent.atomic.AtomicLong()));
    this.janitor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "baton-gateway-janitor");
              t.setDaemon(true);
              return t;
            });
    janitor.scheduleWithFixedDelay(
        this::sweep, SWEEP.toMillis(), SWEEP.toMillis(), TimeUnit.MILLISECONDS);
    for (DownstreamConfig d : config.servers().values()) {
      if (d.eager()) {
        janitor.execute(() -> discover(d.name()));
      }
    }
  }

  public GatewayConfig config() {
    return config;
  }

  /** True when the role sees any downstream server. */
  public boolean hasServers(String role) {
    return !config.role(role).servers().isEmpty();
  }

  /**
   * The tools the role is allowed, discovering each of its servers on first use (a server that
   * cannot be started is left out and logged; {@link #problems} says why).
   */
  public List<CatalogTool> tools(String role) {
    List<CatalogTool> known = catalogues.get(role);
    if (known != null) {
      return known;
    }
    RoleTools rt = config.role(role);
    List<CatalogTool> out = new ArrayList<>();
    for (String server : rt.servers()) {
      for (McpSchema.Tool t : discover(server).tools()) {
        String full = ToolNames.full(server, t.name());
        if (!allowed(rt, full)) {
          continue;
        }
        out.add(catalogTool(server, t));
      }
    }
    // Cached once every server of the role has told its tools (a failed one is asked again).
    if (discovered.keySet().containsAll(rt.servers())) {
      catalogues.put(role, List.copyOf(out));
    }
    return out;
  }

  /** Every tool of one server, under its listed name (no role rules applied). */
  public List<CatalogTool> serverTools(String server) {
    List<CatalogTool> out = new ArrayList<>();
    for (McpSchema.Tool t : discover(server).tools()) {
      out.add(catalogTool(server, t));
    }
    return out;
  }

  /** The prompts of the role's servers, named {@code <server>__<prompt>}. */
  public List<CatalogPrompt> prompts(String role) {
    List<CatalogPrompt> out = new ArrayList<>();
    for (String server : config.role(role).servers()) {
      for (McpSchema.Prompt p : discover(server).prompts()) {
        String name = ToolNames.of(server, p.name());
        out.add(
            new CatalogPrompt(
                name,
                server,
                new McpSchema.Prompt(
                    name, p.title(), p.description(), p.arguments(), p.meta(), p.icons()),
                p.name()));
      }
    }
    return out;
  }

  /**
   * The resources of the role's servers under their own URIs; when two servers list the same URI,
   * the first server of the role keeps it.
   */
  public List<CatalogResource<McpSchema.Resource>> resources(String role) {
    Map<String, CatalogResource<McpSchema.Resource>> out = new LinkedHashMap<>();
    for (String server : config.role(role).servers()) {
      for (McpSchema.Resource r : discover(server).resources()) {
        out.putIfAbsent(r.uri(), new CatalogResource<>(server, r));
      }
    }
    return List.copyOf(out.values());
  }

  /** The resource templates of the role's servers (first server wins, as for resources). */
  public List<CatalogResource<McpSchema.ResourceTemplate>> resourceTemplates(String role) {
    Map<String, CatalogResource<McpSchema.ResourceTemplate>> out = new LinkedHashMap<>();
    for (String server : config.role(role).servers()) {
      for (McpSchema.ResourceTemplate t : discover(server).templates()) {
        out.putIfAbsent(t.uriTemplate(), new CatalogResource<>(server, t));
      }
    }
    return List.copyOf(out.values());
  }

  /**
   * Reads a resource from {@code server}, on the connection for the caller's scope.
   *
   * @param caller null is allowed for a shared server, which serves everyone alike
   */
  public McpSchema.ReadResourceResult readResource(
      String server, McpSchema.ReadResourceRequest request, Caller caller) {
    return pool(serverConfig(server), caller).connection().readResource(request);
  }

  /** True when the server runs per workspace or instance, so that a caller must be known. */
  public boolean needsCaller(String server) {
    return serverConfig(server).scope() != DownstreamConfig.Scope.SHARED;
  }

  /**
   * Gets a prompt of the role by its listed name, on the connection for the caller's scope.
   *
   * @param caller null is allowed for a prompt of a shared server
   */
  public McpSchema.GetPromptResult getPrompt(
      String role, String name, Map<String, Object> arguments, Caller caller) {
    for (CatalogPrompt p : prompts(role)) {
      if (p.name().equals(name)) {
        return pool(serverConfig(p.server()), caller)
            .connection()
            .getPrompt(
                McpSchema.GetPromptRequest.builder(p.original())
                    .arguments(arguments == null ? Map.of() : arguments)
                    .build());
      }
    }
    throw new BatonException(
        ErrorCode.NOT_FOUND, "no prompt '" + name + "' for role " + role, Map.of("prompt", name));
  }

  private DownstreamConfig serverConfig(String server) {
    DownstreamConfig d = config.servers().get(server);
    if (d == null) {
      throw new BatonException(
          ErrorCode.NOT_FOUND, "no MCP server '" + server + "'", Map.of("server", server));
    }
    return d;
  }

  private static CatalogTool catalogTool(String server, McpSchema.Tool t) {
    String name = ToolNames.of(server, t.name());
    return new CatalogTool(name, server, ToolNames.renamed(t, name), t.name());
  }

  /** Servers of the role that could not be started, with the reason. */
  public Map<String, String> problems(String role) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String server : config.role(role).servers()) {
      String e = discoveryErrors.get(server);
      if (e != null) {
        out.put(server, e);
      }
    }
    return out;
  }

  private static boolean allowed(RoleTools rt, String full) {
    boolean allow =
        rt.allow().isEmpty() || rt.allow().stream().anyMatch(g -> ToolNames.matches(g, full));
    return allow && rt.deny().stream().noneMatch(g -> ToolNames.matches(g, full));
  }

  /**
   * Lists the role's servers from what they offered in an earlier run, starting none of them; they
   * are asked again when an agent first reaches the role ({@link #contact}).
   *
   * @return true when every server of the role had a cached offer
   */
  public boolean listFromCache(String role) {
    boolean all = true;
    for (String server : config.role(role).servers()) {
      DownstreamConfig d = config.servers().get(server);
      synchronized (d) {
        if (discovered.containsKey(server)) {
          continue;
        }
        Optional<Offer> cached = cache.load(d);
        if (cached.isPresent()) {
          discovered.put(server, cached.get());
          unasked.add(server);
          LOG.info(
              "MCP server '{}' listed from the cache ({} tools)",
              server,
              cached.get().tools().size());
        } else {
          all = false;
        }
      }
    }
    return all;
  }

  /**
   * An agent reached the role: its servers that were listed from the cache at start are asked
   * again, in the background, shortly after.
   */
  public void contact(String role) {
    if (unasked.isEmpty() || closed) {
      return;
    }
    for (String server : config.role(role).servers()) {
      if (unasked.remove(server)) {
        DownstreamConfig d = config.servers().get(server);
        Offer cached = discovered.get(server);
        janitor.schedule(() -> refresh(d, cached), REFRESH_DELAY.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  /**
   * Tells {@code listener} the name of a server whose offer changed after it was listed from the
   * cache (its tools, resources, templates or prompts): the role's lists should be made again.
   */
  public void onOfferChanged(Consumer<String> listener) {
    offerListeners.add(listener);
  }

  /**
   * Tells {@code listener} about every tool call once it has its answer (or failed), on the calling
   * thread; the listener must not block.
   */
  public void onCall(Consumer<CallTime> listener) {
    callListeners.add(listener);
  }

  /**
   * What the server offers: from the first connection made to it, or from what it offered in an
   * earlier run (the cache), in which case it is asked again in the background.
   */
  private Offer discover(String server) {
    Offer known = discovered.get(server);
    if (known != null) {
      return known;
    }
    DownstreamConfig d = config.servers().get(server);
    synchronized (d) {
      known = discovered.get(server);
      if (known != null) {
        return known;
      }
      Optional<Offer> cached = cache.load(d);
      if (cached.isPresent()) {
        discovered.put(server, cached.get());
        LOG.info(
            "MCP server '{}' listed from the cache ({} tools); asking it again in the background",
            server,
            cached.get().tools().size());
        if (!closed) {
          janitor.schedule(
              () -> refresh(d, cached.get()), REFRESH_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        }
        return cached.get();
      }
      try {
        Offer offer = ask(d);
        discovered.put(server, offer);
        discoveryErrors.remove(server);
        return offer;
      } catch (BatonException e) {
        discoveryErrors.put(server, e.getMessage());
        LOG.warn("{}", e.getMessage());
        return Offer.NONE;
      }
    }
  }

  /** Asks the server what it offers now, and keeps the answer for the next start. */
  private Offer ask(DownstreamConfig d) {
    String server = d.name();
    Offer offer;
    if (d.scope() == DownstreamConfig.Scope.SHARED) {
      offer = pool(d, discoveryCaller()).offer();
    } else {
      // Per-workspace and per-instance servers list the same tools wherever they run: one
      // started in a scratch directory tells them, then goes.
      Pool probe = new Pool(d, server + "|" + DISCOVERY, vars(discoveryCaller()));
      try {
        offer = probe.offer();
      } finally {
        probe.close();
      }
    }
    cache.save(d, offer);
    LOG.info(
        "MCP server '{}' offers {} tools, {} resources, {} resource templates, {} prompts",
        server,
        offer.tools().size(),
        offer.resources().size(),
        offer.templates().size(),
        offer.prompts().size());
    return offer;
  }

  /** Equal as the wire has them (numbers read back from the cache may be of another type). */
  private boolean same(Offer a, Offer b) {
    try {
      return json.writeValueAsString(a).equals(json.writeValueAsString(b));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** Asks a server listed from the cache again; when its offer changed, the roles are told. */
  private void refresh(DownstreamConfig d, Offer cached) {
    try {
      Offer now = ask(d);
      discoveryErrors.remove(d.name());
      if (!same(now, cached)) {
        discovered.put(d.name(), now);
        catalogues.clear();
        LOG.info(
            "MCP server '{}' offers something else than last time: its roles list it anew",
            d.name());
        offerListeners.forEach(l -> l.accept(d.name()));
      }
    } catch (BatonException e) {
      discoveryErrors.put(d.name(), e.getMessage());
      LOG.warn("{} (its tools are still listed as it offered them last time)", e.getMessage());
    }
  }

  /**
   * Calls a tool the role is allowed, on the connection for the caller's scope.
   *
   * @throws BatonException when the tool is unknown to the role or the server fails; a tool's own
   *     failure is a result with {@code isError}, passed through
   */
  /**
   * The paths a call of the tool would write, as its server's {@code writes} names them: each named
   * argument's string, or strings of a list; empty for a tool that writes nothing baton knows of,
   * or one the role does not have.
   */
  public List<String> pathsWritten(String role, String name, Map<String, Object> arguments) {
    if (arguments == null) {
      return List.of();
    }
    for (CatalogTool t : tools(role)) {
      if (t.name().equals(name)) {
        List<String> argNames =
            config.servers().get(t.server()).writes().getOrDefault(t.original(), List.of());
        List<String> paths = new ArrayList<>();
        for (String arg : argNames) {
          Object v = arguments.get(arg);
          if (v instanceof String p && !p.isBlank()) {
            paths.add(p);
          } else if (v instanceof List<?> list) {
            list.stream()
                .filter(x -> x instanceof String p && !p.isBlank())
                .forEach(x -> paths.add((String) x));
          }
        }
        return paths;
      }
    }
    return List.of();
  }

  public McpSchema.CallToolResult call(
      String role,
      String name,
      Map<String, Object> arguments,
      Caller caller,
      Map<String, Object> meta,
      Upstream upstream) {
    CatalogTool target = null;
    for (CatalogTool t : tools(role)) {
      if (t.name().equals(name)) {
        target = t;
        break;
      }
    }
    if (target == null) {
      throw new BatonException(
          ErrorCode.NOT_FOUND,
          "no tool '" + name + "' for role " + role + "; find_tools lists what there is",
          Map.of("tool", name));
    }
    DownstreamConfig d = config.servers().get(target.server());
    // The caller's progress token is swapped for one unique to this call: connections are shared
    // between agents, and two agents may use the same token.
    Object token = meta == null ? null : meta.get("progressToken");
    Map<String, Object> sent = meta;
    String relayed = null;
    if (token != null && upstream != null) {
      relayed = "baton-" + progressIds.incrementAndGet();
      sent = new LinkedHashMap<>(meta);
      sent.put("progressToken", relayed);
      progress.put(
          relayed,
          n ->
              upstream.progress(
                  new McpSchema.ProgressNotification(
                      token, n.progress(), n.total(), n.message(), n.meta())));
    }
    McpSchema.CallToolRequest request =
        new McpSchema.CallToolRequest(
            target.original(), arguments == null ? Map.of() : arguments, sent);
    long start = System.nanoTime(); // measured for the callers' metrics, not used for decisions
    boolean failed = true;
    try {
      McpSchema.CallToolResult result = pool(d, caller).call(request, upstream);
      failed = false;
      return result;
    } finally {
      if (relayed != null) {
        progress.remove(relayed);
      }
      CallTime done =
          new CallTime(
              d.name(), target.original(), Duration.ofNanos(System.nanoTime() - start), failed);
      callListeners.forEach(l -> l.accept(done));
    }
  }

  /** A progress notification from a downstream server, passed to the call it belongs to. */
  private void relay(McpSchema.ProgressNotification n) {
    Consumer<McpSchema.ProgressNotification> to =
        n.progressToken() == null ? null : progress.get(n.progressToken());
    if (to != null) {
      to.accept(n);
    }
  }

  /**
   * Stops every connection made for an instance (it expired or deregistered). Returns at once; the
   * processes are ended in the background (this runs where events are published).
   */
  public void instanceGone(String instance) {
    String suffix = "|instance:" + instance;
    List<Pool> gone = new ArrayList<>();
    pools
        .entrySet()
        .removeIf(
            e -> {
              if (e.getKey().endsWith(suffix)) {
                gone.add(e.getValue());
                return true;
              }
              return false;
            });
    for (Pool p : gone) {
      Thread t = new Thread(p::close, "baton-gateway-stop-" + instance);
      t.setDaemon(true);
      t.start();
      stopping.add(t);
    }
    stopping.removeIf(t -> !t.isAlive());
  }

  /** Running processes per configured server (zero for servers not running, and for HTTP). */
  public Map<String, Integer> processesByServer() {
    Map<String, Integer> out = new LinkedHashMap<>();
    config.servers().keySet().forEach(name -> out.put(name, 0));
    for (Pool p : pools.values()) {
      out.merge(p.config.name(), p.pids().size(), Integer::sum);
    }
    return out;
  }

  /** Processes started again after their server exited or stopped answering, per server. */
  public Map<String, Long> restartsByServer() {
    Map<String, Long> out = new LinkedHashMap<>();
    restarts.forEach((name, n) -> out.put(name, n.get()));
    return out;
  }

  /** How full each configured server's pools are (zeros for a server with no pool open). */
  public List<PoolSnapshot> pools() {
    Map<String, PoolSnapshot> out = new LinkedHashMap<>();
    config.servers().keySet().forEach(name -> out.put(name, new PoolSnapshot(name, 0, 0, 0)));
    for (Pool p : pools.values()) {
      PoolSnapshot one = p.snapshot();
      out.merge(
          one.server(),
          one,
          (a, b) ->
              new PoolSnapshot(
                  a.server(),
                  a.size() + b.size(),
                  a.inUse() + b.inUse(),
                  a.waiters() + b.waiters()));
    }
    return List.copyOf(out.values());
  }

  /** Processes started and running now (for tests and metrics). */
  public List<Long> pids() {
    List<Long> out = new ArrayList<>();
    pools.values().forEach(p -> out.addAll(p.pids()));
    return out;
  }

  private Pool pool(DownstreamConfig d, Caller caller) {
    if (closed) {
      throw new BatonException(ErrorCode.UNAVAILABLE, "the broker is shutting down");
    }
    String key =
        switch (d.scope()) {
          case SHARED -> d.name();
          case WORKSPACE -> d.name() + "|workspace:" + caller.workspace();
          case INSTANCE -> d.name() + "|instance:" + caller.instance();
        };
    return pools.computeIfAbsent(
        key, k -> new Pool(d, k, vars(caller == null ? discoveryCaller() : caller)));
  }

  private static Map<String, String> vars(Caller caller) {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("workspace", caller.workspace().toString());
    vars.put(
        "worktree",
        (caller.worktree() == null ? caller.workspace() : caller.worktree()).toString());
    vars.put("instance", caller.instance());
    vars.put("role", caller.role());
    return vars;
  }

  /**
   * Who a shared server, or a server started only to learn its tools, runs for: nobody, in the
   * scratch directory (created here).
   */
  private Caller discoveryCaller() {
    try {
      Files.createDirectories(scratch);
    } catch (IOException e) {
      throw new BatonException(
          ErrorCode.INTERNAL, "cannot create " + scratch + ": " + e.getMessage(), e);
    }
    return new Caller(DISCOVERY, "", scratch, scratch);
  }

  private void sweep() {
    Instant now = clock.instant();
    for (Pool p : pools.values()) {
      try {
        p.sweep(now);
      } catch (RuntimeException e) {
        LOG.debug("sweeping {} failed: {}", p.key, e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    janitor.shutdownNow();
    List<Pool> all = new ArrayList<>(pools.values());
    pools.clear();
    all.parallelStream().forEach(Pool::close);
    for (Thread t : stopping) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The connections of one server for one scope key. */
  private final class Pool {
    final DownstreamConfig config;
    final String key;
    final Map<String, String> vars;

    /** Changed under the pool's lock; read without it, so that a scrape never waits for a start. */
    final List<Connection> connections = new java.util.concurrent.CopyOnWriteArrayList<>();

    final java.util.concurrent.atomic.AtomicInteger waiting =
        new java.util.concurrent.atomic.AtomicInteger();
    int crashes;
    Instant lastCrash = Instant.EPOCH;

    /** The start under way, or null; changed under the pool's lock. */
    CompletableFuture<Connection> starting;

    Pool(DownstreamConfig config, String key, Map<String, String> vars) {
      this.config = config;
      this.key = key;
      this.vars = vars;
    }

    Offer offer() {
      Duration timeout = Gateway.this.config.startTimeout();
      Connection c = connection();
      return new Offer(
          List.copyOf(c.listTools(timeout)),
          List.copyOf(c.listResources(timeout)),
          List.copyOf(c.listResourceTemplates(timeout)),
          List.copyOf(c.listPrompts(timeout)));
    }

    McpSchema.CallToolResult call(McpSchema.CallToolRequest request, Upstream upstream) {
      Connection c = connection();
      McpSchema.CallToolResult result = c.call(request, upstream);
      synchronized (this) {
        crashes = 0;
      }
      return result;
    }

    /**
     * The least busy live connection; a new one when all are busy and the pool has room. A start
     * (its restart backoff included) runs outside the pool's lock, one at a time: meanwhile callers
     * use the busy connections there are, or wait for the start when there is none.
     */
    Connection connection() {
      waiting.incrementAndGet();
      try {
        while (true) {
          CompletableFuture<Connection> other;
          long backoff;
          CompletableFuture<Connection> mine;
          synchronized (this) {
            Connection best = leastBusy();
            if (best != null
                && (best.inFlight() == 0
                    || connections.size() >= config.pool()
                    || starting != null)) {
              return best;
            }
            other = starting;
            if (other == null) {
              backoff = backoff();
              mine = new CompletableFuture<>();
              starting = mine;
            } else {
              backoff = 0;
              mine = null;
            }
          }
          if (mine != null) {
            return start(mine, backoff);
          }
          awaitStart(other);
        }
      } finally {
        waiting.decrementAndGet();
      }
    }

    /** Under the lock: drops dead connections and answers the least busy live one, or null. */
    private Connection leastBusy() {
      connections.removeIf(
          c -> {
            if (!c.alive()) {
              crashes++;
              lastCrash = clock.instant();
              LOG.warn("MCP server '{}' ({}) {}", config.name(), key, c.end());
              c.close();
              return true;
            }
            return false;
          });
      Connection best = null;
      for (Connection c : connections) {
        if (best == null || c.inFlight() < best.inFlight()) {
          best = c;
        }
      }
      return best;
    }

    /**
     * Under the lock: how long to wait before starting again after crashes, in milliseconds;
     * refuses when the server crashed too often lately.
     */
    private long backoff() {
      int limit = Gateway.this.config.maxRestarts();
      if (crashes > limit) {
        if (Duration.between(lastCrash, clock.instant()).compareTo(Duration.ofMinutes(1)) < 0) {
          throw new BatonException(
              ErrorCode.UNAVAILABLE,
              "MCP server '"
                  + config.name()
                  + "' crashed "
                  + crashes
                  + " times in a row; baton tries again a minute after the last crash (see the broker log)",
              Map.of("server", config.name()));
        }
        crashes = limit; // one more try after the quiet period
      }
      return crashes > 0 ? Math.min(10_000L, 250L << Math.min(crashes, 6)) : 0;
    }

    /** Outside the lock: starts a connection and tells those waiting for it. */
    private Connection start(CompletableFuture<Connection> mine, long backoff) {
      boolean restart = backoff > 0;
      try {
        if (restart) {
          Thread.sleep(backoff);
        }
        Connection c =
            Connection.open(
                config, vars, json, Gateway.this.config.startTimeout(), clock, Gateway.this::relay);
        if (restart) {
          restarts
              .computeIfAbsent(config.name(), n -> new java.util.concurrent.atomic.AtomicLong())
              .incrementAndGet();
        }
        if (c.pid() > 0) {
          LOG.info("started MCP server '{}' ({}) as process group {}", config.name(), key, c.pid());
        }
        synchronized (this) {
          connections.add(c);
          starting = null;
        }
        mine.complete(c);
        return c;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        RuntimeException stopped =
            new BatonException(
                ErrorCode.UNAVAILABLE,
                "interrupted while waiting to start MCP server '" + config.name() + "'",
                Map.of("server", config.name()));
        endStart(mine, stopped);
        throw stopped;
      } catch (RuntimeException e) {
        endStart(mine, e);
        throw e;
      }
    }

    private void endStart(CompletableFuture<Connection> mine, RuntimeException e) {
      synchronized (this) {
        starting = null;
      }
      mine.completeExceptionally(e);
    }

    /** Outside the lock: waits for another caller's start; its failure is this caller's too. */
    private void awaitStart(CompletableFuture<Connection> other) {
      try {
        other.get(Gateway.this.config.startTimeout().toMillis() + 11_000, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      } catch (TimeoutException e) {
        throw new BatonException(
            ErrorCode.UNAVAILABLE,
            "MCP server '" + config.name() + "' did not start in time",
            Map.of("server", config.name()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BatonException(
            ErrorCode.UNAVAILABLE,
            "interrupted while waiting for MCP server '" + config.name() + "' to start",
            Map.of("server", config.name()));
      }
    }

    PoolSnapshot snapshot() {
      int busy = 0;
      for (Connection c : connections) {
        if (c.inFlight() > 0) {
          busy++;
        }
      }
      return new PoolSnapshot(config.name(), config.pool(), busy, waiting.get());
    }

    List<Long> pids() {
      List<Long> out = new ArrayList<>();
      for (Connection c : connections) {
        if (c.alive() && c.pid() > 0) {
          out.add(c.pid());
        }
      }
      return out;
    }

    void sweep(Instant now) {
      List<Connection> idle = new ArrayList<>();
      List<Connection> quiet = new ArrayList<>();
      synchronized (this) {
        for (Connection c : connections) {
          Duration unused = Duration.between(c.lastUsed(), now);
          if (c.inFlight() == 0 && unused.compareTo(config.idleTimeout()) >= 0 && !config.eager()) {
            idle.add(c);
          } else if (c.inFlight() == 0 && unused.compareTo(PING_AFTER) >= 0) {
            quiet.add(c);
          }
        }
        connections.removeAll(idle);
      }
      for (Connection c : idle) {
        LOG.info("closing idle MCP server '{}' ({})", config.name(), key);
        c.close();
      }
      for (Connection c : quiet) {
        try {
          c.ping(PING_TIMEOUT);
        } catch (RuntimeException e) {
          LOG.warn(
              "MCP server '{}' ({}) did not answer a ping: {}", config.name(), key, e.getMessage());
          synchronized (this) {
            connections.remove(c);
            crashes++;
            lastCrash = clock.instant();
          }
          c.close();
        }
      }
    }

    void close() {
      List<Connection> all;
      synchronized (this) {
        all = new ArrayList<>(connections);
        connections.clear();
      }
      all.forEach(Connection::close);
    }
  }
}
