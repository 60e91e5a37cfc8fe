package dev.baton.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /v1/events} over a Unix socket, read raw on a kept-alive connection, so that the way
 * the stream ends is visible: the final zero-length chunk (a complete {@link RawHttp.Answer}), or a
 * cut connection ({@link RawHttp.Truncated}). Thread-safe.
 */
final class RawEventStream implements AutoCloseable {
  private final SocketChannel channel;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final CompletableFuture<RawHttp.Outcome> end = new CompletableFuture<>();

  private RawEventStream(SocketChannel channel) {
    this.channel = channel;
  }

  /** Opens the stream and reads it on a daemon thread until the broker ends it. */
  static RawEventStream open(Path socket) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
      ByteBuffer request =
          ByteBuffer.wrap(
              "GET /v1/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
                  .getBytes(StandardCharsets.ISO_8859_1));
      while (request.hasRemaining()) {
        channel.write(request);
      }
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    RawEventStream stream = new RawEventStream(channel);
    Thread reader = new Thread(stream::read, "raw-event-stream");
    reader.setDaemon(true);
    reader.start();
    return stream;
  }

  /** Everything received so far, chunk framing included. */
  String text() {
    synchronized (received) {
      return received.toString(StandardCharsets.UTF_8);
    }
  }

  /** Completes when the broker closes the connection, with how the stream ended. */
  CompletableFuture<RawHttp.Outcome> end() {
    return end;
  }

  @Override
  public void close() {
    RawHttp.closeQuietly(channel);
  }

  private void read() {
    String failure = null;
    try {
      RawHttp.readUntilClosed(channel, received);
    } catch (IOException e) {
      failure = e.toString();
    }
    byte[] bytes;
    synchronized (received) {
      bytes = received.toByteArray();
    }
    end.complete(RawHttp.parse(bytes, failure));
  }
}
