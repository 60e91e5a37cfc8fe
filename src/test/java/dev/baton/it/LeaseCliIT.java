package dev.baton.it;

import static dev.baton.it.BrokerSandbox.assertExit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.api.AcquireBody;
import dev.baton.api.Json;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.testing.GitRepos;
import dev.baton.testing.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The lease commands through the real launcher against a real broker process, as two agents and a
 * person use them: paths relative to the current directory, the instance from {@code
 * BATON_INSTANCE}, exit 3 on a conflict with one line per holder.
 */
class LeaseCliIT {
  private static final String CONFIG = "registry:\n  instance-ttl: 10m\n";

  @TempDir Path tmp;

  private final List<BrokerProcess> brokers = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private BrokerSandbox sandbox;
  private BrokerProcess broker;
  private Path repo;
  private String a;
  private String b;

  @BeforeEach
  void startBrokerAndRegister() {
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    repo = GitRepos.create(tmp.resolve("repo"));
    broker = sandbox.start("--config", sandbox.writeConfig("baton.yaml", CONFIG).toString());
    brokers.add(broker);
    try (BrokerClient client = broker.unixClient()) {
      a =
          client
              .register(new RegisterBody("developer", repo.toString(), null, "claude"))
              .instance()
              .id();
      b =
          client
              .register(new RegisterBody("research", repo.toString(), null, "claude"))
              .instance()
              .id();
    }
  }

  @AfterEach
  void stopEverything() {
    processes.forEach(Process::destroyForcibly);
    brokers.forEach(BrokerProcess::close);
  }

  /** {@code baton ARGS} in {@code dir} as {@code instance} (null: no BATON_INSTANCE). */
  private Processes.Result as(String instance, Path dir, String... args) {
    return sandbox.cliIn(
        dir, instance == null ? Map.of() : Map.of("BATON_INSTANCE", instance), args);
  }

  private Processes.Result as(String instance, Path dir, int exit, String... args) {
    return assertExit(as(instance, dir, args), exit, "baton " + String.join(" ", args));
  }

  @Test
  void twoAgentsAndAPersonShareFilesThroughTheLeaseCommands() {
    Path src = repo.resolve("src");

    String granted =
        as(a, src, 0, "lease", "acquire", "app.py", "../docs/**", "--reason", "refactor auth")
            .stdout();
    Processes.Result conflict = as(b, repo, 3, "lease", "acquire", "src/**", "--shared");
    String who = as(null, src, 0, "who", "app.py", "../docs/guide.md", "../README").stdout();
    JsonNode list = Json.MAPPER.readTree(as(null, repo, 0, "lease", "list", "--json").stdout());
    String renewed = as(a, repo, 0, "lease", "renew", "src/app.py", "--ttl", "1h").stdout();
    Processes.Result notTheHolder = as(b, repo, "lease", "release", "src/app.py");
    String forced = as(null, repo, 0, "lease", "release", "--force", "src/app.py").stdout();
    String after = as(b, repo, 0, "lease", "acquire", "src/**", "--shared").stdout();

    assertThat(granted.lines().toList())
        .hasSize(2)
        .anySatisfy(
            l ->
                assertThat(l)
                    .matches(
                        "L\\d+  src/app\\.py  exclusive  "
                            + a
                            + " \\(developer\\)  'refactor auth'  token \\d+  expires in 9m 5\\ds"))
        .anySatisfy(l -> assertThat(l).contains("  docs/**  exclusive  " + a));
    assertThat(conflict.stderr())
        .startsWith("baton: lease on src/** not granted:")
        .containsPattern(
            "\n  src/app.py held exclusively by "
                + a
                + " \\(developer, 'refactor auth'\\) since \\d\\d:\\d\\d:\\d\\d, expires in \\d+ s \\(L\\d+\\)");
    assertThat(who)
        .contains("src/app.py:\n  L")
        .contains("docs/guide.md:\n  L")
        .contains("README: free");
    assertThat(list.path("count").asInt()).isEqualTo(2);
    assertThat(renewed).contains("src/app.py").contains("expires in 1h 0m");
    assertThat(notTheHolder.exitCode()).as(notTheHolder.stderr()).isNotZero();
    assertThat(notTheHolder.stderr()).contains(b).contains("src/app.py");
    assertThat(forced).containsPattern("released L\\d+ on src/app.py \\(held by " + a + "\\)");
    assertThat(after).contains("src/**  shared  " + b);
  }

  @Test
  void aWaitingAcquireIsGrantedWhenTheHolderReleasesByPath() throws Exception {
    as(a, repo, 0, "lease", "acquire", "src/app.py");
    Process waiting = start(b, "lease", "acquire", "src/app.py", "--wait", "60s");
    try (BrokerClient client = broker.unixClient()) {
      String probe =
          client.register(new RegisterBody("ops", repo.toString(), null, null)).instance().id();
      await("the CLI waits for src/app.py")
          .atMost(Duration.ofSeconds(60))
          .until(() -> waitingFor(client, probe) == 1);
    }

    as(a, repo.resolve("src"), 0, "lease", "release", "app.py");

    assertThat(waiting.waitFor(30, TimeUnit.SECONDS)).as("the waiting CLI finished").isTrue();
    String out = new String(waiting.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(waiting.exitValue()).as(out).isZero();
    assertThat(out).contains("src/app.py  exclusive  " + b);
  }

  @Test
  void withoutAnInstanceTheLeaseCommandsSayHowToNameOne() {
    Processes.Result r = as(null, repo, 2, "lease", "acquire", "src/app.py");

    assertThat(r.stderr()).contains("--instance ID").contains("BATON_INSTANCE");
  }

  @Test
  void anUnknownInstanceIsAnErrorAndAPathOutsideTheWorkspaceIsRefused() {
    Processes.Result ghost = as("ghost-1", repo, "lease", "acquire", "src/app.py");
    Processes.Result outside = as(a, repo, "lease", "acquire", "../elsewhere.txt");

    assertThat(ghost.exitCode()).isEqualTo(1);
    assertThat(ghost.stderr()).contains("instance ghost-1 is not registered");
    assertThat(outside.exitCode()).isEqualTo(1);
    assertThat(outside.stderr()).contains("is outside the workspace " + repo);
  }

  @Test
  void whenTheBrokerIsDownTheLeaseCommandsExitWith4() {
    broker.close();

    Processes.Result r = as(a, repo, 4, "lease", "acquire", "src/app.py");
    Processes.Result who = as(null, repo, 4, "who", "src/app.py");

    assertThat(r.stderr()).contains("not running");
    assertThat(who.stderr()).contains("not running");
  }

  private static int waitingFor(BrokerClient client, String prober) {
    HttpResponse r =
        client.send(
            "POST",
            "/v1/leases",
            Map.of(),
            Json.MAPPER.writeValueAsBytes(
                new AcquireBody(prober, "src/app.py", null, null, null, null, null, null)));
    return r.status() == 409
        ? Json.MAPPER.readTree(r.body()).path("error").path("waiting").size()
        : -1;
  }

  private Process start(String instance, String... args) throws IOException {
    ProcessBuilder pb = sandbox.processBuilder(List.of(args)).directory(repo.toFile());
    pb.environment().put("BATON_INSTANCE", instance);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    p.getOutputStream().close();
    processes.add(p);
    return p;
  }
}
