package dev.baton.bench;

import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.EventStreamReader;
import dev.baton.api.client.EventStreamReader.ServerSentEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Two broker processes on one PostgreSQL store (a throwaway local cluster): how long an event
 * committed through one node takes to reach an event stream open on the other node, beside the same
 * event reaching a stream on the node that committed it. Each round registers an instance through
 * node 1 (the clock starts before the request) and stops the clock when {@code instance.registered}
 * of that instance arrives on each stream; rounds run one at a time.
 */
public final class NodesBench {
  private NodesBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = 500;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--help" -> {
          System.out.println("Usage: bench/run-nodes [--rounds 500]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (rounds < 10 || rounds > 100_000) {
      throw new IllegalArgumentException("--rounds 10..100000");
    }
    int code = 0;
    try {
      System.out.print(run(rounds));
    } catch (RuntimeException e) {
      System.err.println("bench: failed: " + e.getMessage());
      e.printStackTrace();
      code = 1;
    } finally {
      Cleanup.runAll();
    }
    System.exit(code);
  }

  private static String run(int rounds) throws Exception {
    long start = System.nanoTime();
    Path jar = Path.of(System.getProperty("bench.jar", "target/baton.jar")).toAbsolutePath();
    Path root = Cleanup.tempDir(Path.of("/tmp"), "baton-nodes-bench-");
    Path repo = root.resolve("repo");
    Commands.check(List.of("git", "init", "-q", repo.toString()));
    Path config = root.resolve("baton.yaml");
    Files.writeString(config, "registry:\n  instance-ttl: 30m\n");
    System.err.println("bench: starting PostgreSQL");
    PostgresCluster postgres = PostgresCluster.startLocal(Path.of("/tmp"));
    String store = postgres.newStore("nodes");
    BrokerProcess one =
        BrokerProcess.start(
                jar, new BrokerProcess.Home(Cleanup.tempDir(root, "n1-"), config, store))
            .broker();
    BrokerProcess two =
        BrokerProcess.start(
                jar, new BrokerProcess.Home(Cleanup.tempDir(root, "n2-"), config, store))
            .broker();
    Latencies same = new Latencies(rounds);
    Latencies other = new Latencies(rounds);
    try (BrokerClient writer = one.unixClient(true);
        BrokerClient reader1 = one.unixClient(true);
        BrokerClient reader2 = two.unixClient(true);
        EventStreamReader local = reader1.events(null);
        EventStreamReader remote = reader2.events(null)) {
      Follower onOne = new Follower(local);
      Follower onTwo = new Follower(remote);
      System.err.println("bench: warming up (50 rounds, not counted)");
      for (int r = 0; r < 50; r++) {
        round(writer, repo, onOne, onTwo, null, null);
      }
      System.err.println("bench: " + rounds + " rounds");
      for (int r = 0; r < rounds; r++) {
        round(writer, repo, onOne, onTwo, same, other);
      }
    } finally {
      one.stop();
      two.stop();
    }
    return report(rounds, same.summary(), other.summary(), postgres.describe(), start, root, jar);
  }

  private static void round(
      BrokerClient writer,
      Path repo,
      Follower onOne,
      Follower onTwo,
      Latencies same,
      Latencies other)
      throws Exception {
    long t0 = System.nanoTime();
    String id =
        writer
            .register(new RegisterBody("developer", repo.toString(), null, "bench"))
            .instance()
            .id();
    long local = onOne.awaitRegistered(id) - t0;
    long remote = onTwo.awaitRegistered(id) - t0;
    if (same != null) {
      same.add(local);
      other.add(remote);
    }
    writer.deregister(id);
  }

  /** Reads one stream on a thread of its own and hands each event over with its arrival time. */
  private static final class Follower {
    private record Arrival(ServerSentEvent event, long at) {}

    private final BlockingQueue<Arrival> arrivals = new ArrayBlockingQueue<>(10_000);

    Follower(EventStreamReader stream) {
      Thread t =
          new Thread(
              () -> {
                try {
                  for (ServerSentEvent e = stream.next(); e != null; e = stream.next()) {
                    arrivals.put(new Arrival(e, System.nanoTime()));
                  }
                } catch (IOException | InterruptedException e) {
                  // the stream ends with the bench
                }
              },
              "bench-follower");
      t.setDaemon(true);
      t.start();
    }

    /** When {@code instance.registered} of the instance arrived; other events are skipped. */
    long awaitRegistered(String instance) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        Arrival a = arrivals.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (a == null) {
          throw new IllegalStateException(
              "instance.registered of " + instance + " did not arrive within 10 s");
        }
        if (a.event().event().equals("instance.registered")
            && a.event().data().contains("\"" + instance + "\"")) {
          return a.at();
        }
      }
    }
  }

  private static String report(
      int rounds,
      Latencies.Summary same,
      Latencies.Summary other,
      String postgres,
      long start,
      Path workDir,
      Path jar) {
    StringBuilder s = new StringBuilder();
    s.append("### Two nodes on one PostgreSQL: an event reaching a stream\n\n");
    s.append(
        String.format(
            Locale.ROOT,
            "%d rounds, one at a time: register through node 1, until `instance.registered` arrives"
                + " on an event stream open on each node; client-side ms. %s. Took %.0f s.\n\n",
            rounds,
            postgres,
            (System.nanoTime() - start) / 1e9));
    s.append("| stream on | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|\n");
    row(s, "node 1 (committed there)", same);
    row(s, "node 2 (another node)", other);
    s.append("\n");
    Machine.describe(workDir, jar)
        .forEach((k, v) -> s.append("- ").append(k).append(": ").append(v).append("\n"));
    return s.toString();
  }

  private static void row(StringBuilder s, String label, Latencies.Summary l) {
    s.append(
        String.format(
            Locale.ROOT,
            "| %s | %.1f | %.1f | %.1f | %.1f |\n",
            label,
            l.p50(),
            l.p90(),
            l.p99(),
            l.max()));
  }
}
