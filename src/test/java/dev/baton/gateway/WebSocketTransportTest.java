package dev.baton.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.json.McpJsonDefaults;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Opening a WebSocket to a downstream server, and the errors when that fails. The handshake is
 * checked against a socket that reads the upgrade request and refuses it, or accepts it and hangs
 * up: what the real server in {@code WebSocketIT} (supergateway) cannot be made to do on demand;
 * messages are checked there.
 */
class WebSocketTransportTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void aRefusedUpgradeNamesTheUrlAndTheStatusAndTheHandshakeCarriesTheHeadersAndSubprotocol()
      throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<List<String>> request =
          CompletableFuture.supplyAsync(() -> refuseOne(server, "403 Forbidden"));
      String url = "ws://127.0.0.1:" + server.getLocalPort() + "/message";

      assertThatThrownBy(
              () ->
                  WebSocketTransport.open(
                      "ws", url, Map.of("X-Test", "yes"), TIMEOUT, McpJsonDefaults.getMapper()))
          .isInstanceOf(IOException.class)
          .hasMessage(url + " refused the WebSocket upgrade with HTTP 403");

      List<String> head = request.get(10, TimeUnit.SECONDS);
      assertThat(head.get(0)).isEqualTo("GET /message HTTP/1.1");
      assertThat(head)
          .anyMatch(h -> h.equalsIgnoreCase("X-Test: yes"))
          .anyMatch(h -> h.equalsIgnoreCase("Sec-WebSocket-Protocol: mcp"))
          .anyMatch(h -> h.equalsIgnoreCase("Upgrade: websocket"));
    }
  }

  @Test
  void aServerThatIsDownIsNamedByItsUrl() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    String url = "ws://127.0.0.1:" + port + "/message";

    assertThatThrownBy(
            () ->
                WebSocketTransport.open("ws", url, Map.of(), TIMEOUT, McpJsonDefaults.getMapper()))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot connect to " + url + ": ");
  }

  @Test
  void aMalformedUrlIsRefusedBeforeAnythingIsSent() {
    assertThatThrownBy(() -> WebSocketTransport.uri("ws://127.0.0.1:1/a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'ws://127.0.0.1:1/a b' is not a valid URL: ");
    assertThatThrownBy(() -> WebSocketTransport.uri("ws:///message"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'ws:///message' names no host");
    assertThatThrownBy(() -> WebSocketTransport.uri("http://127.0.0.1:1/mcp"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'http://127.0.0.1:1/mcp' is not a ws:// or wss:// URL");
    assertThatThrownBy(() -> WebSocketTransport.uri("wss://example.org/mcp#top"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has a fragment");
  }

  @Test
  void aHeaderTheHandshakeOwnsIsRefusedNamingIt() {
    assertThatThrownBy(
            () ->
                WebSocketTransport.open(
                    "ws",
                    "ws://127.0.0.1:1/message",
                    Map.of("Sec-WebSocket-Protocol", "other"),
                    TIMEOUT,
                    McpJsonDefaults.getMapper()))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "cannot open a WebSocket to ws://127.0.0.1:1/message: Illegal header:"
                + " Sec-WebSocket-Protocol (the handshake sets it itself; remove it from 'headers')");
  }

  @Test
  void aServerThatHangsUpAfterTheUpgradeFailsTheStartAtOnceNamingTheServerAndTheUrl()
      throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<List<String>> request =
          CompletableFuture.supplyAsync(() -> upgradeAndHangUp(server));
      String url = "ws://127.0.0.1:" + server.getLocalPort() + "/message";
      DownstreamConfig config =
          new DownstreamConfig(
              "ws",
              null,
              List.of(),
              Map.of(),
              null,
              url,
              Map.of(),
              DownstreamConfig.Scope.SHARED,
              false,
              Duration.ofMinutes(1),
              1,
              Duration.ofMinutes(1),
              false);
      long start = System.nanoTime();

      assertThatThrownBy(
              () ->
                  Connection.open(
                      config,
                      Map.of(),
                      McpJsonDefaults.getMapper(),
                      Duration.ofSeconds(30),
                      java.time.Clock.systemUTC(),
                      n -> {}))
          .isInstanceOf(dev.baton.core.BatonException.class)
          .hasMessageStartingWith("MCP server 'ws' could not be reached: " + url + " ")
          .hasMessageEndingWith(" before answering initialize");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("not the 30 s start timeout")
          .isLessThan(Duration.ofSeconds(10));
      assertThat(request.get(10, TimeUnit.SECONDS).get(0)).isEqualTo("GET /message HTTP/1.1");
    }
  }

  /**
   * Accepts one WebSocket upgrade (RFC 6455's accept key, subprotocol mcp), reads the client's
   * first frame (its initialize) and closes the TCP connection without a word.
   */
  private static List<String> upgradeAndHangUp(ServerSocket server) {
    try (Socket s = server.accept()) {
      s.setSoTimeout(10_000);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      List<String> head = new ArrayList<>();
      String key = "";
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        head.add(line);
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:")) {
          key = line.substring(line.indexOf(':') + 1).strip();
        }
      }
      String accept =
          java.util.Base64.getEncoder()
              .encodeToString(
                  java.security.MessageDigest.getInstance("SHA-1")
                      .digest(
                          (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                              .getBytes(StandardCharsets.US_ASCII)));
      OutputStream out = s.getOutputStream();
      out.write(
          ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Accept: "
                  + accept
                  + "\r\nSec-WebSocket-Protocol: mcp\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      in.read(); // the first byte of the client's first frame
      return head;
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads one request's head and answers it with {@code status} instead of an upgrade. */
  private static List<String> refuseOne(ServerSocket server, String status) {
    try (Socket s = server.accept()) {
      s.setSoTimeout(10_000);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      List<String> head = new ArrayList<>();
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        head.add(line);
      }
      OutputStream out = s.getOutputStream();
      out.write(
          ("HTTP/1.1 " + status + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return head;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
