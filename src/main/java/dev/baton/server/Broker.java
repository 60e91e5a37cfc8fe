package dev.baton.server;

import dev.baton.api.ApiHandler;
import dev.baton.api.ApiRoutes;
import dev.baton.api.BrokerInfo;
import dev.baton.api.DashboardAccess;
import dev.baton.api.DashboardRoutes;
import dev.baton.api.DashboardSessions;
import dev.baton.api.EventStreams;
import dev.baton.api.FleetRoutes;
import dev.baton.api.FocusRoutes;
import dev.baton.api.GuardRoutes;
import dev.baton.api.HandoffRoutes;
import dev.baton.api.HookRoutes;
import dev.baton.api.JsonErrorHandler;
import dev.baton.api.LandRoutes;
import dev.baton.api.LeaseRoutes;
import dev.baton.api.MemoryRoutes;
import dev.baton.api.RequestGuard;
import dev.baton.api.Router;
import dev.baton.api.StatusRoutes;
import dev.baton.api.WorktreeRoutes;
import dev.baton.config.BatonConfig;
import dev.baton.core.ErrorCode;
import dev.baton.core.Version;
import dev.baton.events.EventService;
import dev.baton.events.NewEvent;
import dev.baton.events.internal.DefaultEventService;
import dev.baton.events.internal.EventBus;
import dev.baton.focus.internal.Channels;
import dev.baton.focus.internal.DefaultFocusService;
import dev.baton.focus.internal.FleetSessionFile;
import dev.baton.focus.internal.Reminders;
import dev.baton.gateway.Gateway;
import dev.baton.git.internal.DefaultLandService;
import dev.baton.git.internal.DefaultWorktreeService;
import dev.baton.git.internal.GitQueue;
import dev.baton.handoff.MessageService;
import dev.baton.handoff.internal.DefaultCheckpointService;
import dev.baton.handoff.internal.DefaultHandoffService;
import dev.baton.handoff.internal.DefaultMessageService;
import dev.baton.leases.LeaseService;
import dev.baton.leases.internal.DefaultLeaseService;
import dev.baton.mcp.McpEndpoints;
import dev.baton.mcp.Notices;
import dev.baton.memory.MemoryService;
import dev.baton.memory.internal.DefaultMemoryService;
import dev.baton.registry.InstanceEvents;
import dev.baton.registry.InstanceService;
import dev.baton.registry.internal.DefaultInstanceService;
import dev.baton.registry.internal.LocalProcesses;
import dev.baton.store.Store;
import dev.baton.store.internal.SqlStore;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: opens the store, builds every capability, and serves them on the Unix
 * socket and on loopback TCP. {@link #close()} is the graceful shutdown SIGTERM triggers.
 */
public final class Broker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
  private static final Duration EVENT_PING = Duration.ofSeconds(15);
  private static final Duration FOCUS_TICK = Duration.ofSeconds(1);

  /**
   * During shutdown, how long a connection may stay silent: idle kept-alive connections close after
   * this instead of Jetty's 1 s, and a client in the middle of sending a request body has this long
   * between two of its writes.
   */
  private static final long SHUTDOWN_IDLE_TIMEOUT_MS = 500;

  private final BatonConfig config;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final Instant startedAt;
  private Server server;
  private GracefulHandler graceful;
  private ServerConnector tcp;
  private Store store;
  private EventStreams streams;
  private DefaultLeaseService leaseService;
  private McpEndpoints mcp;
  private String token;
  private DashboardSessions dashboard;
  private boolean closed;

  /** Set once no other broker can be on the socket, so that only its owner ever removes it. */
  private boolean socketOwned;

  private Broker(BatonConfig config, Clock clock) {
    this.config = config;
    this.startedAt = clock.instant();
  }

  /**
   * Starts a broker and returns once both listeners accept requests.
   *
   * @throws dev.baton.core.BatonException when the configuration cannot be served: another broker
   *     runs, a port is taken, the store cannot be opened
   */
  public static Broker start(BatonConfig config, Clock clock) {
    Broker broker = new Broker(config, clock);
    try {
      broker.startUp(clock);
      return broker;
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  private void startUp(Clock clock) {
    Path socket = config.server().socket();
    DataDirectory.prepare(config.dataDir());
    SocketFile.prepare(socket);
    resources.add(DataDirectory.Lock.acquire(config.lockFile()));
    // No broker answers on the socket and this one holds the data directory: the path is ours.
    socketOwned = true;
    token = DataDirectory.ensureToken(config.tokenFile());

    PrometheusRegistry metrics = new PrometheusRegistry();
    BrokerMetrics.jvm(metrics);
    EventBus bus = new EventBus();
    store = SqlStore.open(config.store(), clock, bus::publish, metrics);
    resources.add(store);
    resources.add(store.followOtherNodes(bus::publishFromOtherNode)::close);
    Instant downSince = lastWrite(store.events());
    LocalProcesses machine = new LocalProcesses();
    InstanceService instances =
        new DefaultInstanceService(
            store.instances(), new GitWorkspaceResolver(), config.registry(), clock, machine);
    BrokerMetrics.instances(instances, metrics);
    DefaultEventService events = new DefaultEventService(store.events(), bus);
    streams = new EventStreams(events, EVENT_PING);
    resources.add(streams);
    BrokerMetrics.eventStreams(streams, metrics);
    EventService.Subscription counted = BrokerMetrics.handoffs(events, metrics);
    resources.add(counted::close);
    DefaultLeaseService leaseCore =
        new DefaultLeaseService(
            store.leases(),
            instances,
            new GitWorkspaceResolver(),
            new GitPathResolver(),
            config.leases(),
            clock,
            events);
    resources.add(leaseCore);
    leaseService = leaseCore;
    LeaseService leases = new MeasuredLeases(leaseCore, metrics);

    MemoryService memory = new DefaultMemoryService(store.memory(), config.memory(), clock);
    DefaultCheckpointService checkpoints =
        new DefaultCheckpointService(
            store.handoffs(),
            instances,
            leases,
            memory,
            new GitWorkspaceResolver(),
            config.handoff(),
            clock,
            events);
    resources.add(checkpoints);
    DefaultHandoffService handoffs =
        new DefaultHandoffService(
            store.handoffs(), instances, leases, checkpoints, config.handoff(), clock, events);
    resources.add(handoffs);
    MessageService messages =
        new DefaultMessageService(
            store.handoffs(),
            instances,
            new GitWorkspaceResolver(),
            config.handoff(),
            clock,
            leases);

    GitQueue gitQueue = new GitQueue();
    resources.add(gitQueue);
    DefaultWorktreeService worktrees =
        new DefaultWorktreeService(store.worktrees(), instances, gitQueue, config.git(), clock);
    resources.add(worktrees);
    DefaultLandService lands =
        new DefaultLandService(
            new DefaultLandService.Stores(store.lands(), instances, store.worktrees()),
            new DefaultLandService.Setup(
                gitQueue, config.git(), config.dataDir().resolve("lands"), machine.host()),
            clock);
    resources.add(lands);
    DefaultFocusService focus = new DefaultFocusService(store.focus(), config.focus(), clock);
    resources.add(focus);
    resources.add(focus.followActivity(events)::close);
    FleetSessionFile fleetSessions =
        new FleetSessionFile(config.dataDir().resolve("fleet-sessions"));
    Reminders reminders =
        new Reminders(
            new Reminders.Sources(instances, messages, checkpoints),
            Channels.of(config.focus(), fleetSessions, System.getenv()),
            config.focus(),
            java.time.ZoneId.systemDefault());
    resources.add(reminders); // closed after its subscription: what was handed over finishes
    resources.add(reminders.follow(events)::close);

    Router router = new Router();
    new ApiRoutes(instances, worktrees, streams, metrics, this::info, clock).addTo(router);
    new WorktreeRoutes(worktrees).addTo(router);
    new LeaseRoutes(leases).addTo(router);
    new HookRoutes(
            instances,
            leases,
            new GitPathResolver(),
            messages,
            checkpoints,
            worktrees,
            focus,
            clock)
        .addTo(router);
    new FocusRoutes(focus).addTo(router);
    new FleetRoutes(fleetSessions).addTo(router);
    new HandoffRoutes(handoffs, messages, checkpoints, new GitWorkspaceResolver()).addTo(router);
    new GuardRoutes(leases, clock).addTo(router);
    new LandRoutes(lands, new GitWorkspaceResolver()).addTo(router);
    Gateway gateway =
        new Gateway(
            config.gateway(),
            McpEndpoints.mapper(),
            config.dataDir().resolve("gateway").resolve("discovery"),
            config.dataDir().resolve("gateway").resolve("offers"),
            clock);
    resources.add(gateway);
    EventService.Subscription gone =
        events.subscribe(
            e -> {
              if (e.instance() != null
                  && (e.type().equals(InstanceEvents.EXPIRED)
                      || e.type().equals(InstanceEvents.DEREGISTERED))) {
                gateway.instanceGone(e.instance());
              }
            });
    resources.add(gone::close);
    BrokerMetrics.gateway(gateway, metrics);
    new MemoryRoutes(memory, instances, new GitWorkspaceResolver(), clock).addTo(router);
    mcp =
        new McpEndpoints(
            instances,
            leases,
            memory,
            config.memory().tools(),
            config.handoff().tools(),
            config.coordination().tools(),
            handoffs,
            messages,
            checkpoints,
            gateway,
            lands,
            focus,
            clock);
    resources.add(mcp);
    McpEndpoints endpoints = mcp;
    EventService.Subscription notices =
        events.subscribe(
            e ->
                Notices.of(e)
                    .ifPresent(n -> endpoints.notifyInstance(e.instance(), n.level(), n.text())));
    resources.add(notices::close);
    // Before anyone can ask: agents that still run keep their instances and leases, and what
    // lapsed while the broker was down waits one TTL for its holder to come back.
    instances.expireOverdue();
    leases.renewFollowing();
    if (downSince != null) {
      leases.restartGrace(downSince, config.registry().instanceTtl());
    }
    lands.resumeUnfinished(); // what a stopped broker left queued or started, in its order
    mcp.listFromCache();
    StatusLine statusLine =
        StatusLine.start(
            new StatusLineState.Sources(instances, leases, lands, messages, handoffs, focus),
            StatusLine.fileIn(config.dataDir()),
            events,
            clock);
    resources.add(statusLine);
    new StatusRoutes(statusLine::current).addTo(router);
    // in memory: a restart ends every browser session, and the page asks for a new code
    dashboard = new DashboardSessions(clock);
    new DashboardRoutes(dashboard, this::tcpAddress).addTo(router);
    startHttp(router, metrics);
    resources.add(
        new Janitor(
            instances,
            leases,
            handoffs,
            checkpoints,
            config.handoff().checkpointInterval(),
            store.handoffs(),
            config.handoff().retention(),
            store.events(),
            config.registry().sweepInterval(),
            config.events().retention(),
            store::keepsHouse,
            clock,
            worktrees));
    // the timer moves on by the clock: a block that ended while the broker was down becomes its
    // break (or is over with it), and a block that still runs keeps its end
    focus.startTicking(FOCUS_TICK);
    store.events().append(new NewEvent("broker.started", null, null, started(downSince)));
    LOG.info(
        "baton {} ready on unix:{}{} with store {}",
        Version.current(),
        socket,
        tcpAddress().map(a -> " and http://" + a).orElse(""),
        store.describe());
  }

  /**
   * When the store was last written before this start (its newest event), or null for a new store:
   * the broker was down (or another node wrote) since then.
   */
  private static Instant lastWrite(dev.baton.events.EventStore events) {
    long last = events.lastId();
    if (last == 0) {
      return null;
    }
    List<dev.baton.events.Event> newest = events.after(last - 1, 1);
    return newest.isEmpty() ? null : newest.get(0).at();
  }

  /** The {@code broker.started} event's data: version, pid, and the outage it ends. */
  private Map<String, Object> started(Instant downSince) {
    Map<String, Object> data = new java.util.LinkedHashMap<>();
    data.put("version", Version.current());
    data.put("pid", ProcessHandle.current().pid());
    if (downSince != null) {
      data.put("downSince", downSince.toString());
      data.put("downForMs", Math.max(0, Duration.between(downSince, startedAt).toMillis()));
    }
    return data;
  }

  private void startHttp(Router router, PrometheusRegistry metrics) {
    QueuedThreadPool threads = new QueuedThreadPool(200, 4);
    threads.setName("baton-http");
    threads.setDaemon(true);
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);

    UnixDomainServerConnector unix =
        new UnixDomainServerConnector(server, new HttpConnectionFactory(http));
    unix.setUnixDomainPath(config.server().socket());
    Optional<InetSocketAddress> tcpConfig = config.server().tcp();
    if (tcpConfig.isPresent()) {
      tcp = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
      tcp.setHost(tcpConfig.get().getAddress().getHostAddress());
      tcp.setPort(tcpConfig.get().getPort());
    }
    ApiHandler api = new ApiHandler(router, config.server().maxBodyBytes(), metrics);
    ServletContextHandler mcpContext = new ServletContextHandler("/mcp");
    ServletHolder mcpServlet = new ServletHolder("mcp", mcp.servlet());
    mcpServlet.setAsyncSupported(true); // event streams and tool calls answer asynchronously
    mcpContext.addServlet(mcpServlet, "/*");
    ContextHandlerCollection routes =
        new ContextHandlerCollection(mcpContext, new ContextHandler(api, "/"));
    RequestGuard guard =
        new RequestGuard(
            new dev.baton.api.WholeBodies(routes, config.server().maxBodyBytes()),
            token,
            connector -> connector == tcp,
            config.server().maxBodyBytes(),
            new DashboardAccess(dashboard));
    graceful = new GracefulHandler(guard);
    graceful.setShutdownIdleTimeout(SHUTDOWN_IDLE_TIMEOUT_MS);
    server.setHandler(graceful);
    GaugeWithCallback.builder()
        .name("baton_api_requests_in_flight")
        .help("Requests being answered, event streams included")
        .callback(cb -> cb.call(graceful.getCurrentRequestCount()))
        .register(metrics);
    server.setErrorHandler(new JsonErrorHandler());
    server.setStopTimeout(config.server().shutdownTimeout().toMillis());
    server.setStopAtShutdown(false);
    // The listeners open once the broker has made its own first requests, in memory (WarmUp). The
    // TCP port is bound first, so that a port in use fails the start at once; a client that
    // connects to it meanwhile waits in the backlog.
    LocalConnector local = new LocalConnector(server, new HttpConnectionFactory(http));
    server.addConnector(local);
    try {
      if (tcp != null) {
        tcp.open();
      }
      server.start();
      warmUp(local);
      server.addConnector(unix);
      unix.start();
      SocketFile.restrict(config.server().socket());
      if (tcp != null) {
        server.addConnector(tcp);
        tcp.start();
      }
    } catch (IOException e) {
      closeUnstarted(tcp);
      throw bindFailure(e);
    } catch (Exception e) {
      closeUnstarted(tcp);
      throw new BrokerStartException(
          ErrorCode.INTERNAL, "cannot start the HTTP listeners: " + e.getMessage(), e);
    }
  }

  /** A port bound but never handed to the server, which would not close it. */
  private static void closeUnstarted(ServerConnector connector) {
    if (connector != null && !connector.isStarted()) {
      connector.close();
    }
  }

  /** The broker's own first requests, through the in-memory connector, which then goes. */
  private void warmUp(LocalConnector local) throws Exception {
    try {
      List<String> roles = mcp.roles();
      if (!roles.isEmpty()) {
        long ms = new WarmUp(local, McpEndpoints.WARM_UP_HEADER, mcp.warmUpKey()).run(roles.get(0));
        LOG.debug("warmed up in {} ms", ms);
      }
    } finally {
      server.removeConnector(local);
      local.stop();
    }
  }

  private BrokerStartException bindFailure(IOException e) {
    Throwable cause = e;
    while (cause != null && !(cause instanceof BindException)) {
      cause = cause.getCause();
    }
    if (cause != null && config.server().tcp().isPresent()) {
      InetSocketAddress a = config.server().tcp().get();
      return new BrokerStartException(
          ErrorCode.CONFIG_INVALID,
          "cannot listen on "
              + a.getAddress().getHostAddress()
              + ":"
              + a.getPort()
              + ": "
              + cause.getMessage()
              + "; another program (or baton) uses the port. Stop it, or set server.tcp / --tcp to another port or off",
          e);
    }
    return new BrokerStartException(
        ErrorCode.CONFIG_INVALID, "cannot open the listeners: " + e.getMessage(), e);
  }

  private BrokerInfo info() {
    return new BrokerInfo(
        Version.current(),
        startedAt,
        ProcessHandle.current().pid(),
        store.kind().wireName(),
        store.describe(),
        config.server().socket().toString(),
        tcpAddress().orElse(null));
  }

  /** The TCP address actually bound, e.g. {@code 127.0.0.1:8090}; empty when TCP is off. */
  public Optional<String> tcpAddress() {
    if (tcp == null) {
      return Optional.empty();
    }
    String host = tcp.getHost().contains(":") ? "[" + tcp.getHost() + "]" : tcp.getHost();
    int port = tcp.getLocalPort() > 0 ? tcp.getLocalPort() : tcp.getPort();
    return Optional.of(host + ":" + port);
  }

  /** The TCP port actually bound (useful with port 0), or -1 when TCP is off. */
  public int tcpPort() {
    return tcp == null ? -1 : tcp.getLocalPort();
  }

  /** Requests being answered now, open event streams included. */
  public long requestsInFlight() {
    return graceful == null ? 0 : graceful.getCurrentRequestCount();
  }

  public Path socket() {
    return config.server().socket();
  }

  public String token() {
    return token;
  }

  public BatonConfig config() {
    return config;
  }

  /**
   * Stops accepting, ends event streams, lets in-flight requests finish (up to
   * server.shutdown-timeout), closes the store and removes the socket file. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    boolean serving = server != null && server.isStarted();
    if (serving) {
      LOG.info("baton shutting down");
    }
    if (store != null && serving) {
      try {
        store
            .events()
            .append(
                new NewEvent(
                    "broker.stopping", null, null, Map.of("pid", ProcessHandle.current().pid())));
      } catch (RuntimeException e) {
        LOG.debug("could not record broker.stopping", e);
      }
    }
    if (streams != null) {
      streams.close();
    }
    if (leaseService != null) {
      leaseService.close(); // answers waiting acquires now, so that they do not hold up shutdown
    }
    if (mcp != null) {
      mcp.close(); // ends MCP sessions and their event streams, which would hold up shutdown
    }
    if (server != null) {
      try {
        server.stop();
      } catch (Exception e) {
        LOG.warn("stopping the HTTP listeners failed: {}", e.getMessage());
      }
    }
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        LOG.warn(
            "closing {} failed: {}", resources.get(i).getClass().getSimpleName(), e.getMessage());
      }
    }
    if (socketOwned) {
      SocketFile.remove(config.server().socket());
    }
    if (serving) {
      LOG.info("baton stopped");
    }
  }
}
