package dev.baton.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The load harness: starts real brokers ({@code java -jar baton.jar serve}) on SQLite and on
 * PostgreSQL, one at a time, runs the heartbeat, registration, lease, hook and start-up benchmarks
 * against them, and prints a markdown report to stdout (progress goes to stderr). Run it with
 * {@code bench/run}.
 */
public final class Bench {
  private final BenchOptions options;

  private Bench(BenchOptions options) {
    this.options = options;
  }

  /** Everything measured on one backend; {@code failure} is set when the run broke off. */
  record BackendRun(
      Backend backend,
      List<HeartbeatLoad.Result> heartbeats,
      List<RegistrationLoad.Result> registrations,
      List<LeaseLoad.Result> leases,
      List<HookLoad.Result> hooks,
      StartupTimer.Result cold,
      StartupTimer.Result warm,
      List<String> problems,
      String failure) {}

  public static void main(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.print(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(BenchOptions.USAGE);
      return;
    }
    int code;
    try {
      code = new Bench(options).run();
    } catch (RuntimeException e) {
      if (Cleanup.closing()) {
        System.err.println("bench: interrupted; stopped everything it had started");
      } else {
        System.err.println("bench: failed: " + e.getMessage());
        e.printStackTrace();
      }
      code = 1;
    } finally {
      Cleanup.runAll();
    }
    System.exit(code);
  }

  private int run() {
    long start = System.nanoTime();
    Map<String, String> machine = Machine.describe(options.workDir(), options.jar());
    Path root = Cleanup.tempDir(options.workDir(), "baton-bench-");
    Path repo = root.resolve("repo");
    Commands.check(List.of("git", "init", "-q", repo.toString()));
    Path config = root.resolve("baton.yaml");
    write(
        config,
        "# Written by the benchmark: instances must not expire while it pauses between phases.\n"
            + "registry:\n  instance-ttl: 30m\n");

    List<BackendRun> runs = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (String store : options.stores()) {
      Backend backend;
      if (store.equals("sqlite")) {
        backend = new Backend.Sqlite(Machine.sqliteVersion());
      } else {
        try {
          progress("starting PostgreSQL");
          backend =
              options.postgresUrl() != null
                  ? PostgresCluster.external(options.postgresUrl())
                  : PostgresCluster.startLocal(options.workDir());
        } catch (RuntimeException e) {
          skipped.add("PostgreSQL was not measured: " + Cells.oneLine(e.getMessage()));
          progress("PostgreSQL skipped: " + e.getMessage());
          continue;
        }
      }
      runs.add(measure(backend, root, repo, config));
    }
    double minutes = (System.nanoTime() - start) / 60e9;
    System.out.print(new Report(options, machine, runs, skipped, minutes).markdown());
    System.out.flush();
    return runs.stream().anyMatch(r -> r.failure() != null) ? 1 : 0;
  }

  private BackendRun measure(Backend backend, Path root, Path repo, Path config) {
    List<HeartbeatLoad.Result> heartbeats = new ArrayList<>();
    List<RegistrationLoad.Result> registrations = new ArrayList<>();
    List<LeaseLoad.Result> leases = new ArrayList<>();
    List<HookLoad.Result> hooks = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    StartupTimer.Result cold = null;
    StartupTimer.Result warm = null;
    String failure = null;
    Path brokerLog = null;
    try {
      Path mainDir = Cleanup.tempDir(root, backend.key() + "-main-");
      BrokerProcess.Home home = new BrokerProcess.Home(mainDir, config, backend.newStore("main"));
      brokerLog = home.log();
      progress(backend.label() + ": starting the broker");
      BrokerProcess.Started started = BrokerProcess.start(options.jar(), home);
      try {
        BrokerProcess broker = started.broker();
        HeartbeatLoad load = new HeartbeatLoad(broker, backend, repo, options);
        if (options.jitWarmup() > 0) {
          progress(backend.label() + ": " + options.jitWarmup() + " uncounted warm-up heartbeats");
          load.warmUp(options.jitWarmup());
        }
        if (options.runs("heartbeat")) {
          for (int n : options.instances()) {
            progress(
                String.format(
                    "%s: %d instances heartbeating every %d ms, %d s warm-up + %d s measured",
                    backend.label(),
                    n,
                    options.interval().toMillis(),
                    options.warmup().toSeconds(),
                    options.duration().toSeconds()));
            heartbeats.add(load.run(n));
          }
        }
        if (options.runs("registration")) {
          RegistrationLoad registration = new RegistrationLoad(broker, backend, repo);
          for (RegistrationLoad.Transport t : RegistrationLoad.Transport.values()) {
            progress(
                backend.label() + ": " + options.registrations() + " registrations, " + t.label);
            registrations.add(registration.run(t, options.registrations()));
          }
        }
        if (options.runs("lease")) {
          LeaseLoad lease = new LeaseLoad(broker, backend, repo, options);
          if (options.jitWarmup() > 0) {
            progress(
                backend.label() + ": " + options.jitWarmup() + " uncounted lease acquisitions");
            lease.warmUp(options.jitWarmup());
          }
          for (LeaseLoad.Variant v : LeaseLoad.Variant.values()) {
            for (int n : options.leaseInstances()) {
              progress(
                  String.format(
                      "%s: leases, %s, %d instances, %d s warm-up + %d s measured",
                      backend.label(),
                      v.label,
                      n,
                      options.leaseWarmup().toSeconds(),
                      options.leaseDuration().toSeconds()));
              leases.add(lease.run(v, n));
            }
          }
        }
        if (options.runs("hook")) {
          Path hookDir = Cleanup.tempDir(root, backend.key() + "-hook-");
          hooks.addAll(
              new HookLoad(broker, backend, repo, hookDir, options).runAll(options.jitWarmup()));
        }
      } finally {
        BrokerProcess.Stopped stopped = started.broker().stop();
        if (!stopped.socketRemoved()) {
          problems.add("socket " + home.socket() + " left behind after SIGTERM");
        }
      }
      if (options.runs("startup") && options.starts() > 0) {
        StartupTimer timer = new StartupTimer(options.jar(), root, config, backend);
        progress(backend.label() + ": " + options.starts() + " cold starts");
        cold = timer.cold(options.starts());
        progress(backend.label() + ": " + options.starts() + " warm restarts");
        warm = timer.warm(home, options.starts());
      }
    } catch (RuntimeException e) {
      if (Cleanup.closing()) {
        throw e;
      }
      failure = Cells.oneLine(e.getMessage());
      progress(backend.label() + " failed: " + e.getMessage());
      e.printStackTrace();
      if (brokerLog != null) {
        progress(
            "last lines of the broker's log " + brokerLog + ":\n" + BrokerProcess.tail(brokerLog));
      }
    }
    return new BackendRun(
        backend,
        heartbeats,
        registrations,
        leases,
        hooks,
        cold,
        warm,
        List.copyOf(problems),
        failure);
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  static void progress(String message) {
    System.err.println("bench: " + message);
    System.err.flush();
  }
}
