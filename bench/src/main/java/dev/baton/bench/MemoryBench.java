package dev.baton.bench;

import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shared memory under load, on real broker processes (SQLite, and PostgreSQL when it can be
 * started), side by side in one run:
 *
 * <ul>
 *   <li>the original plan's memory protocol: N writers (instances, each on its own kept-alive Unix
 *       socket connection) each log a decision every 250 ms on a fixed-rate schedule; latency of
 *       {@code POST /v1/memory/decisions} counts from the scheduled start;
 *   <li>full-text search ({@code GET /v1/memory/search}) over a workspace of many items: one or two
 *       words drawn from the items' vocabulary, one query at a time.
 * </ul>
 */
public final class MemoryBench {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  private MemoryBench() {}

  record Options(List<Integer> writers, int seconds, int items, int queries) {}

  record WriteRow(String store, int writers, Latencies.Summary latency, long errors, long late) {}

  record SearchRow(
      String store, int items, double seedSeconds, Latencies.Summary latency, double meanHits) {}

  public static void main(String[] args) throws Exception {
    List<Integer> writers = List.of(10, 50, 200);
    int seconds = 20;
    int items = 100_000;
    int queries = 1000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--writers" ->
            writers = List.of(args[++i].split(",")).stream().map(Integer::parseInt).toList();
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--items" -> items = Integer.parseInt(args[++i]);
        case "--queries" -> queries = Integer.parseInt(args[++i]);
        case "--help" -> {
          System.out.println(
              "Usage: bench/run-memory [--writers 10,50,200] [--seconds 20] [--items 100000]"
                  + " [--queries 1000]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (seconds < 1
        || seconds > 600
        || items < 0
        || items > 1_000_000
        || queries < 1
        || queries > 100_000
        || writers.stream().anyMatch(w -> w < 1 || w > 1000)) {
      throw new IllegalArgumentException(
          "--seconds 1..600, --items 0..1000000, --queries 1..100000, --writers 1..1000 each");
    }
    int code = 0;
    try {
      System.out.print(run(new Options(writers, seconds, items, queries)));
    } catch (RuntimeException e) {
      System.err.println("bench: failed: " + e.getMessage());
      e.printStackTrace();
      code = 1;
    } finally {
      Cleanup.runAll();
    }
    System.exit(code);
  }

  private static String run(Options options) throws Exception {
    long start = System.nanoTime();
    Path jar = Path.of(System.getProperty("bench.jar", "target/baton.jar")).toAbsolutePath();
    Path root = Cleanup.tempDir(Path.of("/tmp"), "baton-memory-bench-");
    Path repo = root.resolve("repo");
    Commands.check(List.of("git", "init", "-q", repo.toString()));
    Path config = root.resolve("baton.yaml");
    Files.writeString(config, "registry:\n  instance-ttl: 30m\n");
    Backend.Lineup lineup = Backend.sqliteAndLocalPostgres();
    List<Backend> backends = lineup.backends();
    String skipped = lineup.skipped();
    List<WriteRow> writes = new ArrayList<>();
    List<SearchRow> searches = new ArrayList<>();
    for (Backend backend : backends) {
      Path dir = Cleanup.tempDir(root, backend.key() + "-");
      BrokerProcess broker =
          BrokerProcess.start(jar, new BrokerProcess.Home(dir, config, backend.newStore("memory")))
              .broker();
      try {
        progress(backend.label() + ": warming up (10 writers for 5 s, not counted)");
        writers(broker, backend, repo, 10, 5);
        for (int n : options.writers()) {
          progress(backend.label() + ": " + n + " writers for " + options.seconds() + " s");
          writes.add(writers(broker, backend, repo, n, options.seconds()));
        }
        progress(backend.label() + ": seeding " + options.items() + " items");
        searches.add(search(broker, backend, repo, options.items(), options.queries()));
      } finally {
        broker.stop();
      }
    }
    return report(options, writes, searches, skipped, (System.nanoTime() - start) / 1e9);
  }

  private static WriteRow writers(
      BrokerProcess broker, Backend backend, Path repo, int n, int seconds) throws Exception {
    List<String> ids = new ArrayList<>();
    try (BrokerClient c = broker.unixClient(true)) {
      for (int i = 0; i < n; i++) {
        ids.add(
            c.register(new RegisterBody("developer", repo.toString(), null, "bench"))
                .instance()
                .id());
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(n);
    AtomicLong errors = new AtomicLong();
    AtomicLong late = new AtomicLong();
    long begin = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
    long end = begin + TimeUnit.SECONDS.toNanos(seconds);
    List<Future<Latencies>> parts = new ArrayList<>();
    for (int w = 0; w < n; w++) {
      String id = ids.get(w);
      long offset = INTERVAL_NANOS * w / n; // spread the writers over the interval
      parts.add(
          pool.submit(
              () -> {
                Latencies lat = new Latencies(seconds * 5 + 10);
                SplittableRandom random = new SplittableRandom(id.hashCode());
                try (BrokerClient c = broker.unixClient(true)) {
                  for (long at = begin + offset; at < end; at += INTERVAL_NANOS) {
                    long wait = at - System.nanoTime();
                    if (wait > 0) {
                      TimeUnit.NANOSECONDS.sleep(wait);
                    } else if (-wait > INTERVAL_NANOS) {
                      late.incrementAndGet();
                    }
                    HttpResponse r =
                        c.send(
                            "POST",
                            "/v1/memory/decisions",
                            Map.of("Content-Type", "application/json"),
                            JSON.writeValueAsBytes(decision(id, random)));
                    if (r.status() == 201) {
                      lat.add(System.nanoTime() - at);
                    } else {
                      errors.incrementAndGet();
                    }
                  }
                }
                return lat;
              }));
    }
    List<Latencies> all = new ArrayList<>();
    for (Future<Latencies> f : parts) {
      all.add(f.get(seconds + 120L, TimeUnit.SECONDS));
    }
    pool.shutdownNow();
    try (BrokerClient c = broker.unixClient(false)) {
      for (String id : ids) {
        c.deregister(id);
      }
    }
    return new WriteRow(
        backend.label(), n, Latencies.merge(all).summary(), errors.get(), late.get());
  }

  private static SearchRow search(
      BrokerProcess broker, Backend backend, Path repo, int items, int queries) throws Exception {
    String id;
    try (BrokerClient c = broker.unixClient(false)) {
      id = c.register(new RegisterBody("research", repo.toString(), null, "bench")).instance().id();
    }
    int threads = 8;
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long seedStart = System.nanoTime();
    List<Future<Long>> seeders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int seed = t;
      seeders.add(
          pool.submit(
              () -> {
                long failed = 0;
                SplittableRandom random = new SplittableRandom(seed);
                try (BrokerClient c = broker.unixClient(true)) {
                  while (next.getAndIncrement() < items) {
                    HttpResponse r =
                        c.send(
                            "POST",
                            "/v1/memory/decisions",
                            Map.of("Content-Type", "application/json"),
                            JSON.writeValueAsBytes(decision(id, random)));
                    if (r.status() != 201) {
                      failed++;
                    }
                  }
                }
                return failed;
              }));
    }
    long failed = 0;
    for (Future<Long> f : seeders) {
      failed += f.get(3600, TimeUnit.SECONDS);
    }
    pool.shutdownNow();
    if (failed > 0) {
      throw new IllegalStateException(failed + " items could not be seeded");
    }
    double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
    progress(backend.label() + ": " + queries + " searches");
    Latencies lat = new Latencies(queries);
    long hits = 0;
    SplittableRandom random = new SplittableRandom(42);
    try (BrokerClient c = broker.unixClient(true)) {
      for (int i = 0; i < queries + 100; i++) {
        String q = Words.word(random) + (random.nextBoolean() ? " " + Words.word(random) : "");
        long t0 = System.nanoTime();
        HttpResponse r =
            c.send(
                "GET",
                "/v1/memory/search?instance="
                    + id
                    + "&limit=20&q="
                    + URLEncoder.encode(q, StandardCharsets.UTF_8),
                Map.of(),
                null);
        long took = System.nanoTime() - t0;
        if (r.status() != 200) {
          throw new IllegalStateException("search failed: " + r.status() + " " + r.bodyText());
        }
        if (i >= 100) { // the first 100 warm up
          lat.add(took);
          hits += JSON.readTree(r.bodyText()).path("items").size();
        }
      }
    }
    return new SearchRow(
        backend.label(), items, seedSeconds, lat.summary(), (double) hits / queries);
  }

  /** A decision of 8–16 words for the summary and 20–40 for the rationale, from the vocabulary. */
  private static Map<String, Object> decision(String instance, SplittableRandom random) {
    return Map.of(
        "instance", instance,
        "summary", Words.phrase(random, 8 + random.nextInt(9)),
        "rationale", Words.phrase(random, 20 + random.nextInt(21)),
        "tags", List.of("t" + random.nextInt(50)));
  }

  private static String report(
      Options o, List<WriteRow> writes, List<SearchRow> searches, String skipped, double seconds) {
    StringBuilder s = new StringBuilder();
    s.append("### Shared memory: writers and search\n\n");
    s.append(
        String.format(
            Locale.ROOT,
            "After 5 s of warm-up, each writer logs a decision every 250 ms for %d s (latency from"
                + " the scheduled start);"
                + " then %d items are seeded and %d searches of one or two words run one at a"
                + " time (limit 20). Whole run: %.0f s.%n%n",
            o.seconds(),
            o.items(),
            o.queries(),
            seconds));
    s.append("| store | writers | writes | p50 ms | p99 ms | max ms | errors | late |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (WriteRow r : writes) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %.2f | %.2f | %.2f | %d | %d |%n",
              r.store(),
              r.writers(),
              r.latency().count(),
              r.latency().p50(),
              r.latency().p99(),
              r.latency().max(),
              r.errors(),
              r.late()));
    }
    s.append(
        "\n| store | items | seeding s | searches | p50 ms | p99 ms | max ms | hits/query |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (SearchRow r : searches) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.0f | %d | %.2f | %.2f | %.2f | %.1f |%n",
              r.store(),
              r.items(),
              r.seedSeconds(),
              r.latency().count(),
              r.latency().p50(),
              r.latency().p99(),
              r.latency().max(),
              r.meanHits()));
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
