package dev.baton.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.api.InstanceJson;
import dev.baton.api.Json;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.BrokerUnreachableException;
import dev.baton.api.client.EventStreamReader;
import dev.baton.testing.GitRepos;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM: the broker stops accepting, finishes what is in flight, ends event streams, closes the
 * store, removes its socket and releases the data directory, so that the next broker starts clean
 * and finds every acknowledged registration.
 */
class ShutdownIT {
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);

  /** Time for the JVM to start its shutdown hook and exit, on top of the shutdown timeout. */
  private static final Duration EXIT_MARGIN = Duration.ofSeconds(15);

  /** SIGTERM comes once the broker answered this many requests of the load. */
  private static final int SIGTERM_AFTER = 150;

  @TempDir Path tmp;

  private final List<BrokerProcess> brokers = new ArrayList<>();
  private BrokerSandbox sandbox;
  private Path repo;

  @BeforeEach
  void createSandbox() {
    sandbox = BrokerSandbox.in(tmp.resolve("b"));
    repo = GitRepos.create(tmp.resolve("repo"));
  }

  @AfterEach
  void stopBrokers() {
    brokers.forEach(BrokerProcess::close);
  }

  @Test
  void sigtermDuringLoadAnswersEveryRequestCompletelyOrNotAtAll() throws Exception {
    BrokerProcess broker = start(SHUTDOWN_TIMEOUT);
    RequestLoad load = new RequestLoad(broker.socket(), registerBody(), SIGTERM_AFTER);

    load.start();
    load.awaitAnswers();
    load.markTerminated();
    broker.sigterm();
    int exit = broker.waitFor(SHUTDOWN_TIMEOUT.plus(EXIT_MARGIN));
    load.finish();

    assertThat(load.truncated()).as("answers cut off; %s", load.summary()).isEmpty();
    assertThat(load.unexpected()).as("unexpected outcomes; %s", load.summary()).isEmpty();
    assertThat(load.acknowledged()).as("registrations; %s", load.summary()).isNotEmpty();
    assertThat(exit).as("exit code after SIGTERM; %s", broker).isIn(0, 143);
    assertStoppedCleanly(broker);
    assertRestartFinds(load.acknowledged());
  }

  @Test
  void sigtermWaitsForARequestWhoseBodyIsStillArrivingAndRefusesNewConnections() throws Exception {
    BrokerProcess broker = start(SHUTDOWN_TIMEOUT);
    byte[] body = registerBody().getBytes(StandardCharsets.UTF_8);

    try (SocketChannel slow = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      RawHttp.closeAfter(slow, Duration.ofSeconds(90));
      slow.connect(UnixDomainSocketAddress.of(broker.socket()));
      write(
          slow,
          "POST /v1/instances HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
              + "Content-Length: "
              + body.length
              + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
      // 100 Continue comes when the route starts reading the body: the request is in flight.
      assertThat(readHead(slow)).startsWith("HTTP/1.1 100");

      broker.sigterm();
      await("the broker starts shutting down")
          .atMost(Duration.ofSeconds(30))
          .until(() -> broker.stderr().contains("shutting down"));
      await("new connections are refused while a request is in flight")
          .atMost(Duration.ofSeconds(30))
          .until(() -> !connects(broker.socket()));
      assertThat(broker.isAlive()).as("the broker waits for the request in flight").isTrue();
      write(slow, new String(body, StandardCharsets.UTF_8));
      ByteArrayOutputStream rest = new ByteArrayOutputStream();
      RawHttp.readUntilClosed(slow, rest);

      RawHttp.Outcome outcome = RawHttp.parse(rest.toByteArray(), null);
      assertThat(outcome).isInstanceOf(RawHttp.Answer.class);
      RawHttp.Answer answer = (RawHttp.Answer) outcome;
      assertThat(answer.status()).as("answer: %s", answer.body()).isEqualTo(201);
      String id = Json.MAPPER.readTree(answer.body()).path("instance").path("id").asString();

      assertThat(broker.waitFor(SHUTDOWN_TIMEOUT.plus(EXIT_MARGIN))).isIn(0, 143);
      assertStoppedCleanly(broker);
      assertRestartFinds(Set.of(id));
    }
  }

  @Test
  void sigtermEndsOpenEventStreamsCleanlyAndWithoutWaitingForTheShutdownTimeout() throws Exception {
    Duration longTimeout = Duration.ofSeconds(120);
    BrokerProcess broker = start(longTimeout);
    RawEventStream raw = RawEventStream.open(broker.socket());
    try (BrokerClient client = broker.unixClient();
        EventStreamReader events = client.events(null)) {
      assertThat(events.status()).isEqualTo(200);
      await("the raw stream is connected")
          .atMost(Duration.ofSeconds(30))
          .until(() -> raw.text().contains(": connected"));
      String id =
          client
              .register(new RegisterBody("developer", repo.toString(), null, "it"))
              .instance()
              .id();
      EventStreamReader.ServerSentEvent registered =
          CompletableFuture.supplyAsync(() -> next(events)).get(30, TimeUnit.SECONDS);
      assertThat(registered.event()).isEqualTo("instance.registered");
      assertThat(registered.data()).contains(id);

      broker.sigterm();
      CompletableFuture<List<String>> rest = CompletableFuture.supplyAsync(() -> drain(events));

      broker.waitFor(Duration.ofSeconds(15));
      assertThat(rest.get(15, TimeUnit.SECONDS))
          .as("events after SIGTERM")
          .allMatch(type -> type.startsWith("broker."));
      RawHttp.Outcome end = raw.end().get(15, TimeUnit.SECONDS);
      assertThat(end).as("the raw stream's end").isInstanceOf(RawHttp.Answer.class);
      assertThat(((RawHttp.Answer) end).body()).contains("event: instance.registered", id);
    } finally {
      raw.close();
    }
    assertStoppedCleanly(broker);
  }

  @Test
  void sigtermIsNotHeldUpByAnIdleKeepAliveConnection() {
    BrokerProcess broker = start(Duration.ofSeconds(120));
    try (BrokerClient idle = broker.unixClient()) {
      assertThat(idle.health().pid()).isEqualTo(broker.pid());

      broker.sigterm();

      broker.waitFor(Duration.ofSeconds(15));
      assertStoppedCleanly(broker);
      assertThatThrownBy(idle::health)
          .isInstanceOf(BrokerUnreachableException.class)
          .hasMessageContaining("not running");
    }
  }

  private BrokerProcess start(Duration shutdownTimeout) {
    Path config =
        sandbox.writeConfig(
            "baton.yaml",
            "registry: {instance-ttl: 10m}\nserver: {shutdown-timeout: "
                + shutdownTimeout.toSeconds()
                + "s}\n");
    BrokerProcess broker = sandbox.start("--config", config.toString());
    brokers.add(broker);
    return broker;
  }

  private String registerBody() {
    return Json.MAPPER.writeValueAsString(
        new RegisterBody("developer", repo.toString(), null, "it"));
  }

  private void assertStoppedCleanly(BrokerProcess broker) {
    assertThat(broker.isAlive()).isFalse();
    assertThat(sandbox.socket()).as("socket after SIGTERM").doesNotExist();
    assertThat(broker.stderr()).contains("baton stopped").doesNotContain(" ERROR ");
  }

  /** A new broker on the same data directory and socket starts clean and has every id. */
  private void assertRestartFinds(Set<String> acknowledged) {
    Path config = sandbox.root().resolve("baton.yaml");
    BrokerProcess next = sandbox.start("--config", config.toString());
    brokers.add(next);
    assertThat(next.stderr()).doesNotContain("stale socket");
    try (BrokerClient client = next.unixClient()) {
      Set<String> present =
          client.instances(null, null).instances().stream()
              .map(InstanceJson::id)
              .collect(Collectors.toSet());
      assertThat(present).containsAll(acknowledged);
    }
  }

  private static boolean connects(Path socket) {
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(socket));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void write(SocketChannel channel, String text) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (out.hasRemaining()) {
      channel.write(out);
    }
  }

  /** Reads one interim response head, byte by byte, up to its blank line. */
  private static String readHead(SocketChannel channel) throws IOException {
    StringBuilder head = new StringBuilder();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (!head.toString().endsWith("\r\n\r\n") && head.length() < 8192) {
      one.clear();
      if (channel.read(one) < 0) {
        throw new IOException("connection closed after '" + head + "'");
      }
      head.append((char) one.get(0));
    }
    return head.toString();
  }

  private static EventStreamReader.ServerSentEvent next(EventStreamReader events) {
    try {
      return events.next();
    } catch (IOException e) {
      throw new AssertionError("the event stream failed: " + e, e);
    }
  }

  /** Reads the rest of an event stream: the types of the events until it ends. */
  private static List<String> drain(EventStreamReader events) {
    List<String> types = new ArrayList<>();
    try {
      for (int i = 0; i < 10_000; i++) {
        EventStreamReader.ServerSentEvent e = events.next();
        if (e == null) {
          return types;
        }
        types.add(e.event());
      }
      throw new AssertionError("the event stream did not end: " + types.size() + " events");
    } catch (IOException e) {
      throw new AssertionError("the event stream failed instead of ending: " + e, e);
    }
  }
}
