package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.api.Json;
import dev.baton.api.RegisterBody;
import dev.baton.api.client.BrokerClient;
import dev.baton.api.client.EventStreamReader;
import dev.baton.config.BatonConfig;
import dev.baton.config.ServerConfig;
import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import dev.baton.testing.GitRepos;
import dev.baton.testing.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerLifecycleTest {
  @TempDir Path dir;
  private Broker first;
  private Broker second;

  @AfterEach
  void stop() {
    for (Broker b : new Broker[] {second, first}) {
      if (b != null) {
        b.close();
      }
    }
  }

  private static BrokerClient client(Broker b) {
    return BrokerClient.overUnixSocket(b.socket(), false, Duration.ofSeconds(10));
  }

  @Test
  void aStaleSocketLeftByACrashedBrokerIsTakenOver() throws Exception {
    BatonConfig config = TestBroker.config(dir, "sqlite", null);
    Files.createDirectories(config.server().socket().getParent());
    Files.setPosixFilePermissions(
        config.server().socket().getParent(), PosixFilePermissions.fromString("rwx------"));
    try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      crashed.bind(UnixDomainSocketAddress.of(config.server().socket()));
    }
    assertThat(config.server().socket()).exists();

    first = Broker.start(config, Clock.systemUTC());

    try (BrokerClient c = client(first)) {
      assertThat(c.health().status()).isEqualTo("ok");
    }
  }

  @Test
  void aLiveBrokerOnTheSocketStopsASecondOneAndKeepsItsSocket() {
    first = TestBroker.start(dir.resolve("a"), "sqlite", null);
    BatonConfig sameSocket = TestBroker.config(dir.resolve("b"), "sqlite", null);
    BatonConfig config =
        new BatonConfig(
            sameSocket.file(),
            sameSocket.dataDir(),
            first.config().server(),
            sameSocket.store(),
            sameSocket.registry(),
            sameSocket.events(),
            sameSocket.leases(),
            sameSocket.roles(),
            sameSocket.gateway(),
            sameSocket.memory(),
            sameSocket.handoff(),
            sameSocket.git(),
            "info",
            sameSocket.focus(),
            sameSocket.coordination());

    assertThatThrownBy(() -> second = Broker.start(config, Clock.systemUTC()))
        .isInstanceOf(BrokerStartException.class)
        .hasMessage(
            "a baton broker is already running on "
                + first.socket()
                + "; use it, or stop it first ('baton status' shows its pid)")
        .satisfies(
            e ->
                assertThat(((BatonException) e).code())
                    .isEqualTo(ErrorCode.BROKER_ALREADY_RUNNING));
    assertThat(first.socket()).exists();
    try (BrokerClient c = client(first)) {
      assertThat(c.health().status()).isEqualTo("ok");
    }
  }

  @Test
  void aSecondBrokerOnTheSameDataDirectoryIsRefused() {
    first = TestBroker.start(dir.resolve("a"), "sqlite", null);
    BatonConfig other = TestBroker.config(dir.resolve("b"), "sqlite", null);
    BatonConfig config =
        new BatonConfig(
            other.file(),
            first.config().dataDir(),
            other.server(),
            first.config().store(),
            other.registry(),
            other.events(),
            other.leases(),
            other.roles(),
            other.gateway(),
            other.memory(),
            other.handoff(),
            other.git(),
            "info",
            other.focus(),
            other.coordination());

    assertThatThrownBy(() -> second = Broker.start(config, Clock.systemUTC()))
        .isInstanceOf(BrokerStartException.class)
        .hasMessage(
            "another baton broker (pid "
                + ProcessHandle.current().pid()
                + ") already uses the data directory "
                + first.config().dataDir()
                + "; stop it first, or give this one another --data-dir");
    assertThat(other.server().socket()).doesNotExist();
  }

  @Test
  void aTakenTcpPortIsReportedWithTheSettingToChange() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      BatonConfig base = TestBroker.config(dir, "sqlite", null);
      BatonConfig config =
          new BatonConfig(
              base.file(),
              base.dataDir(),
              new ServerConfig(
                  base.server().socket(),
                  java.util.Optional.of(new java.net.InetSocketAddress("127.0.0.1", port)),
                  base.server().maxBodyBytes(),
                  base.server().shutdownTimeout()),
              base.store(),
              base.registry(),
              base.events(),
              base.leases(),
              base.roles(),
              base.gateway(),
              base.memory(),
              base.handoff(),
              base.git(),
              "info",
              base.focus(),
              base.coordination());

      assertThatThrownBy(() -> first = Broker.start(config, Clock.systemUTC()))
          .isInstanceOf(BrokerStartException.class)
          .hasMessageStartingWith("cannot listen on 127.0.0.1:" + port + ":")
          .hasMessageEndingWith("set server.tcp / --tcp to another port or off");
      assertThat(config.server().socket()).doesNotExist();
    }
  }

  @Test
  void theSocketIsOwnerOnlyAndTheTokenToo() throws Exception {
    first = TestBroker.start(dir, "sqlite", null);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.socket())))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(first.socket().getParent())))
        .isEqualTo("rwx------");
    Path token = first.config().tokenFile();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(token).trim())
        .isEqualTo(first.token())
        .hasSizeGreaterThanOrEqualTo(40);
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(first.config().dataDir())))
        .isEqualTo("rwx------");
  }

  @Test
  void theTokenSurvivesARestart() {
    first = TestBroker.start(dir, "sqlite", null);
    String token = first.token();
    first.close();

    first = TestBroker.start(dir, "sqlite", null);

    assertThat(first.token()).isEqualTo(token);
  }

  @Test
  void aSocketDirectoryOpenToOthersIsRefusedAndLeftAlone() throws Exception {
    BatonConfig config = TestBroker.config(dir, "sqlite", null);
    Path socketDir = Files.createDirectories(config.server().socket().getParent());
    Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> first = Broker.start(config, Clock.systemUTC()))
        .isInstanceOf(BrokerStartException.class)
        .hasMessageStartingWith(
            "socket directory " + socketDir + " is open to other users (mode rwxrwxrwx)");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socketDir)))
        .isEqualTo("rwxrwxrwx");
  }

  @Test
  void closingRemovesTheSocketAndReleasesTheDataDirectory() {
    first = TestBroker.start(dir, "sqlite", null);
    Path socket = first.socket();

    first.close();

    assertThat(socket).doesNotExist();
    first = TestBroker.start(dir, "sqlite", null);
    try (BrokerClient c = client(first)) {
      assertThat(c.health().status()).isEqualTo("ok");
    }
  }

  @Test
  void closeLetsARequestInFlightFinishAndStopsAcceptingNewOnes() throws Exception {
    first = TestBroker.start(dir, "sqlite", "registry:\n  instance-ttl: 10m\n");
    Path repo = GitRepos.create(dir.resolve("repo"));
    // A slow client: the body starts with blank space (valid JSON) that it sends a byte at a time
    // until the broker stops accepting connections. A silent client is cut after the shutdown's
    // idle timeout, counted from its last write, and the time close() takes before it stops
    // accepting was longer than that on a busy CI machine (two failed runs).
    String padding = " ".repeat(4000);
    byte[] body =
        (padding + "{\"role\":\"developer\",\"workspace\":\"" + repo + "\",\"id\":\"late-1\"}")
            .getBytes(StandardCharsets.UTF_8);
    Path socket = first.socket();
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      OutputStream out = Channels.newOutputStream(channel);
      out.write(
          ("POST /v1/instances HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, 10);
      out.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> first.requestsInFlight() == 1);

      CompletableFuture<Void> closing = CompletableFuture.runAsync(first::close);
      int sent = 10;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (accepts(socket)) {
        if (sent >= padding.length() || System.nanoTime() > deadline) {
          throw new AssertionError("the broker still accepts connections " + sent + " bytes on");
        }
        write(out, channel, body, sent, 1);
        sent++;
        Thread.sleep(10);
      }
      write(out, channel, body, sent, body.length - sent);

      String response = readAll(Channels.newInputStream(channel));
      assertThat(response).startsWith("HTTP/1.1 201");
      assertThat(response).contains("\"late-1\"");
      closing.get();
    }
    assertThat(socket).doesNotExist();
    first = TestBroker.start(dir, "sqlite", "registry:\n  instance-ttl: 10m\n");
    try (BrokerClient c = client(first)) {
      assertThat(c.instance("late-1").role()).isEqualTo("developer");
    }
  }

  private static void write(
      OutputStream out, SocketChannel channel, byte[] bytes, int offset, int length)
      throws Exception {
    try {
      out.write(bytes, offset, length);
      out.flush();
    } catch (java.io.IOException e) {
      throw new AssertionError("server closed: " + readAll(Channels.newInputStream(channel)), e);
    }
  }

  /**
   * The broker makes an agent's first requests itself before it accepts anyone (a cold JVM answers
   * them several times slower): they pass through the whole HTTP stack, but start no downstream
   * server, name no instance and leave no event.
   */
  @Test
  void theBrokersOwnFirstRequestsLeaveNoTrace() throws Exception {
    Path started = dir.resolve("server-started");
    StringBuilder yaml =
        new StringBuilder("servers:\n  marker:\n    command: sh\n    args: [\"-c\", \"touch ")
            .append(started)
            .append("; sleep 30\"]\nroles:\n");
    for (String role : dev.baton.registry.RegistryConfig.BUILT_IN_ROLES) {
      yaml.append("  ").append(role).append(":\n    servers: [marker]\n");
    }
    first = TestBroker.start(dir, "sqlite", yaml.toString());
    try (BrokerClient c = client(first);
        EventStreamReader stream = c.events(0L)) {
      String metrics =
          c.send("GET", "/metrics", java.util.Map.of("Accept", "text/plain"), null).bodyText();

      assertThat(metrics)
          .as("the warm-up's health check went through the API")
          .containsPattern(
              "baton_api_request_duration_seconds_count\\{method=\"GET\",route=\"/v1/health\""
                  + ",status=\"200\"\\} 1");
      assertThat(stream.next().event()).isEqualTo("broker.started");
      assertThat(c.instances(null, null).count()).isZero();
      assertThat(started).as("no downstream server started").doesNotExist();
    }
  }

  /**
   * An outage longer than the instance TTL must not drop every instance and lease at the restart
   * (issue 12, D): for one TTL after the start nothing that lapsed while the broker was down
   * expires, so agents can reach it again first.
   */
  @Test
  void anOutageLongerThanTheTtlKeepsInstancesAndLeasesForOneTtlAfterTheRestart() throws Exception {
    String yaml = "registry:\n  instance-ttl: 5s\n  sweep-interval: 100ms\n";
    Path repo = GitRepos.create(dir.resolve("repo"));
    first = TestBroker.start(dir, "sqlite", yaml);
    String id;
    try (BrokerClient c = client(first)) {
      id = c.register(new RegisterBody("developer", repo.toString(), null, null)).instance().id();
      c.acquire(
          new dev.baton.api.AcquireBody(id, "src/app.py", null, null, 3_000L, null, "edit", null));
    }
    first.close();
    first = null;
    Thread.sleep(6_000); // down longer than the TTL, and longer than the lease's remaining life

    second = TestBroker.start(dir, "sqlite", yaml);

    try (BrokerClient c = client(second)) {
      assertThat(c.instance(id).id()).isEqualTo(id);
      assertThat(c.leases(null, id).leases())
          .extracting(dev.baton.api.LeaseJson::path)
          .containsExactly("src/app.py");
      await("the instance expires one TTL later, its agent never having come back")
          .atMost(Duration.ofSeconds(30))
          .until(() -> c.instances(null, null).count() == 0);
    }
  }

  @Test
  void closeEndsOpenEventStreamsCleanly() throws Exception {
    first = TestBroker.start(dir, "sqlite", null);
    try (BrokerClient c = client(first);
        EventStreamReader stream = c.events(0L)) {
      assertThat(stream.next().event()).isEqualTo("broker.started");

      first.close();

      var last = stream.next();
      assertThat(last).isNotNull();
      assertThat(last.event()).isEqualTo("broker.stopping");
      assertThat(stream.next()).isNull();
    }
  }

  @Test
  void silentInstancesExpireAndTheJanitorEmitsAnEvent() throws Exception {
    first =
        TestBroker.start(
            dir,
            "sqlite",
            "registry:\n  instance-ttl: 1s\n  heartbeat-interval: 300ms\n  sweep-interval: 100ms\n");
    Path repo = GitRepos.create(dir.resolve("repo"));
    try (BrokerClient c = client(first);
        EventStreamReader stream = c.events(null)) {
      String id =
          c.register(new RegisterBody("developer", repo.toString(), null, null)).instance().id();

      assertThat(stream.next().event()).isEqualTo("instance.registered");
      EventStreamReader.ServerSentEvent expired = stream.next();
      while (expired.event().startsWith("focus.")) { // the registration started a focus block
        expired = stream.next();
      }

      assertThat(expired.event()).isEqualTo("instance.expired");
      assertThat(Json.MAPPER.readTree(expired.data()).path("instance").asString()).isEqualTo(id);
      assertThat(c.instances(null, null).count()).isZero();
    }
  }

  private static boolean accepts(Path socket) {
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      return probe.isConnected();
    } catch (Exception e) {
      return false;
    }
  }

  private static String readAll(InputStream in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
