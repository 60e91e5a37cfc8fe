package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.client.BrokerClient;
import dev.baton.server.Broker;
import dev.baton.testing.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton focus} in this JVM against a real broker (SQLite): start, status, snooze up to the
 * limit, break, stop; bad durations and a third snooze exit non-zero with the broker's reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FocusCommandTest {
  @TempDir static Path dir;
  private Broker broker;

  @BeforeAll
  void startBroker() {
    broker = TestBroker.start(dir.resolve("broker"), "sqlite", "focus:\n  auto: off\n");
  }

  @AfterAll
  void stopBroker() {
    broker.close();
  }

  private record Run(int exit, String out, String err) {}

  private Run focus(String... words) {
    List<String> args = new ArrayList<>(List.of("focus"));
    args.addAll(List.of(words));
    args.addAll(List.of("--socket", broker.socket().toString()));
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int exit = Main.run(args.toArray(String[]::new));
      return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void aBlockABreakAndTheSnoozeLimitFromTheCommandLine() {
    assertThat(focus("stop").exit()).isZero();
    assertThat(focus("status").out()).startsWith("idle");

    Run start = focus("start", "30m");
    assertThat(start.exit()).isZero();
    assertThat(start.out()).startsWith("working, block 1, until ").contains("(break in ");

    assertThat(focus("snooze").out()).contains("snoozes left: 1");
    assertThat(focus("snooze", "5m").out()).contains("snoozes left: 0");
    Run third = focus("snooze");
    assertThat(third.exit()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(third.err()).contains("focus.max-snoozes 2");

    Run onBreak = focus("break", "5m");
    assertThat(onBreak.out()).startsWith("break until ");
    try (BrokerClient c =
        BrokerClient.overUnixSocket(broker.socket(), true, BrokerClient.DEFAULT_TIMEOUT)) {
      assertThat(c.focus().mode()).isEqualTo("break");
    }
    assertThat(focus("stop").out()).startsWith("idle");
  }

  @Test
  void aDurationThatDoesNotParseIsRefusedNamingIt() {
    Run bad = focus("start", "soon");
    assertThat(bad.exit()).isEqualTo(ExitCodes.ERROR);
    assertThat(bad.err()).contains("'soon' is not a duration");
    assertThat(focus("status").out()).startsWith("idle");
  }
}
