package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.api.HealthJson;
import dev.baton.api.client.BrokerClient;
import dev.baton.testing.Processes;
import dev.baton.testing.SystemdAnalyze;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton service install} through the real launcher, into a temporary {@code
 * XDG_CONFIG_HOME}: the unit it writes, checked by systemd where systemd-analyze is installed, and
 * its {@code ExecStart} run the way systemd runs it, without the shell's environment.
 */
class ServiceIT {
  @TempDir Path tmp;

  private BrokerSandbox sandbox;
  private Path config;
  private Path unit;
  private Processes.Result installed;

  @BeforeEach
  void install() {
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    // No TCP port: the broker the unit starts must not meet another on 127.0.0.1:8090.
    config = sandbox.writeConfig("baton.yaml", "server:\n  tcp: off\n");
    Path xdg = tmp.resolve("xdg");
    installed =
        BrokerSandbox.assertExit(
            sandbox.cli(
                Map.of("XDG_CONFIG_HOME", xdg.toString()),
                "service",
                "install",
                "--config",
                config.toString()),
            0,
            "baton service install");
    unit = xdg.resolve("systemd/user/baton.service");
  }

  @Test
  void theUnitRunsThisJarWithTheBrokersSocketDataDirectoryAndConfigurationAndRestartsOnFailure()
      throws IOException {
    String text = Files.readString(unit);
    List<String> command = execStart(text);

    assertThat(Path.of(command.get(0))).isAbsolute().isExecutable();
    assertThat(command.subList(1, command.size()))
        .containsSubsequence(
            "-jar",
            BrokerSandbox.jar().toString(),
            "serve",
            "--socket",
            sandbox.socket().toString(),
            "--data-dir",
            sandbox.dataDir().toString(),
            "--config",
            config.toString());
    assertThat(text.lines())
        .contains("Restart=on-failure", "RestartSec=2s", "WantedBy=default.target");
    assertThat(installed.stdout())
        .contains("wrote " + unit)
        .contains("systemctl --user daemon-reload && systemctl --user enable --now baton")
        .contains("loginctl enable-linger ");
  }

  @Test
  void systemdAcceptsTheUnit() {
    Processes.Result verified = SystemdAnalyze.verify(unit, tmp);

    assertThat(verified.exitCode()).as("systemd-analyze verify: %s", verified.stderr()).isZero();
    assertThat(verified.stderr() + verified.stdout()).isEmpty();
  }

  @Test
  void theUnitsCommandStartsTheBrokerWithNothingFromTheShell() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(execStart(Files.readString(unit)));
    pb.environment().clear();
    pb.environment().put("HOME", sandbox.home().toString());
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.redirectErrorStream(true).redirectOutput(tmp.resolve("serve.log").toFile());
    Process broker = pb.start();
    try (BrokerClient client =
        BrokerClient.overUnixSocket(sandbox.socket(), false, Duration.ofSeconds(5))) {
      AtomicReference<HealthJson> health = new AtomicReference<>();
      await("the broker started by the unit's ExecStart to answer on " + sandbox.socket())
          .atMost(Duration.ofSeconds(60))
          .failFast(
              () ->
                  assertThat(broker.isAlive())
                      .as("broker alive; its log:\n%s", Files.readString(tmp.resolve("serve.log")))
                      .isTrue())
          .ignoreExceptions()
          .until(
              () -> {
                health.set(client.health());
                return true;
              });

      assertThat(health.get().pid()).isEqualTo(broker.pid());
      assertThat(health.get().storeLocation())
          .isEqualTo("sqlite:" + sandbox.dataDir().resolve("baton.db"));
      assertThat(health.get().tcp()).isNull();
    } finally {
      broker.destroy();
      if (!broker.waitFor(30, TimeUnit.SECONDS)) {
        broker.destroyForcibly();
      }
    }
  }

  /** ExecStart's words (the test's paths need no quoting). */
  private static List<String> execStart(String unitText) {
    String line =
        unitText
            .lines()
            .filter(l -> l.startsWith("ExecStart="))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no ExecStart in\n" + unitText));
    assertThat(line).doesNotContain("\"");
    return List.of(line.substring("ExecStart=".length()).split(" "));
  }
}
