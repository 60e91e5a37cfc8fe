package dev.baton.it;

import dev.baton.api.AcquireBody;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.BrokerUnreachableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * A mix of writes from several threads over the Unix socket, as agents make them: each thread
 * registers an instance, then in turn registers another, takes a lease on a file of its own, logs a
 * decision and logs a progress entry, until the broker goes away; bounded in count and time. Keeps
 * every write the broker acknowledged (2xx) with what identifies it. Thread-safe.
 */
final class MixedWrites {
  private static final int THREADS = 4;
  private static final int MAX_WRITES_PER_THREAD = 400;
  private static final Duration LIMIT = Duration.ofSeconds(15);

  /** What a write made. */
  enum Kind {
    INSTANCE,
    LEASE,
    DECISION,
    PROGRESS
  }

  /**
   * A write the broker acknowledged.
   *
   * @param id the instance, lease or memory item id from the answer
   * @param writer the instance that wrote it (the instance itself for a registration)
   * @param text the unique text of a memory item or the path of a lease; null for a registration
   */
  record Ack(int cycle, Kind kind, String id, String writer, String text) {
    @Override
    public String toString() {
      return kind + " " + id + (text == null ? "" : " '" + text + "'") + " (cycle " + cycle + ")";
    }
  }

  private final Path socket;
  private final Path repo;
  private final int cycle;
  private final ExecutorService threads = Executors.newFixedThreadPool(THREADS);
  private final List<Future<?>> workers = new ArrayList<>();
  private final List<Ack> acknowledged = Collections.synchronizedList(new ArrayList<>());
  private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch enough;
  private volatile boolean killed;

  /**
   * @param cycle the crash cycle, part of every path and text so that each write is unique
   * @param killAfter how many acknowledged writes {@link #awaitAcknowledged()} waits for
   */
  MixedWrites(Path socket, Path repo, int cycle, int killAfter) {
    this.socket = socket;
    this.repo = repo;
    this.cycle = cycle;
    this.enough = new CountDownLatch(killAfter);
  }

  void start() {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      workers.add(threads.submit(() -> write(thread, deadline)));
    }
  }

  private void write(int thread, long deadline) {
    try (BrokerClient client =
        BrokerClient.overUnixSocket(socket, true, BrokerClient.DEFAULT_TIMEOUT)) {
      String me = register(client);
      for (int n = 0; n < MAX_WRITES_PER_THREAD && System.nanoTime() < deadline; n++) {
        String unique = "c" + cycle + "w" + thread + "n" + n;
        switch (n % 4) {
          case 0 -> register(client);
          case 1 -> lease(client, me, "crash/" + unique + ".txt");
          case 2 -> log(client, Kind.DECISION, me, "crash decision " + unique);
          default -> log(client, Kind.PROGRESS, me, "crash progress " + unique);
        }
      }
    } catch (BrokerUnreachableException e) {
      if (!killed) {
        unexpected.add("before the kill: " + e.getMessage());
      }
    } catch (RuntimeException e) {
      unexpected.add(e.toString());
    }
  }

  private String register(BrokerClient client) {
    String id =
        client
            .register(new RegisterBody("developer", repo.toString(), null, "crash"))
            .instance()
            .id();
    acknowledge(new Ack(cycle, Kind.INSTANCE, id, id, null));
    return id;
  }

  private void lease(BrokerClient client, String me, String path) {
    String id =
        client
            .acquire(new AcquireBody(me, path, null, "exclusive", null, null, "crash", true))
            .leases()
            .get(0)
            .id();
    acknowledge(new Ack(cycle, Kind.LEASE, id, me, path));
  }

  private void log(BrokerClient client, Kind kind, String me, String text) {
    String route = kind == Kind.DECISION ? "/v1/memory/decisions" : "/v1/memory/progress";
    Map<String, Object> body =
        kind == Kind.DECISION
            ? Map.of("instance", me, "summary", text, "rationale", "kill -9 cycles")
            : Map.of("instance", me, "status", "TODO", "description", text);
    JsonNode item = client.call("POST", route, body, JsonNode.class);
    acknowledge(new Ack(cycle, kind, item.path("id").asString(), me, text));
  }

  private void acknowledge(Ack ack) {
    acknowledged.add(ack);
    enough.countDown();
  }

  /** Waits for the count given at construction, or fails saying how far it got. */
  void awaitAcknowledged() throws InterruptedException {
    Duration limit = LIMIT.plusSeconds(15);
    if (!enough.await(limit.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError(
          "cycle "
              + cycle
              + ": only "
              + acknowledged.size()
              + " writes acknowledged in "
              + limit.toSeconds()
              + " s; "
              + unexpected);
    }
  }

  void markKilled() {
    killed = true;
  }

  /** Waits for every thread to stop (the broker is gone, or the count or time ran out). */
  void finish() throws Exception {
    for (Future<?> worker : workers) {
      worker.get(60, TimeUnit.SECONDS);
    }
    threads.shutdownNow();
  }

  List<Ack> acknowledged() {
    synchronized (acknowledged) {
      return List.copyOf(acknowledged);
    }
  }

  List<String> unexpected() {
    synchronized (unexpected) {
      return List.copyOf(unexpected);
    }
  }
}
