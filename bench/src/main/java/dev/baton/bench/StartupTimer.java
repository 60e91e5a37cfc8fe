package dev.baton.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Broker start-to-ready: from spawning the JVM to the first successful {@code GET /v1/health}, on a
 * new store (cold: new data directory, new database, migrations run) and on an existing one (warm
 * restart). Also the time from SIGTERM to the process exit.
 */
final class StartupTimer {
  /**
   * The figures of one kind of start.
   *
   * @param toHealth spawn to the first successful health check
   * @param toReadyLine spawn to the ready line on stdout
   * @param stop SIGTERM to exit
   * @param instances live instances the broker reported when ready
   * @param problems unexpected exit codes, sockets left behind
   */
  record Result(
      Latencies.Summary toHealth,
      Latencies.Summary toReadyLine,
      Latencies.Summary stop,
      long instances,
      List<String> problems) {}

  private final Path jar;
  private final Path parent;
  private final Path config;
  private final Backend backend;

  StartupTimer(Path jar, Path parent, Path config, Backend backend) {
    this.jar = jar;
    this.parent = parent;
    this.config = config;
    this.backend = backend;
  }

  /** Starts brokers on new stores, one at a time; each directory is deleted afterwards. */
  Result cold(int starts) {
    Runs runs = new Runs(starts);
    for (int i = 0; i < starts; i++) {
      Path dir = Cleanup.tempDir(parent, backend.key() + "-cold-");
      try {
        runs.once(new BrokerProcess.Home(dir, config, backend.newStore("cold")));
      } finally {
        Cleanup.deleteTree(dir);
      }
    }
    return runs.result();
  }

  /** Restarts a broker on an existing store (its previous broker must have stopped). */
  Result warm(BrokerProcess.Home home, int starts) {
    Runs runs = new Runs(starts);
    for (int i = 0; i < starts; i++) {
      runs.once(home);
    }
    return runs.result();
  }

  private final class Runs {
    final Latencies health;
    final Latencies readyLine;
    final Latencies stop;
    final List<String> problems = new ArrayList<>();
    long instances;

    Runs(int starts) {
      health = new Latencies(starts);
      readyLine = new Latencies(starts);
      stop = new Latencies(starts);
    }

    void once(BrokerProcess.Home home) {
      BrokerProcess.Started s = BrokerProcess.start(jar, home);
      health.add(s.toHealthNanos());
      if (s.toReadyLineNanos() >= 0) {
        readyLine.add(s.toReadyLineNanos());
      } else {
        problems.add("no ready line on stdout within 5 s of the first healthy answer");
      }
      instances = s.instances();
      BrokerProcess.Stopped stopped = s.broker().stop();
      stop.add(stopped.nanos());
      if (stopped.exitCode() != 0 && stopped.exitCode() != 143) {
        problems.add("exit code " + stopped.exitCode() + " after SIGTERM (log " + home.log() + ")");
      }
      if (!stopped.socketRemoved()) {
        problems.add("socket " + home.socket() + " left behind after SIGTERM");
      }
    }

    Result result() {
      return new Result(
          health.summary(), readyLine.summary(), stop.summary(), instances, List.copyOf(problems));
    }
  }
}
