package dev.baton.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.FocusBody;
import dev.baton.api.client.BrokerClient;
import java.util.List;

/** The person's break as the real agent clients' tests set it up and look for it. */
public final class Breaks {
  private Breaks() {}

  /** A block, then a break of 5 minutes now. */
  public static void takeOne(BrokerClient broker) {
    broker.focus(new FocusBody("start", "20m"));
    broker.focus(new FocusBody("break", "5m"));
  }

  /** One of the texts a client sent its model carries baton's break context. */
  public static void assertTheModelWasTold(List<String> texts, String how) {
    assertThat(texts)
        .as("what the client sent the model after baton's %s hook", how)
        .anySatisfy(
            t ->
                assertThat(t)
                    .containsPattern("the person is on a break until \\d\\d:\\d\\d")
                    .contains("do not ask questions until then"));
  }
}
