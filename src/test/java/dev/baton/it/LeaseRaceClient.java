package dev.baton.it;

import dev.baton.api.Json;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * One racer of {@link LeaseRaceIT}: an instance that acquires overlapping leases (same files,
 * overlapping globs, shared and exclusive, with and without waiting, some left to expire) and
 * releases them, a bounded number of times. Used by the test's threads and, through {@link #main},
 * by separate client processes ({@code java -cp baton.jar:test-classes}).
 *
 * <p>While it holds a lease on a concrete file it asks the broker who covers that file: another
 * instance's clashing lease there is an exclusivity violation seen live, reported as an error.
 */
final class LeaseRaceClient {
  /** Files and globs that overlap each other in many ways. */
  static final List<String> TARGETS =
      List.of(
          "src/app.py",
          "src/util.py",
          "src/lib/deep.py",
          "src/lib/other.py",
          "src/*.py",
          "src/**",
          "src/{app,util}.py",
          "src/lib/**",
          "docs/guide.md",
          "docs/api.md",
          "docs/**",
          "**/*.md",
          "README.md",
          "tests/test_app.py",
          "tests/**",
          "*");

  private static final long SHORT_TTL_MS = 1000;
  private static final long LONG_TTL_MS = 60_000;

  /** What one racer did. Grants are {@code id:token}, as the broker answered them. */
  record Outcome(
      String instance,
      int attempts,
      int grants,
      int conflicts,
      int expiredBeforeRelease,
      List<String> grantedLeases,
      List<String> errors) {}

  private final BrokerClient client;
  private final String workspace;
  private final String instance;
  private final Random random;
  private final List<String> granted = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private int attempts;
  private int grants;
  private int conflicts;
  private int expiredBeforeRelease;

  LeaseRaceClient(BrokerClient client, Path workspace, String instance, long seed) {
    this.client = client;
    this.workspace = workspace.toString();
    this.instance = instance;
    this.random = new Random(seed);
  }

  /**
   * Races until {@code iterations} acquires were tried or the deadline ({@link System#nanoTime}).
   */
  Outcome race(int iterations, long deadlineNanos) {
    while (attempts < iterations && System.nanoTime() < deadlineNanos) {
      attempts++;
      try {
        once();
      } catch (RuntimeException e) {
        errors.add(instance + ": " + e);
      }
    }
    return new Outcome(
        instance,
        attempts,
        grants,
        conflicts,
        expiredBeforeRelease,
        List.copyOf(granted),
        List.copyOf(errors));
  }

  private void once() {
    Set<String> paths = new LinkedHashSet<>();
    int count = 1 + random.nextInt(2);
    while (paths.size() < count) {
      String target = TARGETS.get(random.nextInt(TARGETS.size()));
      if (!target.equals("*") || random.nextInt(4) == 0) {
        paths.add(target);
      }
    }
    String mode = random.nextInt(3) == 0 ? "shared" : "exclusive";
    long waitMs = random.nextInt(3) == 0 ? 0 : 20 + random.nextInt(200);
    long ttlMs = random.nextInt(6) == 0 ? SHORT_TTL_MS : LONG_TTL_MS;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("instance", instance);
    body.put("paths", List.copyOf(paths));
    body.put("mode", mode);
    body.put("ttlMs", ttlMs);
    body.put("waitMs", waitMs);
    body.put("reason", "race " + attempts);
    HttpResponse r = send("POST", "/v1/leases", Json.MAPPER.writeValueAsString(body));
    if (r.status() == 409 && "lease_conflict".equals(code(r))) {
      conflicts++;
      return;
    }
    if (r.status() != 200) {
      errors.add(instance + " acquire " + body + ": HTTP " + r.status() + " " + r.bodyText());
      return;
    }
    grants++;
    List<JsonNode> leases = new ArrayList<>();
    Json.MAPPER.readTree(r.body()).path("leases").forEach(leases::add);
    for (JsonNode l : leases) {
      granted.add(l.path("id").asString() + ":" + l.path("fencingToken").asLong());
    }
    for (JsonNode l : leases) {
      if (!l.path("glob").asBoolean() && ttlMs == LONG_TTL_MS) {
        checkNobodyElseClashes(l);
      }
    }
    if (ttlMs == SHORT_TTL_MS && random.nextBoolean()) {
      return; // left to expire
    }
    for (JsonNode l : leases) {
      release(l);
    }
  }

  /** The broker's own view of the file this racer holds: nobody else may clash there. */
  private void checkNobodyElseClashes(JsonNode mine) {
    String path = mine.path("path").asString();
    HttpResponse r =
        send(
            "GET",
            "/v1/leases/check?workspace="
                + encode(workspace)
                + "&path="
                + encode(path)
                + "&fencingToken="
                + mine.path("fencingToken").asLong(),
            null);
    if (r.status() != 200) {
      errors.add(instance + " check " + path + ": HTTP " + r.status() + " " + r.bodyText());
      return;
    }
    JsonNode coverage = Json.MAPPER.readTree(r.body());
    if (!coverage.path("tokenValid").asBoolean()) {
      errors.add(instance + " holds " + mine + " but its fencing token is not valid: " + coverage);
    }
    boolean exclusive = "exclusive".equals(mine.path("mode").asString());
    for (JsonNode other : coverage.path("leases")) {
      boolean otherExclusive = "exclusive".equals(other.path("mode").asString());
      if (!other.path("instance").asString().equals(instance) && (exclusive || otherExclusive)) {
        errors.add("live violation: " + instance + " holds " + mine + " while " + other);
      }
    }
  }

  private void release(JsonNode lease) {
    String id = lease.path("id").asString();
    HttpResponse r =
        send("DELETE", "/v1/leases/" + encode(id) + "?instance=" + encode(instance), null);
    if (r.status() == 200) {
      return;
    }
    if (r.status() == 404
        && "lease_not_found".equals(code(r))
        && lease.path("ttlMs").asLong() <= SHORT_TTL_MS) {
      expiredBeforeRelease++;
      return;
    }
    errors.add(instance + " release " + id + ": HTTP " + r.status() + " " + r.bodyText());
  }

  private HttpResponse send(String method, String path, String body) {
    return client.send(
        method, path, Map.of(), body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  private static String code(HttpResponse r) {
    try {
      return Json.MAPPER.readTree(r.body()).path("error").path("code").asString();
    } catch (RuntimeException e) {
      return "";
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The line a client process prints for an outcome; {@link #parse} reads it back. */
  static String format(Outcome o) {
    return "outcome "
        + Json.MAPPER.writeValueAsString(
            Map.of(
                "instance", o.instance(),
                "attempts", o.attempts(),
                "grants", o.grants(),
                "conflicts", o.conflicts(),
                "expiredBeforeRelease", o.expiredBeforeRelease(),
                "grantedLeases", o.grantedLeases(),
                "errors", o.errors()));
  }

  static Outcome parse(String line) {
    JsonNode j = Json.MAPPER.readTree(line.substring("outcome ".length()));
    List<String> leases = new ArrayList<>();
    j.path("grantedLeases").forEach(n -> leases.add(n.asString()));
    List<String> errors = new ArrayList<>();
    j.path("errors").forEach(n -> errors.add(n.asString()));
    return new Outcome(
        j.path("instance").asString(),
        j.path("attempts").asInt(),
        j.path("grants").asInt(),
        j.path("conflicts").asInt(),
        j.path("expiredBeforeRelease").asInt(),
        leases,
        errors);
  }

  /**
   * A client process: {@code SOCKET WORKSPACE SEED ITERATIONS SECONDS INSTANCE...}, one thread per
   * instance. Prints one {@code outcome} line per instance; exits 0 (errors are in the outcomes).
   */
  public static void main(String[] args) throws Exception {
    Path socket = Path.of(args[0]);
    Path workspace = Path.of(args[1]);
    long seed = Long.parseLong(args[2]);
    int iterations = Integer.parseInt(args[3]);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[4]));
    List<String> instances = List.of(args).subList(5, args.length);
    ExecutorService threads = Executors.newFixedThreadPool(instances.size());
    List<Future<Outcome>> outcomes = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < instances.size(); i++) {
      String instance = instances.get(i);
      long own = seed * 31 + i;
      outcomes.add(
          threads.submit(
              () -> {
                try (BrokerClient client =
                    BrokerClient.overUnixSocket(socket, true, Duration.ofSeconds(30))) {
                  return new LeaseRaceClient(client, workspace, instance, own)
                      .race(iterations, deadline);
                }
              }));
    }
    for (Future<Outcome> f : outcomes) {
      System.out.println(format(f.get()));
    }
    threads.shutdown();
  }
}
