package dev.baton.bench;

import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Handoff latency on real broker processes (SQLite, and PostgreSQL when it can be started), side by
 * side: from the start of {@code POST /v1/handoffs} (which checkpoints the sender, runs git in its
 * working tree, moves one lease and stores the handoff) until the recipient's {@code GET
 * /v1/messages?unread=true} shows it. Pairs of instances hand a file back and forth, one pair at a
 * time and then several at once; the lease each round moves was taken before the clock starts.
 */
public final class HandoffBench {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private HandoffBench() {}

  record Row(String store, int pairs, Latencies.Summary latency, Latencies.Summary post) {}

  public static void main(String[] args) throws Exception {
    int rounds = 200;
    List<Integer> pairs = List.of(1, 10);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--pairs" ->
            pairs = List.of(args[++i].split(",")).stream().map(Integer::parseInt).toList();
        case "--help" -> {
          System.out.println("Usage: bench/run-handoff [--rounds 200] [--pairs 1,10]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (rounds < 10 || rounds > 100_000 || pairs.stream().anyMatch(p -> p < 1 || p > 100)) {
      throw new IllegalArgumentException("--rounds 10..100000, --pairs 1..100 each");
    }
    int counted = rounds;
    List<Integer> pairCounts = pairs;
    Cleanup.printAndExit(() -> run(counted, pairCounts));
  }

  private static String run(int rounds, List<Integer> pairCounts) throws Exception {
    long start = System.nanoTime();
    Path jar = Path.of(System.getProperty("bench.jar", "target/baton.jar")).toAbsolutePath();
    Path root = Cleanup.tempDir(Path.of("/tmp"), "baton-handoff-bench-");
    Path repo = Commands.gitRepository(root.resolve("repo"));
    Path config = root.resolve("baton.yaml");
    Files.writeString(config, "registry:\n  instance-ttl: 30m\n");
    Backend.Lineup lineup = Backend.sqliteAndLocalPostgres();
    List<Backend> backends = lineup.backends();
    String skipped = lineup.skipped();
    List<Row> rows = new ArrayList<>();
    for (Backend backend : backends) {
      Path dir = Cleanup.tempDir(root, backend.key() + "-");
      BrokerProcess broker =
          BrokerProcess.start(jar, new BrokerProcess.Home(dir, config, backend.newStore("handoff")))
              .broker();
      try {
        progress(backend.label() + ": warming up (1 pair, 50 rounds, not counted)");
        pairs(broker, backend, repo, 1, 50, "warm");
        for (int n : pairCounts) {
          progress(backend.label() + ": " + n + " pairs, " + rounds + " rounds each");
          rows.add(pairs(broker, backend, repo, n, rounds, "p" + n));
        }
      } finally {
        broker.stop();
      }
    }
    return report(rounds, rows, skipped, (System.nanoTime() - start) / 1e9);
  }

  private static Row pairs(
      BrokerProcess broker, Backend backend, Path repo, int n, int rounds, String tag)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    List<Future<Latencies[]>> parts = new ArrayList<>();
    for (int p = 0; p < n; p++) {
      String file = "bench/" + tag + "-" + p + ".txt";
      parts.add(pool.submit(() -> pair(broker, repo, file, rounds)));
    }
    List<Latencies> visible = new ArrayList<>();
    List<Latencies> posts = new ArrayList<>();
    for (Future<Latencies[]> f : parts) {
      Latencies[] l = f.get(600, TimeUnit.SECONDS);
      visible.add(l[0]);
      posts.add(l[1]);
    }
    pool.shutdownNow();
    return new Row(
        backend.label(), n, Latencies.merge(visible).summary(), Latencies.merge(posts).summary());
  }

  /** Two instances hand one file back and forth; each handoff is answered before the next. */
  private static Latencies[] pair(BrokerProcess broker, Path repo, String file, int rounds)
      throws Exception {
    Latencies visible = new Latencies(rounds);
    Latencies post = new Latencies(rounds);
    try (BrokerClient c = broker.unixClient(true)) {
      String[] ids = new String[2];
      for (int i = 0; i < 2; i++) {
        ids[i] =
            c.register(
                    new RegisterBody(
                        i == 0 ? "developer" : "debugger", repo.toString(), null, "bench"))
                .instance()
                .id();
      }
      expect(c, "POST", "/v1/leases", Map.of("instance", ids[0], "paths", List.of(file)), 200);
      for (int r = 0; r < rounds; r++) {
        String from = ids[r % 2];
        String to = ids[(r + 1) % 2];
        long t0 = System.nanoTime();
        JsonNode h =
            expect(
                c,
                "POST",
                "/v1/handoffs",
                Map.of("from", from, "to", to, "summary", "round " + r, "files", List.of(file)),
                201);
        long t1 = System.nanoTime();
        HttpResponse inbox =
            c.send("GET", "/v1/messages?instance=" + to + "&unread=true&limit=1", Map.of(), null);
        long t2 = System.nanoTime();
        JsonNode first = JSON.readTree(inbox.bodyText()).path("messages").path(0);
        if (first.path("handoff").asLong() != h.path("id").asLong()) {
          throw new IllegalStateException("the handoff is not in the inbox: " + inbox.bodyText());
        }
        visible.add(t2 - t0);
        post.add(t1 - t0);
        expect(
            c,
            "POST",
            "/v1/handoffs/" + h.path("id").asLong() + "/accept",
            Map.of("instance", to),
            200);
        c.send("GET", "/v1/messages?instance=" + to + "&unread=true&markRead=true", Map.of(), null);
      }
      for (String id : ids) {
        c.deregister(id);
      }
    }
    return new Latencies[] {visible, post};
  }

  private static JsonNode expect(
      BrokerClient c, String method, String path, Map<String, Object> body, int status) {
    HttpResponse r =
        c.send(
            method, path, Map.of("Content-Type", "application/json"), JSON.writeValueAsBytes(body));
    if (r.status() != status) {
      throw new IllegalStateException(method + " " + path + ": " + r.status() + " " + r.bodyText());
    }
    return JSON.readTree(r.bodyText());
  }

  private static String report(int rounds, List<Row> rows, String skipped, double seconds) {
    StringBuilder s = new StringBuilder();
    s.append("### Handoffs: send to visible in the recipient's inbox\n\n");
    s.append(
        String.format(
            Locale.ROOT,
            "Each pair hands one leased file back and forth %d times (each handoff accepted before"
                + " the next); \"visible\" runs from the start of POST /v1/handoffs to the end of"
                + " the recipient's GET /v1/messages?unread=true that shows it. Pairs run at once,"
                + " each on its own kept-alive Unix socket connection. Whole run: %.0f s.%n%n",
            rounds,
            seconds));
    s.append(
        "| store | pairs | handoffs | visible p50 ms | visible p99 ms | max ms | POST p50 ms |"
            + " POST p99 ms |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
              r.store(),
              r.pairs(),
              r.latency().count(),
              r.latency().p50(),
              r.latency().p99(),
              r.latency().max(),
              r.post().p50(),
              r.post().p99()));
    }
    if (skipped != null) {
      s.append("\n").append(skipped).append('\n');
    }
    return s.toString();
  }

  private static void progress(String message) {
    System.err.println("bench: " + message);
  }
}
