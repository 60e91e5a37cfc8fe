package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.client.BrokerClient;
import dev.baton.testing.GitRepos;
import dev.baton.testing.NpmPackages;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Downstream MCP servers from the npm registry ({@code server-everything}, {@code
 * server-filesystem}) brokered by a real broker process: per-role listing, pass-through calls
 * compared with direct calls to the same server, instance-scoped processes that go with their
 * instance, crashes, meta-tools, and no process left behind.
 */
class GatewayIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path tmp;

  private BrokerSandbox sandbox;
  private BrokerProcess broker;
  private Path repo;
  private Path everything;
  private Path filesystem;
  private final List<McpSyncClient> clients = new ArrayList<>();
  private Process httpServer;

  @BeforeEach
  void start() {
    Path npm = NpmPackages.require();
    everything = npm.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    filesystem = npm.resolve("node_modules/@modelcontextprotocol/server-filesystem/dist/index.js");
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    repo = GitRepos.create(tmp.resolve("repo"));
    String node = NpmPackages.node().toString();
    int port;
    try (java.net.ServerSocket free =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    httpServer = startHttpServer(node, port);
    String config =
        "registry:\n  instance-ttl: 10m\n"
            + "gateway:\n  list-wait: 60s # these tests list what the servers offer\n"
            + "servers:\n"
            + "  everything:\n    command: "
            + node
            + "\n    args: ["
            + everything
            + ", stdio]\n"
            + "  files:\n    command: "
            + node
            + "\n    args: ["
            + filesystem
            + ", \"${worktree}\"]\n    scope: instance\n"
            + "    writes: {write_file: [path], edit_file: [path], move_file: [source, destination]}\n"
            + "  web:\n    url: http://127.0.0.1:"
            + port
            + "/mcp\n    headers: {X-Test: yes}\n"
            + "  odd:\n    command: "
            + node
            + "\n    args: ["
            + npm.resolve("fixtures/odd-schemas.mjs")
            + "]\n"
            + "roles:\n"
            + "  architect:\n    servers: [web]\n"
            + "  debugger:\n    servers: [odd]\n"
            + "  developer:\n    servers: [everything, files]\n"
            + "  reviewer:\n    servers: [files]\n    allow: [\"files__read_*\", \"files__list_*\"]\n"
            + "  ops:\n    servers: [everything]\n    deny: [\"everything__get-env\"]\n"
            + "  planner:\n    servers: [everything]\n    tools: meta\n";
    broker = sandbox.start("--config", sandbox.writeConfig("baton.yaml", config).toString());
  }

  @AfterEach
  void stop() {
    for (McpSyncClient c : clients) {
      try {
        c.closeGracefully();
      } catch (RuntimeException e) {
        // the broker may be gone already
      }
    }
    broker.close();
    if (httpServer != null) {
      httpServer.destroyForcibly();
      try {
        httpServer.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    assertThat(serverProcesses())
        .as("MCP server processes left after the broker stopped")
        .isEmpty();
  }

  @Test
  void eachRoleListsBatonsToolsAndOnlyItsServersToolsUnderShortPrefixedNames() {
    List<String> developer = names(connect("developer", "claude-00000001").listTools());
    assertThat(developer)
        .contains("whoami", "lease_acquire", "find_tools", "call_tool")
        .contains(
            "everything__echo",
            "everything__get-sum",
            "files__read_text_file",
            "files__list_directory");
    assertThat(developer).allSatisfy(n -> assertThat(n.length()).isLessThanOrEqualTo(52));

    List<String> reviewer = names(connect("reviewer", "claude-00000002").listTools());
    assertThat(reviewer).contains("files__read_text_file", "files__list_directory");
    assertThat(reviewer)
        .noneMatch(n -> n.startsWith("everything__") || n.equals("files__write_file"));

    List<String> ops = names(connect("ops", "claude-00000003").listTools());
    assertThat(ops).contains("everything__echo").doesNotContain("everything__get-env");

    List<String> planner = names(connect("planner", "claude-00000004").listTools());
    assertThat(planner)
        .contains("find_tools", "call_tool")
        .noneMatch(n -> n.startsWith("everything__"));
  }

  @Test
  void callsThroughBatonGiveWhatTheServerItselfGives() {
    McpSyncClient viaBaton = connect("developer", "claude-00000011");
    McpSyncClient direct =
        McpClient.sync(
                new StdioClientTransport(
                    ServerParameters.builder(NpmPackages.node().toString())
                        .args(everything.toString(), "stdio")
                        .build(),
                    McpJsonDefaults.getMapper()))
            .requestTimeout(Duration.ofSeconds(30))
            .build();
    clients.add(direct);
    direct.initialize();
    List<Map.Entry<String, Map<String, Object>>> calls =
        List.of(
            Map.entry("echo", Map.of("message", "héllo\nworld")),
            Map.entry("get-sum", Map.of("a", 2, "b", 40.5)),
            Map.entry("get-tiny-image", Map.of()),
            Map.entry(
                "get-annotated-message", Map.of("messageType", "error", "includeImage", true)),
            Map.entry("get-structured-content", Map.of("location", "Chicago")),
            Map.entry("get-sum", Map.of("a", "not a number")));
    for (Map.Entry<String, Map<String, Object>> c : calls) {
      McpSchema.CallToolResult expected = direct.callTool(call(c.getKey(), c.getValue()));
      McpSchema.CallToolResult actual =
          viaBaton.callTool(call("everything__" + c.getKey(), c.getValue()));
      assertThat(actual.content()).as(c.getKey()).isEqualTo(expected.content());
      assertThat(actual.structuredContent()).as(c.getKey()).isEqualTo(expected.structuredContent());
      assertThat(actual.isError()).as(c.getKey()).isEqualTo(expected.isError());
    }
    // An embedded resource: the same, except for the creation time the server writes into it.
    Map<String, Object> blob = Map.of("resourceType", "Blob", "resourceId", 2);
    McpSchema.EmbeddedResource expected =
        (McpSchema.EmbeddedResource)
            direct.callTool(call("get-resource-reference", blob)).content().get(1);
    McpSchema.EmbeddedResource actual =
        (McpSchema.EmbeddedResource)
            viaBaton.callTool(call("everything__get-resource-reference", blob)).content().get(1);
    McpSchema.BlobResourceContents e = (McpSchema.BlobResourceContents) expected.resource();
    McpSchema.BlobResourceContents a = (McpSchema.BlobResourceContents) actual.resource();
    assertThat(a.uri()).isEqualTo(e.uri());
    assertThat(a.mimeType()).isEqualTo(e.mimeType());
    assertThat(
            new String(
                java.util.Base64.getDecoder().decode(a.blob()),
                java.nio.charset.StandardCharsets.UTF_8))
        .startsWith("Resource 2: This is a base64 blob created at");
    McpSchema.CallToolResult image = direct.callTool(call("get-tiny-image", Map.of()));
    assertThat(image.content()).anyMatch(x -> x instanceof McpSchema.ImageContent);
  }

  @Test
  void instanceScopedServersRunInTheInstancesWorktreeAndGoWithTheInstance() throws Exception {
    Path other = GitRepos.create(tmp.resolve("other"));
    McpSyncClient a = connect("developer", "claude-0000000a");
    McpSyncClient b = connect("developer", "claude-0000000b", other);
    String aDirs = text(a.callTool(call("files__list_allowed_directories", Map.of())));
    String bDirs = text(b.callTool(call("files__list_allowed_directories", Map.of())));
    assertThat(aDirs).contains(repo.toString()).doesNotContain(other.toString());
    assertThat(bDirs).contains(other.toString());
    // The filesystem server started for an instance names its worktree on its command line; other
    // processes in that repository (the checkpoint's git, say) are not the server's.
    String serverOfA = filesystem + " " + repo;
    String serverOfB = filesystem + " " + other;
    assertThat(serverProcesses(serverOfA)).isNotEmpty();

    try (BrokerClient c = broker.unixClient()) {
      c.deregister("claude-0000000a");
    }
    awaitNoProcesses(serverOfA, Duration.ofSeconds(15));
    assertThat(serverProcesses(serverOfB)).isNotEmpty();
  }

  @Test
  void aWriteToolThroughTheGatewayLeasesItsFileOrIsRefusedNamingTheHolder() throws Exception {
    java.nio.file.Files.createDirectories(repo.resolve("src"));
    java.nio.file.Files.createDirectories(repo.resolve("docs"));
    java.nio.file.Files.writeString(repo.resolve("src/app.py"), "print('hi')\n");
    try (BrokerClient c = broker.unixClient()) {
      c.register(
          new dev.baton.api.RegisterBody("reviewer", repo.toString(), "cli-0000cafe", "cli"));
      c.acquire(
          new dev.baton.api.AcquireBody(
              "cli-0000cafe", "src/app.py", null, null, null, null, "reviewing", null));
    }
    McpSyncClient agent = connect("developer", "claude-0000f11e");

    McpSchema.CallToolResult refused =
        agent.callTool(
            call(
                "files__write_file",
                Map.of("path", repo.resolve("src/app.py").toString(), "content", "overwritten")));
    McpSchema.CallToolResult refusedViaMeta =
        agent.callTool(
            call(
                "call_tool",
                Map.of(
                    "name",
                    "files__move_file",
                    "arguments",
                    Map.of(
                        "source", repo.resolve("src/app.py").toString(),
                        "destination", repo.resolve("src/moved.py").toString()))));
    McpSchema.CallToolResult written =
        agent.callTool(
            call(
                "files__write_file",
                Map.of("path", repo.resolve("docs/new.md").toString(), "content", "# new\n")));

    assertThat(refused.isError()).isTrue();
    assertThat(text(refused))
        .contains("files__write_file was not called")
        .contains("src/app.py held exclusively by cli-0000cafe (reviewer, 'reviewing')");
    assertThat(refusedViaMeta.isError()).isTrue();
    assertThat(text(refusedViaMeta)).contains("held exclusively by cli-0000cafe");
    assertThat(java.nio.file.Files.readString(repo.resolve("src/app.py")))
        .isEqualTo("print('hi')\n");
    assertThat(repo.resolve("src/moved.py")).doesNotExist();
    assertThat(written.isError()).as(text(written)).isNotEqualTo(Boolean.TRUE);
    assertThat(java.nio.file.Files.readString(repo.resolve("docs/new.md"))).isEqualTo("# new\n");
    try (BrokerClient c = broker.unixClient()) {
      assertThat(c.check(repo.toString(), "docs/new.md").leases())
          .singleElement()
          .satisfies(
              l -> {
                assertThat(l.instance()).isEqualTo("claude-0000f11e");
                assertThat(l.reason()).isEqualTo("writing with files__write_file");
              });
    }
  }

  @Test
  void aRestartedBrokerListsARolesToolsFromWhatItsServersOfferedLastTime() throws Exception {
    BrokerSandbox other = BrokerSandbox.in(tmp.resolve("cache"));
    String config =
        "gateway:\n  list-wait: 1ms\n"
            + "servers:\n  everything:\n    command: "
            + NpmPackages.node()
            + "\n    args: ["
            + everything
            + ", stdio]\n"
            + "roles:\n  developer:\n    servers: [everything]\n";
    Path file = other.writeConfig("baton.yaml", config);
    BrokerProcess first = other.start("--config", file.toString());
    try {
      McpSyncClient agent = client(first, "claude-0000c001");
      // Never listed before: the first answer may come before the server is up; then it is added.
      org.awaitility.Awaitility.await("everything's tools on the endpoint")
          .atMost(Duration.ofSeconds(60))
          .until(() -> names(agent.listTools()).contains("everything__echo"));
      agent.closeGracefully();
    } finally {
      first.close();
    }
    Path cached = other.dataDir().resolve("gateway/offers/everything.json");
    assertThat(cached).exists();
    assertThat(java.nio.file.Files.getPosixFilePermissions(cached))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

    BrokerProcess second = other.start("--config", file.toString());
    try {
      try (BrokerClient c = second.unixClient()) {
        String metrics = c.send("GET", "/metrics", Map.of("Accept", "text/plain"), null).bodyText();
        assertThat(metrics)
            .as("listed from the cache at start, the server is not started before an agent comes")
            .contains("baton_gateway_processes{server=\"everything\"} 0.0");
      }
      McpSyncClient agent = client(second, "claude-0000c002");
      assertThat(names(agent.listTools()))
          .as("the first listing after a restart, without waiting for the server")
          .contains("whoami", "everything__echo", "everything__get-sum");
      assertThat(text(agent.callTool(call("everything__echo", Map.of("message", "cached")))))
          .contains("cached");
      agent.closeGracefully();
    } finally {
      second.close();
    }
  }

  @Test
  void initializeNeverWaitsForAServerThatIsSlowToStartAndTheFirstListingWaitsOnlyForListWait()
      throws Exception {
    BrokerSandbox other = BrokerSandbox.in(tmp.resolve("slow"));
    String config =
        "gateway:\n  list-wait: 60s\n"
            + "servers:\n  everything:\n    command: sh\n    args: [-c, 'sleep 8; exec "
            + NpmPackages.node()
            + " "
            + everything
            + " stdio']\n"
            + "roles:\n  developer:\n    servers: [everything]\n";
    Path file = other.writeConfig("baton.yaml", config);
    BrokerProcess b = other.start("--config", file.toString());
    try {
      Path offer = other.dataDir().resolve("gateway/offers/everything.json");
      McpSyncClient agent = client(b, "claude-0000510a");
      assertThat(offer)
          .as("initialize is answered before the server (8 s late) has offered anything")
          .doesNotExist();
      assertThat(names(agent.listTools()))
          .as("a list waits, up to gateway.list-wait, for a server never listed before")
          .contains("whoami", "everything__echo");
      assertThat(offer).exists();
      agent.closeGracefully();
    } finally {
      b.close();
    }
  }

  private McpSyncClient client(BrokerProcess b, String instance) {
    Map<String, String> headers =
        Map.of(
            "Authorization",
            "Bearer " + b.token(),
            "X-Baton-Instance",
            instance,
            "X-Baton-Workspace",
            repo.toString());
    McpSyncClient c =
        McpClient.sync(
                HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + b.tcpPort())
                    .endpoint("/mcp/developer")
                    .addHttpRequestCustomizer(
                        (builder, method, uri, body, context) -> headers.forEach(builder::header))
                    .build())
            .requestTimeout(Duration.ofSeconds(60))
            .build();
    c.initialize();
    return c;
  }

  @Test
  void aServerKilledDuringACallFailsThatCallAtOnceAndIsStartedAgainForTheNext() throws Exception {
    McpSyncClient agent = connect("developer", "claude-000000cc");
    assertThat(text(agent.callTool(call("everything__echo", Map.of("message", "up")))))
        .contains("up");
    // One process serves call after call (a restart per call would also pass the checks below).
    String stdioServer = everything + " stdio"; // not the HTTP one of aStreamableHttpServer...
    List<ProcessHandle> first = serverProcesses(stdioServer);
    assertThat(first).hasSize(1);
    for (int i = 0; i < 5; i++) {
      agent.callTool(call("everything__echo", Map.of("message", "again " + i)));
    }
    assertThat(serverProcesses(stdioServer)).containsExactlyElementsOf(first);
    assertThat(metric("baton_gateway_processes{server=\"everything\"}")).isEqualTo(1.0);
    assertThat(
            metric(
                "baton_gateway_call_duration_seconds_count{server=\"everything\",tool=\"echo\"}"))
        .isEqualTo(6.0);
    assertThat(metric("baton_gateway_pool_size{server=\"everything\"}"))
        .as("one shared pool, of the default stdio-pool")
        .isEqualTo(5.0);
    assertThat(metric("baton_gateway_pool_in_use{server=\"everything\"}")).isEqualTo(0.0);
    assertThat(metric("baton_gateway_restarts_total{server=\"everything\"}")).isEqualTo(0.0);
    // The server reports progress once a second while the call runs: the first report shows that
    // the call is in the server, so the kill below lands during it, however slow the machine.
    java.util.concurrent.CountDownLatch inServer = new java.util.concurrent.CountDownLatch(1);
    McpSyncClient watched =
        McpClient.sync(transport("developer", "claude-000000cc", repo))
            .requestTimeout(Duration.ofSeconds(60))
            .progressConsumer(p -> inServer.countDown())
            .build();
    clients.add(watched);
    watched.initialize();
    CompletableFuture<McpSchema.CallToolResult> longCall =
        CompletableFuture.supplyAsync(
            () ->
                watched.callTool(
                    McpSchema.CallToolRequest.builder("everything__trigger-long-running-operation")
                        .arguments(Map.of("duration", 30, "steps", 30))
                        .progressToken("long-1")
                        .build()));
    assertThat(inServer.await(30, TimeUnit.SECONDS))
        .as("progress of the long call within 30 s")
        .isTrue();
    List<ProcessHandle> running = serverProcesses(stdioServer);
    assertThat(running).isNotEmpty();
    long started = System.nanoTime();
    running.forEach(ProcessHandle::destroyForcibly);
    McpSchema.CallToolResult failed = longCall.get(15, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    assertThat(failed.isError()).isTrue();
    assertThat(text(failed)).contains("MCP server 'everything' exited").contains("started again");
    assertThat(text(agent.callTool(call("everything__echo", Map.of("message", "again")))))
        .contains("again");
    assertThat(
            metric(
                "baton_gateway_call_failures_total{server=\"everything\",tool=\"trigger-long-running-operation\"}"))
        .isEqualTo(1.0);
    assertThat(metric("baton_gateway_call_failures_total{server=\"everything\",tool=\"echo\"}"))
        .isEqualTo(0.0);
    assertThat(metric("baton_gateway_restarts_total{server=\"everything\"}")).isEqualTo(1.0);
    assertThat(
            metric(
                "baton_gateway_call_duration_seconds_count{server=\"everything\",tool=\"echo\"}"))
        .isEqualTo(7.0);
  }

  /** One series' value in the broker's {@code /metrics}; 0 for a series not (yet) there. */
  private double metric(String series) {
    try (BrokerClient c = broker.unixClient()) {
      String metrics = c.send("GET", "/metrics", Map.of("Accept", "text/plain"), null).bodyText();
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile(
                  "(?m)^" + java.util.regex.Pattern.quote(series) + " (\\S+)$")
              .matcher(metrics);
      return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }
  }

  @Test
  void findToolsRanksTheCatalogueAndCallToolReachesWhatTheListDoesNotShow() throws Exception {
    McpSyncClient planner = connect("planner", "claude-000000dd");
    JsonNode found =
        JSON.readTree(
            text(planner.callTool(call("find_tools", Map.of("query", "add two numbers sum")))));
    assertThat(found.path("tools").get(0).path("name").asString()).isEqualTo("everything__get-sum");
    assertThat(found.path("tools").get(0).path("inputSchema").path("properties").has("a")).isTrue();
    McpSchema.CallToolResult sum =
        planner.callTool(
            call(
                "call_tool",
                Map.of("name", "everything__get-sum", "arguments", Map.of("a", 1, "b", 2))));
    assertThat(sum.isError()).isNotEqualTo(Boolean.TRUE); // the server leaves isError out
    assertThat(text(sum)).contains("3");

    McpSyncClient ops = connect("ops", "claude-000000de");
    McpSchema.CallToolResult denied =
        ops.callTool(call("call_tool", Map.of("name", "everything__get-env")));
    assertThat(denied.isError()).isTrue();
    assertThat(text(denied)).contains("no tool 'everything__get-env' for role ops");
  }

  @Test
  void switchRoleChangesWhatTheMetaToolsReachAndTellsTheAgentHow() throws Exception {
    McpSyncClient agent = connect("developer", "claude-000000ee");
    assertThat(
            text(
                agent.callTool(
                    call("call_tool", Map.of("name", "files__list_allowed_directories")))))
        .contains(repo.toString());
    McpSchema.CallToolResult unknown =
        agent.callTool(call("switch_role", Map.of("role", "wizard")));
    assertThat(unknown.isError()).isTrue();
    assertThat(text(unknown)).contains("wizard").contains("developer");

    JsonNode switched =
        JSON.readTree(text(agent.callTool(call("switch_role", Map.of("role", "ops")))));
    assertThat(switched.path("role").asString()).isEqualTo("ops");
    assertThat(switched.path("was").asString()).isEqualTo("developer");
    assertThat(switched.path("next").asString())
        .contains("find_tools and call_tool now reach ops's");
    try (BrokerClient c = broker.unixClient()) {
      assertThat(c.instance("claude-000000ee").role()).isEqualTo("ops");
    }
    McpSchema.CallToolResult gone =
        agent.callTool(call("call_tool", Map.of("name", "files__list_allowed_directories")));
    assertThat(gone.isError()).isTrue();
    assertThat(text(gone)).contains("no tool 'files__list_allowed_directories' for role ops");
    JsonNode found =
        JSON.readTree(text(agent.callTool(call("find_tools", Map.of("query", "echo message")))));
    assertThat(found.path("tools").get(0).path("name").asString()).isEqualTo("everything__echo");
  }

  @Test
  void twoHundredInstancesUseAnInstanceScopedServerAndLeaveNoProcessBehind() throws Exception {
    int instances = 200;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<CompletableFuture<Void>> done = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
    for (int i = 0; i < instances; i++) {
      String id = String.format("leak-%08x", i);
      done.add(
          CompletableFuture.runAsync(
              () -> {
                if (System.nanoTime() > deadline) {
                  throw new IllegalStateException("the leak test ran out of time");
                }
                McpSyncClient c = client("developer", id, repo);
                try {
                  c.initialize();
                  assertThat(text(c.callTool(call("files__list_allowed_directories", Map.of()))))
                      .contains(repo.toString());
                } finally {
                  c.closeGracefully();
                }
                try (BrokerClient b = broker.unixClient()) {
                  b.deregister(id);
                }
              },
              pool));
    }
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    pool.shutdown();
    awaitNoProcesses(filesystem.toString(), Duration.ofSeconds(30));
  }

  @Test
  void progressOfADownstreamCallReachesTheAgentUnderItsOwnToken() {
    List<McpSchema.ProgressNotification> seen =
        java.util.Collections.synchronizedList(new ArrayList<>());
    McpSyncClient agent =
        McpClient.sync(transport("developer", "claude-000000f1", repo))
            .requestTimeout(Duration.ofSeconds(60))
            .progressConsumer(seen::add)
            .build();
    clients.add(agent);
    agent.initialize();
    McpSchema.CallToolResult r =
        agent.callTool(
            McpSchema.CallToolRequest.builder("everything__trigger-long-running-operation")
                .arguments(Map.of("duration", 1, "steps", 4))
                .progressToken("my-token-1")
                .build());
    assertThat(text(r)).contains("Long running operation completed");
    assertThat(seen).hasSize(4);
    assertThat(seen).allSatisfy(n -> assertThat(n.progressToken()).isEqualTo("my-token-1"));
    assertThat(seen)
        .extracting(McpSchema.ProgressNotification::progress)
        .containsExactly(1.0, 2.0, 3.0, 4.0);
    assertThat(seen.get(3).total()).isEqualTo(4.0);
  }

  @Test
  void toolsWhoseSchemasAreOfOlderDraftsAreListedUnchangedAndCalled() {
    McpSyncClient debugger = connect("debugger", "claude-000000db");
    Map<String, McpSchema.Tool> tools = new java.util.HashMap<>();
    debugger.listTools().tools().forEach(t -> tools.put(t.name(), t));
    assertThat(tools).containsKeys("odd__draft4_bounds", "odd__tuple_items");
    Map<String, Object> n = schemaProperty(tools.get("odd__draft4_bounds"), "n");
    assertThat(n).containsEntry("exclusiveMinimum", true).containsEntry("minimum", 0);
    Map<String, Object> pair = schemaProperty(tools.get("odd__tuple_items"), "pair");
    assertThat(pair.get("items")).isInstanceOf(List.class);
    // Arguments are not validated by baton (the server decides): this one is not even a number.
    JsonNode echoed =
        JSON.readTree(text(debugger.callTool(call("odd__draft4_bounds", Map.of("n", "zero")))));
    assertThat(echoed.path("tool").asString()).isEqualTo("draft4_bounds");
    assertThat(echoed.path("arguments").path("n").asString()).isEqualTo("zero");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> schemaProperty(McpSchema.Tool tool, String name) {
    Map<String, Object> properties = (Map<String, Object>) tool.inputSchema().get("properties");
    return (Map<String, Object>) properties.get(name);
  }

  @Test
  void aStreamableHttpServerIsBrokeredToo() {
    McpSyncClient architect = connect("architect", "claude-000000ab");
    assertThat(names(architect.listTools())).contains("web__echo", "web__get-sum");
    assertThat(text(architect.callTool(call("web__echo", Map.of("message", "over http")))))
        .contains("over http");
  }

  // ---- helpers ----

  /** server-everything in its Streamable HTTP mode, on {@code port}, until it listens. */
  private Process startHttpServer(String node, int port) {
    try {
      ProcessBuilder pb =
          new ProcessBuilder(node, everything.toString(), "streamableHttp")
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("everything-http.log").toFile());
      pb.environment().put("PORT", Integer.toString(port));
      Process p = pb.start();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < end) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
          if (s.isConnected()) {
            return p;
          }
        } catch (java.io.IOException e) {
          Thread.sleep(100);
        }
      }
      p.destroyForcibly();
      throw new AssertionError("server-everything did not listen on " + port + " within 30 s");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private McpSyncClient connect(String role, String instance) {
    return connect(role, instance, repo);
  }

  private McpSyncClient connect(String role, String instance, Path workspace) {
    McpSyncClient c = client(role, instance, workspace);
    clients.add(c);
    c.initialize();
    return c;
  }

  private McpSyncClient client(String role, String instance, Path workspace) {
    return McpClient.sync(transport(role, instance, workspace))
        .requestTimeout(Duration.ofSeconds(60))
        .build();
  }

  private HttpClientStreamableHttpTransport transport(
      String role, String instance, Path workspace) {
    Map<String, String> headers =
        Map.of(
            "Authorization",
            "Bearer " + broker.token(),
            "X-Baton-Instance",
            instance,
            "X-Baton-Workspace",
            workspace.toString());
    HttpClientStreamableHttpTransport transport =
        HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + broker.tcpPort())
            .endpoint("/mcp/" + role)
            .addHttpRequestCustomizer(
                (builder, method, uri, body, context) -> headers.forEach(builder::header))
            .build();
    return transport;
  }

  private static McpSchema.CallToolRequest call(String tool, Map<String, Object> args) {
    return McpSchema.CallToolRequest.builder(tool).arguments(args).build();
  }

  private static List<String> names(McpSchema.ListToolsResult r) {
    return r.tools().stream().map(McpSchema.Tool::name).toList();
  }

  private static String text(McpSchema.CallToolResult r) {
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }

  /** Running processes (the broker's descendants or not) whose command line contains the text. */
  private static List<ProcessHandle> serverProcesses(String text) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(text)).orElse(false))
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .map(c -> !c.contains("surefire") && !c.contains("failsafe"))
                    .orElse(true))
        .toList();
  }

  private List<ProcessHandle> serverProcesses() {
    List<ProcessHandle> out = new ArrayList<>(serverProcesses(everything.toString()));
    out.addAll(serverProcesses(filesystem.toString()));
    return out;
  }

  /**
   * Waits until no process whose command line contains {@code text} runs, and fails with the ones
   * still there after {@code limit}. The last look decides, so a process that ends and another that
   * starts between two looks cannot make the wait pass and the check fail.
   */
  private static void awaitNoProcesses(String text, Duration limit) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    List<ProcessHandle> left = serverProcesses(text);
    while (!left.isEmpty() && System.nanoTime() < end) {
      Thread.sleep(200);
      left = serverProcesses(text);
    }
    assertThat(left)
        .as(
            "processes whose command line contains %s, %d s after the instance ended",
            text, limit.toSeconds())
        .isEmpty();
  }
}
