package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.HandoffRoutes;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.server.Broker;
import dev.baton.testing.GitRepos;
import dev.baton.testing.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code baton inbox --human} in this JVM against a real broker: the person's own messages. */
class InboxHumanCommandTest {
  @TempDir Path dir;
  private Broker broker;

  @BeforeEach
  void startBroker() {
    broker =
        TestBroker.start(dir.resolve("broker"), "sqlite", "focus:\n  auto: off\n  notify: off\n");
  }

  @AfterEach
  void stopBroker() {
    broker.close();
  }

  private record Run(int exit, String out, String err) {}

  private Run baton(String... words) {
    List<String> args = new ArrayList<>(List.of(words));
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
  void thePersonReadsTheMessagesAgentsSentToHuman() {
    assertThat(baton("inbox", "--human").out()).isEqualTo("no messages for human\n");
    Path repo = GitRepos.create(dir.resolve("repo"));
    try (BrokerClient c =
        BrokerClient.overUnixSocket(broker.socket(), true, BrokerClient.DEFAULT_TIMEOUT)) {
      c.register(new RegisterBody("developer", repo.toString(), "claude-1a2b3c4d", "claude"));
      c.call(
          "POST",
          "/v1/messages",
          new HandoffRoutes.MessageBody(
              "claude-1a2b3c4d", null, "human", "tests are green, may I land?", "low", false),
          JsonNode.class);
    }

    Run inbox = baton("inbox", "--human");
    assertThat(inbox.exit()).isZero();
    assertThat(inbox.out())
        .matches(
            "(?s)#\\d+ \\S+ from claude-1a2b3c4d \\(low, unread\\): tests are green, may I land\\?\n");
    assertThat(baton("inbox", "human").out()).isEqualTo(inbox.out());

    Run both = baton("inbox", "claude-1a2b3c4d", "--human");
    assertThat(both.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err()).contains("give an instance ID or --human, not both");
    Run neither = baton("inbox");
    assertThat(neither.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(neither.err()).contains("whose inbox? give an instance ID, or --human for yours");
  }
}
