package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.Json;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.testing.GitRepos;
import dev.baton.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A new user's walk-through: the real {@code ./baton} launcher against a broker process that the
 * test started, each in its own sandbox (HOME, socket, data directory, ephemeral TCP port). What
 * goes wrong is in {@link CliErrorsIT}, {@code serve} itself in {@link ServeIT}.
 */
class CliIT {
  @TempDir Path tmp;

  private final List<BrokerProcess> brokers = new ArrayList<>();
  private BrokerSandbox sandbox;
  private Path repo;
  private Path worktree;

  @BeforeEach
  void createSandboxAndRepository() {
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    repo = GitRepos.create(tmp.resolve("repo"));
    worktree = GitRepos.addWorktree(repo, tmp.resolve("wt"), "feature");
  }

  @AfterEach
  void stopBrokers() {
    brokers.forEach(BrokerProcess::close);
  }

  @Test
  void registerPrintsOnlyTheIdAndResolvesASubdirectoryToTheRepositoryTop() {
    start();

    Processes.Result r =
        run(0, "register", "--role", "developer", "--workspace", repo.resolve("src").toString());

    assertThat(r.stdout()).matches("cli-[0-9a-f]{8}\n");
    JsonNode instance = onlyInstance();
    assertThat(instance.path("id").asString()).isEqualTo(r.stdout().strip());
    assertThat(instance.path("role").asString()).isEqualTo("developer");
    assertThat(instance.path("client").asString()).isEqualTo("cli");
    assertThat(instance.path("workspace").asString()).isEqualTo(repo.toString());
    assertThat(instance.has("worktree")).as("worktree of %s", instance).isFalse();
    assertThat(instance.path("branch").asString()).isEqualTo("main");
  }

  @Test
  void registerInALinkedWorktreeReportsTheMainRepositoryAndTheWorktree() {
    start();

    JsonNode registration =
        json(
            run(
                    0,
                    "register",
                    "--role",
                    "research",
                    "--client",
                    "claude",
                    "--json",
                    "--workspace",
                    worktree.resolve("src").toString())
                .stdout());

    JsonNode instance = registration.path("instance");
    assertThat(instance.path("id").asString()).matches("claude-[0-9a-f]{8}");
    assertThat(instance.path("workspace").asString()).isEqualTo(repo.toString());
    assertThat(instance.path("worktree").asString()).isEqualTo(worktree.toString());
    assertThat(instance.path("branch").asString()).isEqualTo("feature");
    assertThat(registration.path("created").asBoolean()).isTrue();
    assertThat(registration.path("ttlMs").asLong()).isEqualTo(30_000);
    assertThat(registration.path("heartbeatIntervalMs").asLong()).isEqualTo(10_000);
    JsonNode listed = onlyInstance();
    assertThat(listed.path("id").asString()).isEqualTo(instance.path("id").asString());
    assertThat(listed.path("worktree").asString()).isEqualTo(worktree.toString());
  }

  @Test
  void registerWithoutWorkspaceUsesTheCurrentDirectory() {
    start();

    Processes.Result r =
        sandbox.cliIn(worktree.resolve("src"), Map.of(), "register", "--role", "reviewer");

    assertExit(r, 0, "register in " + worktree.resolve("src"));
    JsonNode instance = onlyInstance();
    assertThat(instance.path("id").asString()).isEqualTo(r.stdout().strip());
    assertThat(instance.path("workspace").asString()).isEqualTo(repo.toString());
    assertThat(instance.path("worktree").asString()).isEqualTo(worktree.toString());
  }

  @Test
  void instancesListsEveryInstanceAndFiltersByRoleAndWorkspace() {
    start();
    Path other = GitRepos.create(tmp.resolve("other"));
    String dev = register("developer", repo);
    String res = register("research", worktree);
    String ops = register("ops", other.resolve("src"));

    List<String> table = run(0, "instances").stdout().lines().toList();

    assertThat(table.get(0).split("\\s+"))
        .containsExactly("ID", "ROLE", "BRANCH", "DIRECTORY", "SEEN", "EXPIRES");
    assertThat(table).hasSize(4);
    assertThat(row(table, dev)).contains("developer", "main", repo.toString(), "ago", "in ");
    assertThat(row(table, res)).contains("research", "feature", worktree.toString());
    assertThat(row(table, ops)).contains("ops", "main", other.toString());
    assertThat(listedIds("--role", "research")).containsExactly(res);
    assertThat(listedIds("--workspace", worktree.toString())).containsExactlyInAnyOrder(dev, res);
    assertThat(listedIds("--workspace", other.resolve("src").toString())).containsExactly(ops);
    assertThat(listedIds("--workspace", repo.toString(), "--role", "developer"))
        .containsExactly(dev);
    assertThat(run(0, "instances", "--role", "developer").stdout())
        .contains(dev)
        .doesNotContain(ops);
    assertThat(run(0, "instances", "--role", "ops", "--workspace", repo.toString()).stdout())
        .startsWith("no instances match");
  }

  @Test
  void statusSummarisesTheBrokerAsTextJsonAndATmuxLine() {
    BrokerProcess broker = start();
    assertThat(run(0, "status").stdout())
        .contains("0 instances", "baton register --role developer");
    assertThat(run(0, "status", "--tmux").stdout()).isEqualTo("no instances │ 0 files\n");
    String dev = register("developer", repo);
    String res =
        run(
                0,
                "register",
                "--role",
                "research",
                "--client",
                "claude",
                "--workspace",
                repo.toString())
            .stdout()
            .strip();

    String human = run(0, "status").stdout();
    JsonNode json = json(run(0, "status", "--json").stdout());

    assertThat(human)
        .contains(
            "running (pid " + broker.pid(),
            "unix:" + sandbox.socket(),
            "http://127.0.0.1:" + broker.tcpPort(),
            "sqlite:" + sandbox.dataDir().resolve("baton.db"),
            "2 instances",
            repo.toString(),
            "DEV  " + dev,
            "RES  " + res);
    JsonNode health = json.path("health");
    assertThat(health.path("status").asString()).isEqualTo("ok");
    assertThat(health.path("pid").asLong()).isEqualTo(broker.pid());
    assertThat(health.path("store").asString()).isEqualTo("sqlite");
    assertThat(health.path("instances").asLong()).isEqualTo(2);
    assertThat(health.path("instancesByRole").path("developer").asLong()).isEqualTo(1);
    assertThat(health.path("instancesByRole").path("research").asLong()).isEqualTo(1);
    assertThat(ids(json.path("instances"))).containsExactlyInAnyOrder(dev, res);
    // the broker's line follows the registrations within its coalescing delay (150 ms)
    String expected = "[dev:" + shortId(dev) + " ●] [res:" + shortId(res) + " ●] │ 0 files\n";
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> run(0, "status", "--tmux").stdout().equals(expected));
  }

  @Test
  void heartbeatKeepsAnInstanceAliveByIdOrThroughBatonInstance() {
    start();
    String id = register("developer", repo);
    Instant registered = Instant.parse(onlyInstance().path("lastHeartbeat").asString());

    Processes.Result byId = run(0, "heartbeat", id);
    Instant first = Instant.parse(onlyInstance().path("lastHeartbeat").asString());
    Processes.Result byEnv = sandbox.cli(Map.of("BATON_INSTANCE", id), "heartbeat");
    JsonNode after = onlyInstance();
    Instant second = Instant.parse(after.path("lastHeartbeat").asString());

    assertThat(byId.stdout()).startsWith(id + " alive, expires in ").contains("heartbeat again");
    assertExit(byEnv, 0, "BATON_INSTANCE=" + id + " baton heartbeat");
    assertThat(byEnv.stdout()).startsWith(id + " alive");
    assertThat(first).isAfter(registered);
    assertThat(second).isAfter(first);
    assertThat(Instant.parse(after.path("expiresAt").asString()))
        .isEqualTo(second.plus(Duration.ofSeconds(30)));
  }

  @Test
  void deregisterRemovesTheInstanceAndItsIdIsUnknownAfterwards() {
    start();
    String id = register("developer", repo);
    String viaEnv = register("research", repo);

    Processes.Result r = run(0, "deregister", id);
    Processes.Result byEnv = sandbox.cli(Map.of("BATON_INSTANCE", viaEnv), "deregister");

    assertThat(r.stdout()).isEqualTo("deregistered " + id + "\n");
    assertExit(byEnv, 0, "BATON_INSTANCE=" + viaEnv + " baton deregister");
    assertThat(json(run(0, "instances", "--json").stdout()).path("count").asInt()).isZero();
    assertThat(run(1, "deregister", id).stderr()).contains(id, "not registered");
    assertThat(run(1, "heartbeat", id).stderr()).contains(id, "not registered");
  }

  @Test
  void tokenPrintsTheOwnerOnlyTokenThatTcpClientsMustSend() throws IOException {
    BrokerProcess broker = start();

    String token = run(0, "token").stdout().strip();

    assertThat(token).isNotBlank().isEqualTo(Files.readString(sandbox.tokenFile()).strip());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sandbox.tokenFile())))
        .isEqualTo("rw-------");
    try (BrokerClient tcp = BrokerClient.overTcp(broker.tcpAddress(), token, false, timeout());
        BrokerClient anonymous = BrokerClient.overTcp(broker.tcpAddress(), null, false, timeout());
        BrokerClient wrong =
            BrokerClient.overTcp(broker.tcpAddress(), token + "x", false, timeout())) {
      assertThat(tcp.health().pid()).isEqualTo(broker.pid());
      assertUnauthorized(anonymous.send("GET", "/v1/health", Map.of(), null));
      assertUnauthorized(wrong.send("GET", "/v1/health", Map.of(), null));
    }
    if (!onPath("curl")) {
      return;
    }
    Processes.Result curl =
        Processes.run(
            null,
            Map.of(),
            List.of(
                "curl",
                "-sS",
                "-H",
                "Authorization: Bearer " + token,
                "http://127.0.0.1:" + broker.tcpPort() + "/v1/health"));
    assertThat(curl.exitCode()).as("curl: %s", curl.stderr()).isZero();
    assertThat(json(curl.stdout()).path("pid").asLong()).isEqualTo(broker.pid());
  }

  @Test
  void socketIsOwnerOnlyInsideAnOwnerOnlyDirectory() throws IOException {
    BrokerProcess broker = start();

    assertThat(broker.socket()).isEqualTo(sandbox.socket());
    assertThat(permissions(sandbox.socket())).isEqualTo("rw-------");
    assertThat(permissions(sandbox.socket().getParent())).isEqualTo("rwx------");
    assertThat(permissions(sandbox.dataDir())).isEqualTo("rwx------");
  }

  /** A broker; without arguments one whose focus timer stays idle (its line is the fleet's). */
  private BrokerProcess start(String... args) {
    BrokerProcess broker =
        sandbox.start(
            args.length > 0
                ? args
                : new String[] {"--config", sandbox.writeConfig("baton.yaml", "").toString()});
    brokers.add(broker);
    return broker;
  }

  private Processes.Result run(int expectedExit, String... args) {
    return sandbox.expect(expectedExit, args);
  }

  private static Processes.Result assertExit(Processes.Result r, int expected, String what) {
    return BrokerSandbox.assertExit(r, expected, what);
  }

  private String register(String role, Path workspace) {
    return run(0, "register", "--role", role, "--workspace", workspace.toString()).stdout().strip();
  }

  private JsonNode onlyInstance() {
    JsonNode list = json(run(0, "instances", "--json").stdout());
    assertThat(list.path("count").asInt()).as("instances: %s", list).isEqualTo(1);
    return list.path("instances").get(0);
  }

  private List<String> listedIds(String... filter) {
    List<String> args = new ArrayList<>(List.of("instances", "--json"));
    args.addAll(List.of(filter));
    return ids(json(run(0, args.toArray(String[]::new)).stdout()).path("instances"));
  }

  private static List<String> ids(JsonNode instances) {
    return StreamSupport.stream(instances.spliterator(), false)
        .map(i -> i.path("id").asString())
        .toList();
  }

  private static String row(List<String> table, String id) {
    return table.stream()
        .filter(line -> line.startsWith(id + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + id + " in " + table));
  }

  /** {@code 1a2b} for {@code cli-1a2b3c4d}, as the tmux line shows it. */
  private static String shortId(String id) {
    return id.substring(id.lastIndexOf('-') + 1, id.lastIndexOf('-') + 5);
  }

  private static void assertUnauthorized(HttpResponse response) {
    assertThat(response.status()).isEqualTo(401);
    JsonNode error = json(response.bodyText()).path("error");
    assertThat(error.path("code").asString()).isEqualTo("unauthorized");
    assertThat(error.path("message").asString()).contains("baton token");
  }

  private static boolean onPath(String command) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, command)));
  }

  private static String permissions(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private static Duration timeout() {
    return Duration.ofSeconds(10);
  }

  private static JsonNode json(String text) {
    return Json.MAPPER.readTree(text);
  }
}
