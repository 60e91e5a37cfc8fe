package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.testing.GitRepos;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shared memory through a real broker: agents on different role endpoints share decisions, and
 * the HTTP API reads and writes the same items, with clear errors on bad input.
 */
class MemoryIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path tmp;

  private BrokerProcess broker;
  private Path repo;
  private final McpClients clients = new McpClients();

  private BrokerSandbox sandbox;

  @BeforeEach
  void start() {
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    broker =
        sandbox.start(
            "--config",
            sandbox
                .writeConfig(
                    "baton.yaml", "registry:\n  instance-ttl: 10m\nmemory:\n  tools: full\n")
                .toString());
    repo = GitRepos.create(tmp.resolve("repo"));
  }

  @AfterEach
  void stop() {
    clients.close();
    broker.close();
  }

  @Test
  void aDecisionLoggedOnTheDeveloperEndpointIsFoundBySearchOnTheResearchEndpoint() {
    McpSyncClient developer = connect("developer", "claude-de000001");
    McpSyncClient research = connect("research", "claude-4e000001");

    JsonNode logged =
        ok(
            developer,
            "log_decision",
            Map.of(
                "summary", "Cache the tool catalogue per role",
                "rationale", "rebuilding it on every call cost a millisecond",
                "tags", List.of("gateway", "performance")));
    ok(
        developer,
        "log_progress",
        Map.of("status", "IN_PROGRESS", "description", "Measure the catalogue cache"));

    JsonNode found = ok(research, "search_memory", Map.of("query", "caching the catalogue"));

    assertThat(found).hasSize(2);
    List<String> types = new ArrayList<>();
    found.forEach(item -> types.add(item.path("type").asString()));
    assertThat(types).containsExactlyInAnyOrder("decision", "progress");
    JsonNode decision = found.get(types.indexOf("decision"));
    assertThat(decision.path("id").asLong()).isEqualTo(logged.path("id").asLong());
    assertThat(decision.path("summary").asString()).isEqualTo("Cache the tool catalogue per role");
    assertThat(decision.path("rationale").asString()).contains("cost a millisecond");
    assertThat(decision.path("by").asString()).isEqualTo("claude-de000001");
    JsonNode onlyDecisions =
        ok(
            research,
            "search_memory",
            Map.of("item_types", List.of("decision"), "tags", List.of("performance")));
    assertThat(onlyDecisions).hasSize(1);
    JsonNode inProgress = ok(research, "search_memory", Map.of("status", "IN_PROGRESS"));
    assertThat(inProgress.get(0).path("description").asString())
        .isEqualTo("Measure the catalogue cache");
  }

  @Test
  void privateItemsStayWithTheirInstance() {
    McpSyncClient developer = connect("developer", "claude-de000002");
    McpSyncClient research = connect("research", "claude-4e000002");
    ok(developer, "log_decision", Map.of("summary", "Try the parser rewrite", "private", true));

    assertThat(ok(developer, "search_memory", Map.of("query", "parser"))).hasSize(1);
    assertThat(ok(research, "search_memory", Map.of("query", "parser"))).isEmpty();
  }

  @Test
  void badToolInputIsAToolErrorThatNamesTheProblem() {
    McpSyncClient developer = connect("developer", "claude-de000003");

    assertThat(error(developer, "log_decision", Map.of("rationale", "no summary")))
        .isEqualTo("'summary' is required");
    assertThat(
            error(
                developer,
                "log_progress",
                Map.of("status", "TODO", "description", "x", "parent_id", 424242)))
        .contains("no memory item 424242");
    assertThat(
            error(developer, "search_memory", Map.of("query", "x", "item_types", List.of("note"))))
        .contains("unknown item type 'note'");
    assertThat(ok(developer, "search_memory", Map.of("query", "summary"))).isEmpty();
  }

  @Test
  void theHttpApiWritesAndSearchesTheSameItemsWithClearErrors() throws Exception {
    McpSyncClient developer = connect("developer", "claude-de000004");
    ok(developer, "whoami", Map.of()); // registers the instance
    try (BrokerClient c = broker.unixClient()) {
      HttpResponse created =
          c.send(
              "POST",
              "/v1/memory/custom",
              Map.of("Content-Type", "application/json"),
              JSON.writeValueAsBytes(
                  Map.of(
                      "instance", "claude-de000004",
                      "category", "glossary",
                      "key", "lease",
                      "value", Map.of("meaning", "a time-limited claim on a file"))));
      assertThat(created.status()).as(created.bodyText()).isEqualTo(201);

      JsonNode viaMcp = ok(developer, "search_memory", Map.of("query", "claim file"));
      assertThat(viaMcp).hasSize(1);
      assertThat(viaMcp.get(0).path("value").path("meaning").asString())
          .isEqualTo("a time-limited claim on a file");

      HttpResponse search =
          c.send(
              "GET",
              "/v1/memory/search?workspace="
                  + URLEncoder.encode(repo.toString(), StandardCharsets.UTF_8)
                  + "&q=lease",
              Map.of(),
              null);
      assertThat(search.status()).isEqualTo(200);
      assertThat(JSON.readTree(search.bodyText()).path("items").get(0).path("key").asString())
          .isEqualTo("lease");

      HttpResponse badJson =
          c.send(
              "POST",
              "/v1/memory/decisions",
              Map.of("Content-Type", "application/json"),
              "{\"instance\": ".getBytes(StandardCharsets.UTF_8));
      assertThat(badJson.status()).isEqualTo(400);
      assertThat(badJson.bodyText()).contains("invalid_json");
      HttpResponse unknown =
          c.send(
              "POST",
              "/v1/memory/decisions",
              Map.of("Content-Type", "application/json"),
              JSON.writeValueAsBytes(Map.of("instance", "claude-00000000", "summary", "x")));
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.bodyText()).contains("instance_not_found").contains("claude-00000000");
      HttpResponse noQuery =
          c.send("GET", "/v1/memory/search?instance=claude-de000004", Map.of(), null);
      assertThat(noQuery.status()).isEqualTo(400);
      assertThat(noQuery.bodyText()).contains("'q' is required");
    }
    // Nothing was stored by the refused requests.
    assertThat(ok(developer, "search_memory", Map.of("query", "x"))).isEmpty();
  }

  @Test
  void contextsArePatchedOverMcpReadOverHttpAndBadPatchesAreRefused() throws Exception {
    McpSyncClient developer = connect("developer", "claude-de000006");
    ok(developer, "update_product_context", Map.of("content", Map.of("goal", "one broker")));
    JsonNode patched =
        ok(
            developer,
            "update_product_context",
            Map.of("patch_content", Map.of("store", "sqlite", "goal", "__DELETE__")));
    assertThat(patched.path("version").asInt()).isEqualTo(2);
    assertThat(patched.path("content").has("goal")).isFalse();
    ok(
        developer,
        "update_active_context",
        Map.of("content", Map.of("doing", "memory"), "own", true));

    assertThat(
            error(
                developer,
                "update_product_context",
                Map.of("patch_content", Map.of("owner", "__DELETE__"))))
        .contains("removes 'owner', which the product context does not have");
    try (BrokerClient c = broker.unixClient()) {
      HttpResponse product =
          c.send(
              "GET",
              "/v1/memory/context/product?workspace="
                  + URLEncoder.encode(repo.toString(), StandardCharsets.UTF_8),
              Map.of(),
              null);
      JsonNode body = JSON.readTree(product.bodyText());
      assertThat(body.path("version").asInt()).isEqualTo(2);
      assertThat(body.path("content").path("store").asString()).isEqualTo("sqlite");
      assertThat(body.path("by").asString()).isEqualTo("claude-de000006");
      HttpResponse own =
          c.send(
              "GET", "/v1/memory/context/active?instance=claude-de000006&own=true", Map.of(), null);
      assertThat(JSON.readTree(own.bodyText()).path("content").path("doing").asString())
          .isEqualTo("memory");
      HttpResponse history =
          c.send(
              "GET", "/v1/memory/context/product/history?instance=claude-de000006", Map.of(), null);
      assertThat(
              JSON.readTree(history.bodyText())
                  .path("versions")
                  .get(0)
                  .path("content")
                  .path("goal")
                  .asString())
          .isEqualTo("one broker");
      HttpResponse unknown =
          c.send("GET", "/v1/memory/context/weekly?instance=claude-de000006", Map.of(), null);
      assertThat(unknown.status()).isEqualTo(400);
      assertThat(unknown.bodyText()).contains("unknown context 'weekly'");
    }
  }

  @Test
  void aConPortDatabaseIsImportedFromTheCommandLineOnceAndAgentsFindItsDecisions() {
    Path db = dev.baton.testing.ConPortDatabase.create(tmp.resolve("context.db"));

    String first =
        sandbox
            .expect(0, "memory", "import-conport", db.toString(), "--workspace", repo.toString())
            .stdout();
    assertThat(first)
        .contains("7 items added, 0 already there, 1 links, 2 contexts updated")
        .contains("skipped conport:context_links:2");
    assertThat(
            sandbox
                .expect(
                    0, "memory", "import-conport", db.toString(), "--workspace", repo.toString())
                .stdout())
        .contains("0 items added, 7 already there, 0 links, 0 contexts updated");
    McpSyncClient agent = connect("research", "claude-4e000009");
    JsonNode found = ok(agent, "search_memory", Map.of("query", "billing postgres"));
    assertThat(found.get(0).path("summary").asString()).isEqualTo("Use Postgres for billing");
    // ConPort's own names for the same reads work too (memory.tools: full).
    assertThat(
            ok(agent, "search_decisions_fts", Map.of("query_term", "legacy"))
                .get(0)
                .path("summary")
                .asString())
        .isEqualTo("Drop the legacy API");
    JsonNode retries =
        ok(agent, "get_custom_data", Map.of("category", "settings", "key", "retries"));
    assertThat(retries).hasSize(1);
    assertThat(retries.get(0).path("value").path("max").asInt()).isEqualTo(3);
    assertThat(ok(agent, "get_system_patterns", Map.of()).get(0).path("name").asString())
        .isEqualTo("Outbox");
    assertThat(
            ok(
                    agent,
                    "search_custom_data_value_fts",
                    Map.of("query_term", "payments", "category_filter", "glossary"))
                .get(0)
                .path("key")
                .asString())
        .isEqualTo("ledger");
    assertThat(
            sandbox
                .expect(
                    1,
                    "memory",
                    "import-conport",
                    repo.resolve("nope.db").toString(),
                    "--workspace",
                    repo.toString())
                .stderr())
        .contains("no file");
  }

  @Test
  void aBrokerKilledDuringAnImportKeepsAllOfItOrNone() throws Exception {
    Path db = dev.baton.testing.ConPortDatabase.create(tmp.resolve("big.db"));
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
        var s = c.createStatement()) {
      c.setAutoCommit(false);
      for (int i = 100; i < 40_100; i++) {
        s.addBatch(
            "INSERT INTO decisions (id, timestamp, summary, rationale) VALUES ("
                + i
                + ", '2025-06-01 10:00:00', 'decision number "
                + i
                + "', 'filler text for the import')");
      }
      s.executeBatch();
      c.commit();
    }
    Process cli =
        sandbox
            .processBuilder(
                List.of("memory", "import-conport", db.toString(), "--workspace", repo.toString()))
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("import.out").toFile())
            .start();
    Thread.sleep(1500); // the import is under way (or done: both outcomes are checked below)
    broker.sigkill();
    broker.waitFor(Duration.ofSeconds(30));
    cli.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    broker =
        sandbox.start(
            "--config",
            sandbox
                .writeConfig(
                    "baton.yaml", "registry:\n  instance-ttl: 10m\nmemory:\n  tools: full\n")
                .toString());

    try (BrokerClient c = broker.unixClient()) {
      HttpResponse r =
          c.send(
              "GET",
              "/v1/memory/decisions?limit=200&workspace="
                  + URLEncoder.encode(repo.toString(), StandardCharsets.UTF_8),
              Map.of(),
              null);
      int decisions = JSON.readTree(r.bodyText()).path("items").size();
      System.out.println(
          "MemoryIT: decisions listed after the kill during the import: " + decisions);
      assertThat(decisions).as("decisions after the kill").isIn(0, 200);
    }
    // Whatever happened, importing again completes it, without duplicates.
    String again =
        sandbox
            .expect(0, "memory", "import-conport", db.toString(), "--workspace", repo.toString())
            .stdout();
    assertThat(again)
        .containsPattern("(40007 items added, 0 already there|0 items added, 40007 already there)");
  }

  @Test
  void agentsLinkItemsAndFollowTheLinks() {
    McpSyncClient developer = connect("developer", "claude-de000007");
    McpSyncClient research = connect("research", "claude-4e000007");
    long decision =
        ok(developer, "log_decision", Map.of("summary", "Search with FTS5")).path("id").asLong();
    long task =
        ok(developer, "log_progress", Map.of("status", "DONE", "description", "Build search"))
            .path("id")
            .asLong();
    ok(
        developer,
        "link_conport_items",
        Map.of(
            "source_item_type", "progress",
            "source_item_id", String.valueOf(task),
            "target_item_type", "decision",
            "target_item_id", decision,
            "relationship_type", "implements"));

    JsonNode linked =
        ok(research, "get_linked_items", Map.of("item_type", "decision", "item_id", decision));
    assertThat(linked).hasSize(1);
    assertThat(linked.get(0).path("direction").asString()).isEqualTo("incoming");
    assertThat(linked.get(0).path("item").path("description").asString()).isEqualTo("Build search");
    assertThat(
            error(
                research,
                "link_conport_items",
                Map.of(
                    "source_item_type", "decision",
                    "source_item_id", task,
                    "target_item_type", "decision",
                    "target_item_id", decision,
                    "relationship_type", "x")))
        .isEqualTo("item " + task + " is a progress, not a decision");
  }

  @Test
  void aPersonLogsAndSearchesFromTheCommandLineAndAgentsSeeIt() {
    Path sub = repo.resolve("src");
    sub.toFile().mkdirs();
    String logged =
        sandbox
            .expect(
                0,
                "memory",
                "log-decision",
                "Keep the hook in POSIX sh",
                "--rationale",
                "no JVM per edit",
                "--tag",
                "hooks",
                "--workspace",
                sub.toString())
            .stdout();
    assertThat(logged).startsWith("logged #").contains("decision: Keep the hook in POSIX sh");
    assertThat(logged).contains("by a person");

    McpSyncClient agent = connect("developer", "claude-de000005");
    JsonNode found = ok(agent, "search_memory", Map.of("query", "posix hook"));
    assertThat(found.get(0).path("rationale").asString()).isEqualTo("no JVM per edit");

    assertThat(
            sandbox.expect(0, "memory", "search", "jvm", "--workspace", repo.toString()).stdout())
        .contains("Keep the hook in POSIX sh (no JVM per edit) [hooks] by a person");
    assertThat(sandbox.expect(0, "memory", "recent", "--workspace", repo.toString()).stdout())
        .contains("Keep the hook in POSIX sh");
    JsonNode recent = ok(agent, "get_recent_activity_summary", Map.of("hours_ago", 1));
    assertThat(recent.path("decision").get(0).path("summary").asString())
        .isEqualTo("Keep the hook in POSIX sh");
    assertThat(error(agent, "get_recent_activity_summary", Map.of("since_timestamp", "yesterday")))
        .contains("'yesterday' is not an ISO-8601 time");
    assertThat(sandbox.expect(1, "memory", "search", "x", "--workspace", "/").stderr())
        .contains("not inside a git repository");
  }

  @Test
  void progressIsUpdatedAndPatternsLoggedOverMcpAndHttp() throws Exception {
    McpSyncClient developer = connect("developer", "claude-de000010");
    long task =
        ok(developer, "log_progress", Map.of("status", "TODO", "description", "Add delete tools"))
            .path("id")
            .asLong();

    JsonNode updated =
        ok(developer, "update_progress", Map.of("progress_id", task, "status", "IN_PROGRESS"));
    assertThat(updated.path("status").asString()).isEqualTo("IN_PROGRESS");
    assertThat(updated.path("description").asString()).isEqualTo("Add delete tools");
    assertThat(error(developer, "update_progress", Map.of("progress_id", 424242, "status", "DONE")))
        .contains("no memory item 424242");
    assertThat(error(developer, "update_progress", Map.of("progress_id", task)))
        .contains("give at least one of 'status', 'description' or 'parent_id'");
    JsonNode pattern =
        ok(
            developer,
            "log_system_pattern",
            Map.of("name", "Outbox", "description", "events in the same transaction"));
    assertThat(pattern.path("type").asString()).isEqualTo("system_pattern");
    assertThat(ok(developer, "get_system_patterns", Map.of()).get(0).path("name").asString())
        .isEqualTo("Outbox");
    assertThat(error(developer, "log_system_pattern", Map.of("description", "no name")))
        .isEqualTo("'name' is required");
    try (BrokerClient c = broker.unixClient()) {
      HttpResponse patched =
          c.send(
              "PATCH",
              "/v1/memory/progress/" + task,
              Map.of("Content-Type", "application/json"),
              JSON.writeValueAsBytes(Map.of("instance", "claude-de000010", "status", "DONE")));
      assertThat(patched.status()).as(patched.bodyText()).isEqualTo(200);
      assertThat(JSON.readTree(patched.bodyText()).path("status").asString()).isEqualTo("DONE");
    }
    assertThat(ok(developer, "get_progress", Map.of("status_filter", "DONE"))).hasSize(1);
  }

  @Test
  void itemsAreDeletedOverMcpHttpAndTheCommandLineWithClearErrors() throws Exception {
    McpSyncClient developer = connect("developer", "claude-de000011");
    McpSyncClient research = connect("research", "claude-4e000011");
    long decision =
        ok(developer, "log_decision", Map.of("summary", "Drop the walrus cache"))
            .path("id")
            .asLong();
    long secret =
        ok(developer, "log_decision", Map.of("summary", "Walrus secret", "private", true))
            .path("id")
            .asLong();
    long task =
        ok(developer, "log_progress", Map.of("status", "TODO", "description", "Walrus task"))
            .path("id")
            .asLong();
    long pattern =
        ok(developer, "log_system_pattern", Map.of("name", "Walrus pattern")).path("id").asLong();
    ok(developer, "log_custom_data", Map.of("category", "zoo", "key", "walrus", "value", 1));

    assertThat(error(research, "delete_decision_by_id", Map.of("decision_id", secret)))
        .contains("no memory item " + secret);
    assertThat(error(research, "delete_progress_by_id", Map.of("progress_id", decision)))
        .isEqualTo("item " + decision + " is a decision, not a progress");
    assertThat(error(research, "delete_custom_data", Map.of("category", "zoo", "key", "seal")))
        .contains("no custom data 'seal' in category 'zoo'");
    assertThat(ok(developer, "search_memory", Map.of("query", "walrus"))).hasSize(5);

    JsonNode gone = ok(research, "delete_decision_by_id", Map.of("decision_id", decision));
    assertThat(gone.path("deleted").path("summary").asString()).isEqualTo("Drop the walrus cache");
    ok(research, "delete_system_pattern_by_id", Map.of("pattern_id", pattern));
    ok(research, "delete_custom_data", Map.of("category", "zoo", "key", "walrus"));
    try (BrokerClient c = broker.unixClient()) {
      HttpResponse missing =
          c.send("DELETE", "/v1/memory/items/424242?instance=claude-4e000011", Map.of(), null);
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.bodyText()).contains("no memory item 424242");
    }
    assertThat(
            sandbox
                .expect(0, "memory", "delete", String.valueOf(task), "--workspace", repo.toString())
                .stdout())
        .contains("deleted #" + task + " TODO: Walrus task");
    assertThat(
            sandbox
                .expect(
                    1, "memory", "delete", String.valueOf(secret), "--workspace", repo.toString())
                .stderr())
        .contains("no memory item " + secret);
    JsonNode left = ok(developer, "search_memory", Map.of("query", "walrus"));
    assertThat(left).hasSize(1);
    assertThat(left.get(0).path("summary").asString()).isEqualTo("Walrus secret");
  }

  @Test
  void aBatchIsLoggedAllOrNothingOverMcpAndHttp() throws Exception {
    McpSyncClient developer = connect("developer", "claude-de000012");

    JsonNode logged =
        ok(
            developer,
            "batch_log_items",
            Map.of(
                "item_type",
                "progress_entry",
                "items",
                List.of(
                    Map.of("status", "TODO", "description", "Otter one"),
                    Map.of("status", "DONE", "description", "Otter two"))));
    assertThat(logged).hasSize(2);
    assertThat(logged.get(1).path("status").asString()).isEqualTo("DONE");
    assertThat(
            error(
                developer,
                "batch_log_items",
                Map.of(
                    "item_type",
                    "decision",
                    "items",
                    List.of(
                        Map.of("summary", "Otter decision"),
                        Map.of("summary", "Tagged otter", "tags", "x"),
                        Map.of("rationale", "no summary")))))
        .isEqualTo("items[2]: 'summary' is required; nothing of the batch was stored");
    assertThat(
            error(
                developer,
                "batch_log_items",
                Map.of(
                    "item_type",
                    "custom_data",
                    "items",
                    List.of(Map.of("category", "c", "key", "k", "value", 1, "private", "yes")))))
        .startsWith("items[0]: argument 'private' must be true or false");
    assertThat(error(developer, "batch_log_items", Map.of("item_type", "note", "items", List.of())))
        .contains("unknown item type 'note'");
    try (BrokerClient c = broker.unixClient()) {
      HttpResponse bad =
          c.send(
              "POST",
              "/v1/memory/batch",
              Map.of("Content-Type", "application/json"),
              JSON.writeValueAsBytes(
                  Map.of(
                      "instance",
                      "claude-de000012",
                      "item_type",
                      "custom_data",
                      "items",
                      List.of(
                          Map.of("category", "zoo", "key", "otter", "value", 1),
                          Map.of("category", "zoo", "value", 2)))));
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.bodyText()).contains("items[1]: 'key' is required");
      HttpResponse good =
          c.send(
              "POST",
              "/v1/memory/batch",
              Map.of("Content-Type", "application/json"),
              JSON.writeValueAsBytes(
                  Map.of(
                      "instance",
                      "claude-de000012",
                      "item_type",
                      "system_pattern",
                      "items",
                      List.of(Map.of("name", "Otter pattern", "description", "float")))));
      assertThat(good.status()).as(good.bodyText()).isEqualTo(201);
    }
    JsonNode otters = ok(developer, "search_memory", Map.of("query", "otter"));
    List<String> types = new ArrayList<>();
    otters.forEach(i -> types.add(i.path("type").asString()));
    assertThat(types).containsExactlyInAnyOrder("progress", "progress", "system_pattern");
  }

  @Test
  void theHistoryOfAContextIsReadWithConPortsGetItemHistory() {
    McpSyncClient developer = connect("developer", "claude-de000013");
    for (String goal : List.of("one", "two", "three")) {
      ok(developer, "update_product_context", Map.of("content", Map.of("goal", goal)));
    }

    JsonNode history = ok(developer, "get_item_history", Map.of("item_type", "product_context"));
    assertThat(history).hasSize(2);
    assertThat(history.get(0).path("version").asInt()).isEqualTo(2);
    assertThat(history.get(0).path("content").path("goal").asString()).isEqualTo("two");
    JsonNode first =
        ok(developer, "get_item_history", Map.of("item_type", "product_context", "version", 1));
    assertThat(first).hasSize(1);
    assertThat(first.get(0).path("content").path("goal").asString()).isEqualTo("one");
    assertThat(ok(developer, "get_item_history", Map.of("item_type", "active_context"))).isEmpty();
    assertThat(error(developer, "get_item_history", Map.of("item_type", "decision")))
        .contains("the history is kept for product_context and active_context");
    assertThat(
            error(
                developer,
                "get_item_history",
                Map.of("item_type", "product_context", "before_timestamp", "yesterday")))
        .contains("'yesterday' is not an ISO-8601 time");
  }

  @Test
  void aMarkdownExportIsImportedIntoAnotherRepositoryOnceAndNeverWrittenOutsideOne()
      throws Exception {
    McpSyncClient developer = connect("developer", "claude-de000014");
    long parent =
        ok(developer, "log_progress", Map.of("status", "IN_PROGRESS", "description", "Ship seals"))
            .path("id")
            .asLong();
    ok(
        developer,
        "log_progress",
        Map.of("status", "DONE", "description", "Count the seals", "parent_id", parent));
    ok(
        developer,
        "log_decision",
        Map.of("summary", "Seals before walruses", "rationale", "line one\nline two"));
    ok(
        developer,
        "log_custom_data",
        Map.of("category", "zoo", "key", "seal", "value", Map.of("legs", 0, "fins", 4)));
    ok(developer, "update_product_context", Map.of("content", Map.of("goal", "a seal zoo")));

    JsonNode exported =
        ok(developer, "export_conport_to_markdown", Map.of("output_path", "notes/memory"));
    Path folder = repo.resolve("notes/memory");
    assertThat(exported.path("directory").asString()).isEqualTo(folder.toRealPath().toString());
    assertThat(folder.resolve("custom_data/zoo.md")).exists();
    assertThat(java.nio.file.Files.readString(folder.resolve("progress_log.md")))
        .contains("## Completed Tasks", "Count the seals");
    assertThat(error(developer, "export_conport_to_markdown", Map.of("output_path", "../x")))
        .contains("outside the workspace " + repo.toRealPath());
    assertThat(tmp.resolve("x")).doesNotExist();

    Path other = GitRepos.create(tmp.resolve("other"));
    java.nio.file.Files.createDirectories(other.resolve("conport_export/custom_data"));
    try (var files = java.nio.file.Files.walk(folder)) {
      for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
        java.nio.file.Files.copy(f, other.resolve("conport_export").resolve(folder.relativize(f)));
      }
    }
    McpSyncClient elsewhere =
        clients.connect(broker, "developer", "claude-de000015", other, UnaryOperator.identity());
    JsonNode first = ok(elsewhere, "import_markdown_to_conport", Map.of());
    JsonNode again = ok(elsewhere, "import_markdown_to_conport", Map.of());

    assertThat(first.path("added").asInt()).isEqualTo(4);
    assertThat(first.path("contexts_updated").asInt()).isEqualTo(1);
    assertThat(again.path("added").asInt()).isZero();
    assertThat(again.path("already_there").asInt()).isEqualTo(4);
    JsonNode child = ok(elsewhere, "search_memory", Map.of("query", "count seals")).get(0);
    JsonNode ship = ok(elsewhere, "search_memory", Map.of("query", "ship seals")).get(0);
    assertThat(child.path("status").asString()).isEqualTo("DONE");
    assertThat(child.path("parent_id").asLong()).isEqualTo(ship.path("id").asLong());
    assertThat(child.path("by").asString()).isEqualTo("claude-de000014");
    JsonNode decision = ok(elsewhere, "search_memory", Map.of("query", "walruses")).get(0);
    assertThat(decision.path("rationale").asString()).isEqualTo("line one\nline two");
    JsonNode seal = ok(elsewhere, "get_custom_data", Map.of("category", "zoo", "key", "seal"));
    assertThat(seal.toString()).contains("\"fins\":4");
    assertThat(ok(elsewhere, "get_product_context", Map.of()).toString()).contains("a seal zoo");
    assertThat(error(elsewhere, "import_markdown_to_conport", Map.of("input_path", "nothing")))
        .contains("no folder " + other.toRealPath().resolve("nothing") + " to import");

    // A person exports the other repository from the command line and imports it back into it.
    assertThat(sandbox.expect(0, "memory", "export", "--workspace", other.toString()).stdout())
        .contains("exported 4 items (0 private) to " + other.toRealPath().resolve("conport_export"))
        .contains("custom_data/zoo.md");
    String back = other.resolve("conport_export").toString();
    assertThat(
            sandbox
                .expect(0, "memory", "import-markdown", back, "--workspace", other.toString())
                .stdout())
        .contains("0 items added, 4 already there, 0 links, 0 contexts updated");
  }

  private McpSyncClient connect(String role, String instance) {
    return clients.connect(broker, role, instance, repo, UnaryOperator.identity());
  }

  private static JsonNode ok(McpSyncClient c, String tool, Map<String, Object> args) {
    McpSchema.CallToolResult r =
        c.callTool(McpSchema.CallToolRequest.builder(tool).arguments(args).build());
    assertThat(r.isError()).as("%s: %s", tool, text(r)).isNotEqualTo(Boolean.TRUE);
    return items(JSON.readTree(text(r)));
  }

  /** A list result's items ({@code {"items": [...]}}); any other result as it is. */
  private static JsonNode items(JsonNode result) {
    return result.isObject() && result.size() == 1 && result.has("items")
        ? result.get("items")
        : result;
  }

  private static String error(McpSyncClient c, String tool, Map<String, Object> args) {
    McpSchema.CallToolResult r =
        c.callTool(McpSchema.CallToolRequest.builder(tool).arguments(args).build());
    assertThat(r.isError()).as("%s: %s", tool, text(r)).isTrue();
    return text(r);
  }

  private static String text(McpSchema.CallToolResult r) {
    return McpClients.text(r);
  }
}
