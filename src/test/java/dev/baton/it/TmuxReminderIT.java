package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.baton.api.client.BrokerClient;
import dev.baton.testing.GitRepos;
import dev.baton.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A break reminder in a real tmux server ({@code tmux -L} of the test's own): {@code baton up}
 * registers its session with the broker it started, a client attached through a pseudo-terminal
 * ({@code script}) is shown the break, and a session whose server has gone is forgotten.
 */
class TmuxReminderIT {
  private static final Pattern PID = Pattern.compile("running \\(pid (\\d+)");

  @TempDir Path tmp;

  private final String tmuxSocket = "baton-rm-" + UUID.randomUUID().toString().substring(0, 8);
  private BrokerSandbox sandbox;
  private Path repo;
  private Process attached;

  @BeforeEach
  void setUp() throws IOException {
    assumeThat(Files.isExecutable(Path.of("/usr/bin/script")))
        .as("script(1) gives the tmux client a terminal")
        .isTrue();
    sandbox =
        BrokerSandbox.in(tmp.resolve("b"))
            .withEnv("TMUX", null)
            .withEnv("BATON_TMUX_SOCKET", tmuxSocket);
    Path config = sandbox.writeConfig("baton.yaml", "focus:\n  auto: off\n  notify: [tmux]\n");
    sandbox = sandbox.withEnv("BATON_CONFIG", config.toString());
    repo = GitRepos.create(tmp.resolve("repo"));
  }

  @AfterEach
  void tearDown() {
    if (attached != null) {
      attached.destroyForcibly();
    }
    tmux("kill-server");
    if (sandbox == null) {
      return;
    }
    Matcher m = PID.matcher(sandbox.cli("status").stdout());
    if (m.find()) {
      ProcessHandle.of(Long.parseLong(m.group(1)))
          .ifPresent(
              h -> {
                h.destroy();
                h.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
              });
    }
  }

  private Processes.Result tmux(String... args) {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", tmuxSocket));
    command.addAll(List.of(args));
    return Processes.run(tmp, Map.of(), command);
  }

  private BrokerClient client() {
    return BrokerClient.overUnixSocket(sandbox.socket(), false, Duration.ofSeconds(10));
  }

  private JsonNode sessions() {
    try (BrokerClient c = client()) {
      return c.call("GET", "/v1/fleet/sessions", null, JsonNode.class).path("sessions");
    }
  }

  private void aBreak() {
    BrokerSandbox.assertExit(sandbox.cliIn(repo, Map.of(), "focus", "start"), 0, "focus start");
    BrokerSandbox.assertExit(
        sandbox.cliIn(repo, Map.of(), "focus", "break", "1m"), 0, "focus break");
  }

  @Test
  void theFleetSessionIsShownTheBreakAndForgottenOnceItsServerIsGone() throws Exception {
    BrokerSandbox.assertExit(
        sandbox.cliIn(
            repo, Map.of(), "up", "--roles", "developer", "--agent", "shell", "--no-attach"),
        0,
        "up");
    String socket =
        tmux("display-message", "-p", "-t", "=baton-repo:", "#{socket_path}").stdout().strip();
    assertThat(sessions()).hasSize(1);
    assertThat(sessions().get(0).path("socket").asString()).isEqualTo(socket);
    assertThat(sessions().get(0).path("session").asString()).isEqualTo("baton-repo");

    attached =
        new ProcessBuilder(
                "script", "-qfc", "tmux -L " + tmuxSocket + " attach -t =baton-repo", "/dev/null")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectErrorStream(true)
            .start(); // its input stays open: the client stays attached
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> tmux("list-clients").stdout().contains("baton-repo"));

    aBreak();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                tmux("show-messages")
                    .stdout()
                    .lines()
                    .anyMatch(l -> l.contains(" message: baton: time for a break: Break until ")));
    try (BrokerClient c = client()) {
      JsonNode checkpoints = c.call("GET", "/v1/checkpoints", null, JsonNode.class);
      assertThat(checkpoints.path("checkpoints"))
          .anySatisfy(cp -> assertThat(cp.path("reason").asString()).isEqualTo("break"));
    }

    attached.destroyForcibly();
    tmux("kill-server");
    aBreak();
    await().atMost(Duration.ofSeconds(10)).until(() -> sessions().isEmpty());
  }
}
