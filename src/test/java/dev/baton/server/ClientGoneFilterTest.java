package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The logback configuration baton ships (logback.xml on the class path) with its filter. */
class ClientGoneFilterTest {
  private final Logger sdk =
      (Logger) LoggerFactory.getLogger("io.modelcontextprotocol.spec.McpTransport");
  private final ListAppender<ILoggingEvent> seen = new ListAppender<>();
  private Level before;

  @BeforeEach
  void attach() {
    before = sdk.getLevel();
    seen.start();
    sdk.addAppender(seen);
  }

  @AfterEach
  void detach() {
    sdk.detachAppender(seen);
    sdk.setLevel(before);
  }

  @Test
  void aClientThatHungUpIsNotLoggedAsAnErrorButOtherSdkErrorsAre() {
    sdk.error("Failed to send message to session {}: {}", "59c8eaa3", "Client disconnected");
    sdk.warn("Keep-alive ping to session {} failed: {}", "s", "Failed to send message");
    sdk.error("Failed to send error response: {}", "broken pipe");

    assertThat(seen.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("Failed to send error response: broken pipe");
  }

  @Test
  void atDebugTheSdksReportOfAGoneClientIsKept() {
    sdk.setLevel(Level.DEBUG);
    sdk.error("Failed to send message to session {}: {}", "59c8eaa3", "Client disconnected");

    assertThat(seen.list).hasSize(1);
  }
}
