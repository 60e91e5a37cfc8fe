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

  /**
   * @param writers empty to measure search only
   * @param compare also run the query mix through {@link OldSearch} on the same items
   */
  record Options(List<Integer> writers, int seconds, int items, int queries, boolean compare) {}

  record WriteRow(String store, int writers, Latencies.Summary latency, long errors, long late) {}

  record SearchRow(
      String store,
      int items,
      double seedSeconds,
      Latencies.Summary latency,
      double meanHits,
      Comparison old) {}

  /**
   * The broker's top 20 against {@link OldSearch}'s for the same queries.
   *
   * @param sameOrder queries whose top 20 are the same items in the same order
   * @param sameSet queries whose top 20 are the same items in any order
   * @param kept items of the old top 20s that are also in the new ones, over all queries
   * @param oldItems items in the old top 20s, over all queries
   * @param few queries that match at most {@link dev.baton.memory.MemoryQuery#RANKED} items
   * @param fewSameOrder of those, the ones with the same top 20 in the same order
   * @param latency the old query's, over JDBC (no HTTP)
   */
  record Comparison(
      int sameOrder,
      int sameSet,
      long kept,
      long oldItems,
      int few,
      int fewSameOrder,
      Latencies.Summary latency) {}

  public static void main(String[] args) throws Exception {
    List<Integer> writers = List.of(10, 50, 200);
    int seconds = 20;
    int items = 100_000;
    int queries = 1000;
    boolean compare = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--writers" ->
            writers =
                args[++i].equals("none")
                    ? List.of()
                    : List.of(args[i].split(",")).stream().map(Integer::parseInt).toList();
        case "--compare" -> compare = true;
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--items" -> items = Integer.parseInt(args[++i]);
        case "--queries" -> queries = Integer.parseInt(args[++i]);
        case "--help" -> {
          System.out.println(
              "Usage: bench/run-memory [--writers 10,50,200|none] [--seconds 20] [--items 100000]"
                  + " [--queries 1000] [--compare]\n"
                  + "  --writers none  measures search only\n"
                  + "  --compare       also runs the search before issue 17 (every match ranked)"
                  + " over JDBC on the same items: its latency and how many top-20s are the same");
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
      System.out.print(run(new Options(writers, seconds, items, queries, compare)));
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
      BrokerProcess.Home home = new BrokerProcess.Home(dir, config, backend.newStore("memory"));
      BrokerProcess broker = BrokerProcess.start(jar, home).broker();
      try {
        if (!options.writers().isEmpty()) {
          progress(backend.label() + ": warming up (10 writers for 5 s, not counted)");
          writers(broker, backend, repo, 10, 5);
        }
        for (int n : options.writers()) {
          progress(backend.label() + ": " + n + " writers for " + options.seconds() + " s");
          writes.add(writers(broker, backend, repo, n, options.seconds()));
        }
        progress(backend.label() + ": seeding " + options.items() + " items");
        searches.add(search(broker, home, backend, repo, options));
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
      BrokerProcess broker, BrokerProcess.Home home, Backend backend, Path repo, Options options)
      throws Exception {
    int items = options.items();
    int queries = options.queries();
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
    List<String> asked = new ArrayList<>();
    List<List<Long>> found = new ArrayList<>();
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
          List<Long> ids = new ArrayList<>();
          JSON.readTree(r.bodyText()).path("items").forEach(n -> ids.add(n.path("id").asLong()));
          hits += ids.size();
          asked.add(q);
          found.add(ids);
        }
      }
    }
    Comparison old = null;
    if (options.compare()) {
      progress(backend.label() + ": the same " + queries + " searches with the old query");
      try (OldSearch search = OldSearch.open(home.storeUrl(), home.dataDir(), id)) {
        old = compare(search, asked, found);
      }
    }
    return new SearchRow(
        backend.label(), items, seedSeconds, lat.summary(), (double) hits / queries, old);
  }

  /** Runs every query through the old search (warmed up by the first 100) and compares. */
  private static Comparison compare(OldSearch old, List<String> asked, List<List<Long>> found)
      throws Exception {
    for (int i = 0; i < Math.min(100, asked.size()); i++) {
      old.top(asked.get(i), 20);
    }
    Latencies lat = new Latencies(asked.size());
    int sameOrder = 0;
    int sameSet = 0;
    long kept = 0;
    long oldItems = 0;
    int few = 0;
    int fewSameOrder = 0;
    for (int i = 0; i < asked.size(); i++) {
      long t0 = System.nanoTime();
      List<Long> before = old.top(asked.get(i), 20);
      lat.add(System.nanoTime() - t0);
      List<Long> now = found.get(i);
      boolean same = before.equals(now);
      sameOrder += same ? 1 : 0;
      sameSet += new java.util.HashSet<>(before).equals(new java.util.HashSet<>(now)) ? 1 : 0;
      kept += before.stream().filter(now::contains).count();
      oldItems += before.size();
      if (old.matches(asked.get(i)) <= dev.baton.memory.MemoryQuery.RANKED) {
        few++;
        fewSameOrder += same ? 1 : 0;
      }
    }
    return new Comparison(sameOrder, sameSet, kept, oldItems, few, fewSameOrder, lat.summary());
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
    if (!o.writers().isEmpty()) {
      s.append(
          String.format(
              Locale.ROOT,
              "After 5 s of warm-up, each writer logs a decision every 250 ms for %d s (latency"
                  + " from the scheduled start); then",
              o.seconds()));
    } else {
      s.append("Search only (no writers):");
    }
    s.append(
        String.format(
            Locale.ROOT,
            " %d items are seeded and %d searches of one or two words run one at a"
                + " time (limit 20). Whole run: %.0f s.%n",
            o.items(),
            o.queries(),
            seconds));
    if (!writes.isEmpty()) {
      s.append("\n| store | writers | writes | p50 ms | p99 ms | max ms | errors | late |\n");
      s.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    }
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
    if (searches.stream().anyMatch(r -> r.old() != null)) {
      s.append(
          String.format(
              Locale.ROOT,
              "%nThe same searches with the query before issue 17 (every match ranked), over JDBC on"
                  + " the same store (no HTTP); its top 20 against the broker's. \"Few matches\":"
                  + " queries matching at most %d items, which the broker ranks in full.%n%n",
              dev.baton.memory.MemoryQuery.RANKED));
      s.append(
          "| store | old p50 ms | old p99 ms | old max ms | same top 20, in order | same set"
              + " | old items kept | few matches: queries | few matches: same order |\n");
      s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (SearchRow r : searches) {
        Comparison c = r.old();
        if (c == null) {
          continue;
        }
        int n = r.latency().count();
        s.append(
            String.format(
                Locale.ROOT,
                "| %s | %.2f | %.2f | %.2f | %d of %d | %d | %.0f%% | %d | %d |%n",
                r.store(),
                c.latency().p50(),
                c.latency().p99(),
                c.latency().max(),
                c.sameOrder(),
                n,
                c.sameSet(),
                100.0 * c.kept() / Math.max(1, c.oldItems()),
                c.few(),
                c.fewSameOrder()));
      }
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
