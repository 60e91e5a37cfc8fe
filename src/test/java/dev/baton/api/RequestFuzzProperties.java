package dev.baton.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.server.Broker;
import dev.baton.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The attack's fuzz cases, kept (issue 12, item 6): near-valid bodies for every write route of the
 * HTTP API, one field at a time replaced by a value of the wrong kind ({@code null}, {@code null}
 * inside an array, numbers and booleans for strings, NUL and escape characters, 70,000 characters,
 * objects and arrays where text goes), fields dropped, unknown fields added, or the JSON cut short.
 * Whatever comes, the broker answers 2xx or 4xx, never 5xx; every 4xx is a JSON error with a code
 * and a message; and what was stored before is still there and the broker still healthy.
 */
class RequestFuzzProperties {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static Path dir;
  private static Broker broker;
  private static String instance;
  private static long decision;

  @BeforeContainer
  static void start() throws Exception {
    dir = Files.createTempDirectory("baton-fuzz-");
    Path repo = Files.createDirectories(dir.resolve("repo"));
    new ProcessBuilder("git", "init", "-q", repo.toString()).inheritIO().start().waitFor();
    broker = TestBroker.start(dir.resolve("b"), "sqlite", null);
    try (BrokerClient c = client()) {
      instance =
          c.register(new RegisterBody("developer", repo.toString(), "fuzz-0000000a", "fuzz"))
              .instance()
              .id();
      HttpResponse stored =
          c.send(
              "POST",
              "/v1/memory/decisions",
              Map.of("Content-Type", "application/json"),
              bytes(Map.of("instance", instance, "summary", "kept through the fuzzing")));
      assertThat(stored.status()).isEqualTo(201);
      decision = JSON.readTree(stored.body()).path("id").asLong();
    }
    SEEDS.addAll(seeds(repo.toString()));
  }

  @AfterContainer
  static void stop() throws Exception {
    try (BrokerClient c = client()) {
      HttpResponse health = c.send("GET", "/v1/health", Map.of(), null);
      assertThat(health.status()).as("the broker is healthy after the fuzzing").isEqualTo(200);
      HttpResponse kept =
          c.send(
              "GET",
              "/v1/memory/decisions?limit=1000&workspace="
                  + java.net.URLEncoder.encode(
                      dir.resolve("repo").toString(), StandardCharsets.UTF_8),
              Map.of(),
              null);
      assertThat(kept.bodyText())
          .as("what was stored before the fuzzing")
          .contains("kept through the fuzzing")
          .contains("\"id\":" + decision);
    } finally {
      broker.close();
      try (var walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** A route and a body that is right or nearly so. */
  record Seed(String method, String path, Map<String, Object> body) {}

  private static final List<Seed> SEEDS = new ArrayList<>();

  private static List<Seed> seeds(String repo) {
    Map<String, Object> item =
        Map.of("instance", "fuzz-0000000a", "summary", "x", "tags", List.of("t"));
    return List.of(
        new Seed(
            "POST",
            "/v1/instances",
            Map.of("role", "developer", "workspace", repo, "client", "fuzz")),
        new Seed(
            "POST",
            "/v1/leases",
            Map.of(
                "instance",
                "fuzz-0000000a",
                "paths",
                List.of("src/a.txt"),
                "mode",
                "exclusive",
                "ttlMs",
                60000,
                "reason",
                "fuzz")),
        new Seed("POST", "/v1/leases/L1/renew", Map.of("instance", "fuzz-0000000a", "ttlMs", 1000)),
        new Seed("POST", "/v1/memory/decisions", item),
        new Seed(
            "POST",
            "/v1/memory/progress",
            Map.of("instance", "fuzz-0000000a", "description", "d", "status", "TODO")),
        new Seed(
            "POST",
            "/v1/memory/custom",
            Map.of("instance", "fuzz-0000000a", "category", "c", "key", "k", "value", "v")),
        new Seed(
            "POST",
            "/v1/memory/batch",
            Map.of("instance", "fuzz-0000000a", "item_type", "decision", "items", List.of(item))),
        new Seed(
            "POST",
            "/v1/memory/links",
            Map.of(
                "instance", "fuzz-0000000a",
                "source_item_type", "decision",
                "source_item_id", 1,
                "target_item_type", "decision",
                "target_item_id", 1,
                "relationship_type", "relates")),
        new Seed(
            "POST",
            "/v1/memory/export",
            Map.of("instance", "fuzz-0000000a", "workspace", repo, "path", "export")),
        new Seed(
            "PUT",
            "/v1/memory/context/product",
            Map.of("instance", "fuzz-0000000a", "content", Map.of("goal", "g"))),
        new Seed(
            "POST",
            "/v1/handoffs",
            Map.of(
                "from",
                "fuzz-0000000a",
                "to",
                "role:reviewer",
                "summary",
                "s",
                "files",
                List.of("src/a.txt"))),
        new Seed(
            "POST",
            "/v1/messages",
            Map.of("from", "fuzz-0000000a", "to", "role:developer", "text", "hi")),
        new Seed(
            "POST", "/v1/messages/ack", Map.of("instance", "fuzz-0000000a", "ids", List.of(1))),
        new Seed("POST", "/v1/worktrees", Map.of("instance", "fuzz-0000000a", "base", "main")),
        new Seed(
            "POST", "/v1/worktrees/fuzz-0000000a/restore", Map.of("ref", "refs/baton/saved/x")),
        new Seed("POST", "/v1/memory/import-markdown", Map.of("workspace", repo, "path", "export")),
        new Seed("POST", "/v1/checkpoints", Map.of("instance", "fuzz-0000000a", "summary", "s")),
        new Seed(
            "POST",
            "/v1/hooks/claude/PreToolUse",
            Map.of(
                "session_id",
                "s1",
                "tool_name",
                "Edit",
                "tool_input",
                Map.of("file_path", "src/a.txt"))),
        new Seed(
            "POST",
            "/v1/guard/pre-commit",
            Map.of("instance", "fuzz-0000000a", "workspace", repo, "paths", List.of("src/a.txt"))));
  }

  /** One request: a seed, what was done to it, and the bytes sent. */
  record Attempt(Seed seed, String change, byte[] body) {
    @Override
    public String toString() {
      String text = new String(body, StandardCharsets.UTF_8);
      return seed.method()
          + " "
          + seed.path()
          + " ("
          + change
          + "): "
          + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
    }
  }

  @Property(tries = 400)
  void noBodyGetsA5xxAndEvery4xxIsAJsonErrorThatSaysWhat(@ForAll("attempts") Attempt attempt)
      throws Exception {
    HttpResponse r;
    try (BrokerClient c = client()) {
      r =
          c.send(
              attempt.seed().method(),
              attempt.seed().path(),
              Map.of("Content-Type", "application/json"),
              attempt.body());
    }
    String answer =
        r.bodyText().length() > 300 ? r.bodyText().substring(0, 300) + "..." : r.bodyText();
    assertThat(r.status()).as(attempt + " answered " + answer).isLessThan(500);
    if (r.status() >= 400) {
      JsonNode error = JSON.readTree(r.body()).path("error");
      assertThat(error.path("code").isString()).as(attempt + " answered " + answer).isTrue();
      assertThat(error.path("message").asString(""))
          .as(attempt + " answered " + answer)
          .isNotBlank();
    }
  }

  @Example
  void pathsThatCannotBeFileNamesAreRefusedWithTheField() throws Exception {
    String repo = dir.resolve("repo").toString();
    Map<String, String> json = Map.of("Content-Type", "application/json");
    try (BrokerClient c = client()) {
      for (String path : List.of("a\u0000b", "x".repeat(70_000), "d/" + "n".repeat(300))) {
        HttpResponse r =
            c.send(
                "POST",
                "/v1/memory/export",
                json,
                bytes(Map.of("instance", instance, "workspace", repo, "path", path)));
        assertThat(r.status())
            .as(r.bodyText().substring(0, Math.min(300, r.bodyText().length())))
            .isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").path("field").asString())
            .isEqualTo("path");
      }
      HttpResponse r =
          c.send(
              "POST",
              "/v1/memory/import-markdown",
              json,
              bytes(Map.of("workspace", "a\u0000b", "path", "export")));
      assertThat(r.status()).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).path("error").path("message").asString())
          .startsWith("'a\\x00b' is not a path on this machine");
    }
  }

  @Provide
  Arbitrary<Attempt> attempts() {
    Arbitrary<Seed> seed =
        Arbitraries.integers().between(0, 19).map(i -> SEEDS.get(i % SEEDS.size()));
    return Combinators.combine(
            seed,
            Arbitraries.integers().between(0, 9),
            wrongValues(),
            Arbitraries.integers().between(0, 1000))
        .as(RequestFuzzProperties::attempt);
  }

  private static Attempt attempt(Seed seed, int kind, Object wrong, int pick) {
    Map<String, Object> body = new LinkedHashMap<>(seed.body());
    List<String> keys = new ArrayList<>(body.keySet());
    String key = keys.get(pick % keys.size());
    switch (kind) {
      case 0 -> {
        body.remove(key);
        return new Attempt(seed, "without " + key, bytes(body));
      }
      case 1 -> {
        body.put("unknown_" + pick, wrong);
        return new Attempt(seed, "an unknown field", bytes(body));
      }
      case 2 -> {
        byte[] whole = bytes(body);
        int cut = Math.max(1, pick % whole.length);
        return new Attempt(seed, "cut at byte " + cut, java.util.Arrays.copyOf(whole, cut));
      }
      case 3 -> {
        return new Attempt(seed, "a JSON array, not an object", bytes(List.of(body)));
      }
      default -> {
        body.put(key, wrong);
        return new Attempt(seed, key + " = " + describe(wrong), bytes(body));
      }
    }
  }

  private static Arbitrary<Object> wrongValues() {
    List<Object> nullInside = new ArrayList<>();
    nullInside.add("src/a.txt");
    nullInside.add(null);
    Map<String, Object> object = Map.of("a", List.of(1, 2));
    return Arbitraries.oneOf(
        Arbitraries.just((Object) null),
        Arbitraries.just((Object) nullInside),
        Arbitraries.just((Object) true),
        Arbitraries.just((Object) (-1)),
        Arbitraries.just((Object) Long.MAX_VALUE),
        Arbitraries.just((Object) 1.5e300),
        Arbitraries.just((Object) ""),
        Arbitraries.just((Object) "a\u0000b"),
        Arbitraries.just((Object) "\u001b[31mred\u001b[0m\nforged line"),
        Arbitraries.just((Object) "../../../etc/passwd"),
        Arbitraries.just((Object) "x".repeat(70_000)),
        Arbitraries.just((Object) object),
        Arbitraries.just((Object) List.of()),
        Arbitraries.just((Object) List.of(List.of("nested"))),
        Arbitraries.strings().ofMaxLength(20).map(s -> (Object) s));
  }

  private static String describe(Object value) {
    String text = String.valueOf(value);
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }

  private static byte[] bytes(Object value) {
    return JSON.writeValueAsBytes(value);
  }

  private static BrokerClient client() {
    return BrokerClient.overUnixSocket(broker.socket(), false, Duration.ofSeconds(30));
  }
}
