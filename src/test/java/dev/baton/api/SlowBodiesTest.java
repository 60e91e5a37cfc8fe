package dev.baton.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.HttpResponse;
import dev.baton.server.Broker;
import dev.baton.testing.GitRepos;
import dev.baton.testing.TestBroker;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send a request body one byte at a time must not use up the broker's threads: an
 * attack with more such connections than the broker has threads once froze it, so that the hooks
 * timed out and let edits through unchecked (issue 12, G).
 */
class SlowBodiesTest {
  private static final int CONNECTIONS = 230; // more than the broker's 200 threads
  private static final Duration ATTACK = Duration.ofSeconds(30);

  @TempDir Path dir;
  private Broker broker;
  private final List<SocketChannel> slow = new ArrayList<>();

  @AfterEach
  void stop() {
    for (SocketChannel c : slow) {
      try {
        c.close();
      } catch (IOException e) {
        // gone already
      }
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void healthAndTheHookRouteAnswerWhileManyClientsTrickleTheirBodies() throws Exception {
    broker = TestBroker.start(dir, "sqlite", null);
    Path repo = GitRepos.create(dir.resolve("repo"));
    byte[] head =
        ("POST /v1/instances HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000\r\n\r\n{")
            .getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < CONNECTIONS; i++) {
      SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(broker.socket()));
      c.write(ByteBuffer.wrap(head));
      slow.add(c);
    }
    long end = System.nanoTime() + ATTACK.toNanos();
    int closedByBroker = 0;
    HttpResponse health = null;
    HttpResponse hook = null;
    try (BrokerClient client =
        BrokerClient.overUnixSocket(broker.socket(), false, Duration.ofSeconds(15))) {
      while (System.nanoTime() < end && (health == null || closedByBroker < CONNECTIONS)) {
        Thread.sleep(2000);
        closedByBroker = trickle();
        if (health == null) {
          health = client.send("GET", "/v1/health", Map.of(), null);
          hook =
              client.send(
                  "POST",
                  "/v1/hooks/claude/PreToolUse",
                  Map.of("Content-Type", "application/json"),
                  Json.MAPPER.writeValueAsBytes(
                      Map.of(
                          "session_id", "5e551011-0000-4000-8000-00000000beef",
                          "cwd", repo.toString(),
                          "hook_event_name", "PreToolUse",
                          "tool_name", "Edit",
                          "tool_input", Map.of("file_path", repo.resolve("a.txt").toString()))));
        }
      }
    }

    assertThat(health).as("an answer to GET /v1/health during the attack").isNotNull();
    assertThat(health.status()).as(health.bodyText()).isEqualTo(200);
    assertThat(hook.status()).as(hook.bodyText()).isEqualTo(200);
    assertThat(closedByBroker)
        .as("slow connections the broker closed within %s", ATTACK)
        .isEqualTo(CONNECTIONS);
  }

  /** Sends one more body byte on each slow connection; counts those the broker has closed. */
  private int trickle() {
    int closed = 0;
    for (SocketChannel c : slow) {
      try {
        c.write(ByteBuffer.wrap(new byte[] {' '}));
      } catch (IOException e) {
        closed++;
      }
    }
    return closed;
  }

  /** A chunked body (no Content-Length) is held to the same limit, on the API and on MCP. */
  @Test
  void aChunkedBodyOverTheLimitIsRefusedOnTheApiAndOnMcp() throws Exception {
    broker = TestBroker.start(dir, "sqlite", "server:\n  max-body: 64KiB\n");
    for (String path : List.of("/v1/instances", "/mcp/developer")) {
      try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(broker.socket()))) {
        c.write(
            ByteBuffer.wrap(
                ("POST "
                        + path
                        + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Accept: application/json, text/event-stream\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
        byte[] chunk = new byte[16 * 1024];
        java.util.Arrays.fill(chunk, (byte) ' ');
        try {
          for (int i = 0; i < 16; i++) { // 256 KiB in all
            c.write(ByteBuffer.wrap(("4000\r\n").getBytes(StandardCharsets.US_ASCII)));
            c.write(ByteBuffer.wrap(chunk));
            c.write(ByteBuffer.wrap("\r\n".getBytes(StandardCharsets.US_ASCII)));
          }
        } catch (IOException e) {
          // the broker answered and closed before the body ended
        }
        String answer = answer(c);
        assertThat(answer)
            .as(path)
            .startsWith("HTTP/1.1 413")
            .contains("request body exceeds the limit of 65536 bytes (server.max-body)");
      }
    }
  }

  /**
   * What the broker wrote before it closed. It closes with the rest of the body unread, which a
   * Unix socket reports as a reset once the answer has been read: the reset ends the answer.
   */
  private static String answer(SocketChannel c) throws IOException {
    java.io.InputStream in = java.nio.channels.Channels.newInputStream(c);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      if (out.size() == 0) {
        throw e;
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
