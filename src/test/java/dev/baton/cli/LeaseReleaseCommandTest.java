package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.AcquireBody;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.server.Broker;
import dev.baton.testing.GitRepos;
import dev.baton.testing.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton lease release} in this JVM against a real broker (SQLite): an empty argument, what
 * an unset shell variable gives, is a usage error and releases nothing, instead of naming the
 * current directory and every lease beneath it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeaseReleaseCommandTest {
  @TempDir static Path dir;
  private Broker broker;
  private BrokerClient client;
  private String instance;
  private String leaseId;

  @BeforeAll
  void startBrokerAndLease() {
    broker = TestBroker.start(dir.resolve("broker"), "sqlite", "registry:\n  instance-ttl: 10m\n");
    client = BrokerClient.overUnixSocket(broker.socket(), true, BrokerClient.DEFAULT_TIMEOUT);
    Path repo = GitRepos.create(dir.resolve("repo"));
    instance =
        client
            .register(new RegisterBody("developer", repo.toString(), null, "claude"))
            .instance()
            .id();
    leaseId =
        client
            .acquire(
                new AcquireBody(instance, null, List.of("src/a.py"), null, null, null, null, null))
            .leases()
            .get(0)
            .id();
  }

  @AfterAll
  void stopBroker() {
    client.close();
    broker.close();
  }

  @Test
  void anEmptyTargetIsAUsageErrorAndReleasesNothing() {
    String err = runExpecting(ExitCodes.USAGE, "");

    assertThat(err).contains("an empty ID|PATH was given");
    assertThat(client.leases(null, instance).leases()).hasSize(1);
  }

  @Test
  void anEmptyTargetBesideAnIdReleasesNeitherOfThem() {
    runExpecting(ExitCodes.USAGE, leaseId, " ");

    assertThat(client.leases(null, instance).leases()).hasSize(1);
  }

  /** Runs {@code baton lease release --socket S --instance I TARGETS}; returns its stderr. */
  private String runExpecting(int exitCode, String... targets) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "lease",
                "release",
                "--socket",
                broker.socket().toString(),
                "--instance",
                instance));
    args.addAll(List.of(targets));
    PrintStream before = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      assertThat(Main.run(args.toArray(String[]::new)))
          .as("exit code of baton %s", args)
          .isEqualTo(exitCode);
    } finally {
      System.setErr(before);
    }
    return err.toString(StandardCharsets.UTF_8);
  }
}
