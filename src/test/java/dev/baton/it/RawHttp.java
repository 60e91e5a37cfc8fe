package dev.baton.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * HTTP/1.1 over a Unix socket, one request per connection ({@code Connection: close}), reading the
 * answer byte for byte until the broker closes the connection. Unlike a real client it never hides
 * a cut-off answer: an exchange ends as a complete {@link Answer}, a {@link ConnectionError} (not a
 * single byte came back), or {@link Truncated} (an answer began but its framing is incomplete).
 * Thread-safe.
 */
final class RawHttp {
  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "raw-http-timeout");
            t.setDaemon(true);
            return t;
          });

  private RawHttp() {}

  /** How one exchange ended. */
  sealed interface Outcome permits Answer, ConnectionError, Truncated {}

  /** A complete answer; header names are lower case; the body is de-chunked. */
  record Answer(int status, Map<String, String> headers, String body) implements Outcome {}

  /** Nothing came back: the connection was refused, reset or closed before the first byte. */
  record ConnectionError(String reason) implements Outcome {}

  /** Some bytes came back, but not a whole HTTP message. */
  record Truncated(String reason, String received) implements Outcome {}

  /** Sends one request and reads until the broker closes the connection or {@code timeout}. */
  static Outcome exchange(
      Path socket, String method, String target, String jsonBody, Duration timeout) {
    byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    head.append("Host: localhost\r\nAccept: application/json\r\nConnection: close\r\n");
    if (jsonBody != null) {
      head.append("Content-Type: application/json\r\n");
    }
    if (jsonBody != null || !method.equals("GET")) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    byte[] request = concat(head.toString().getBytes(StandardCharsets.ISO_8859_1), body);

    ByteArrayOutputStream received = new ByteArrayOutputStream();
    AtomicBoolean timedOut = new AtomicBoolean();
    String failure = null;
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ScheduledFuture<?> watchdog =
          WATCHDOG.schedule(
              () -> {
                timedOut.set(true);
                closeQuietly(channel);
              },
              timeout.toMillis(),
              TimeUnit.MILLISECONDS);
      try {
        channel.connect(UnixDomainSocketAddress.of(socket));
        ByteBuffer out = ByteBuffer.wrap(request);
        while (out.hasRemaining()) {
          channel.write(out);
        }
        readUntilClosed(channel, received);
      } catch (IOException e) {
        failure =
            timedOut.get() ? "no end of answer within " + timeout.toMillis() + " ms" : e.toString();
      } finally {
        watchdog.cancel(false);
      }
    } catch (IOException e) {
      failure = failure == null ? e.toString() : failure;
    }
    if (received.size() == 0) {
      return new ConnectionError(failure == null ? "closed without answering" : failure);
    }
    return parse(received.toByteArray(), failure);
  }

  /** Reads bytes until the peer closes the connection. */
  static void readUntilClosed(SocketChannel channel, ByteArrayOutputStream into)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
    while (channel.read(buffer) >= 0) {
      buffer.flip();
      synchronized (into) {
        into.write(buffer.array(), 0, buffer.limit());
      }
      buffer.clear();
    }
  }

  /**
   * Judges a whole received byte sequence: a complete message, or why not.
   *
   * @param failure the I/O error that ended reading, or null for a clean end of stream
   */
  static Outcome parse(byte[] bytes, String failure) {
    String raw = new String(bytes, StandardCharsets.ISO_8859_1);
    int headEnd = raw.indexOf("\r\n\r\n");
    if (headEnd < 0) {
      return new Truncated("the header ended early" + because(failure), raw);
    }
    String[] lines = raw.substring(0, headEnd).split("\r\n");
    String[] status = lines[0].split(" ", 3);
    if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
      return new Truncated("not an HTTP status line: " + lines[0], raw);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    byte[] rest = Arrays.copyOfRange(bytes, headEnd + 4, bytes.length);
    int code = Integer.parseInt(status[1]);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      return dechunk(code, headers, rest, raw, failure);
    }
    String length = headers.get("content-length");
    if (length != null) {
      int n = Integer.parseInt(length);
      if (rest.length != n) {
        return new Truncated(
            "Content-Length " + n + " but " + rest.length + " body bytes" + because(failure), raw);
      }
      return new Answer(code, headers, new String(rest, StandardCharsets.UTF_8));
    }
    if (failure != null) {
      return new Truncated("a close-delimited body ended in an error: " + failure, raw);
    }
    return new Answer(code, headers, new String(rest, StandardCharsets.UTF_8));
  }

  private static Outcome dechunk(
      int code, Map<String, String> headers, byte[] rest, String raw, String failure) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int pos = 0;
    while (true) {
      int lineEnd = indexOfCrLf(rest, pos);
      if (lineEnd < 0) {
        return new Truncated("no terminating zero-length chunk" + because(failure), raw);
      }
      String sizeLine = new String(rest, pos, lineEnd - pos, StandardCharsets.ISO_8859_1);
      int semicolon = sizeLine.indexOf(';');
      int size;
      try {
        size =
            Integer.parseInt(
                (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      } catch (NumberFormatException e) {
        return new Truncated("malformed chunk size '" + sizeLine + "'", raw);
      }
      pos = lineEnd + 2;
      if (size == 0) {
        return new Answer(code, headers, body.toString(StandardCharsets.UTF_8));
      }
      if (pos + size + 2 > rest.length) {
        return new Truncated("a chunk of " + size + " bytes was cut off" + because(failure), raw);
      }
      body.write(rest, pos, size);
      pos += size + 2;
    }
  }

  private static int indexOfCrLf(byte[] bytes, int from) {
    for (int i = from; i + 1 < bytes.length; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static String because(String failure) {
    return failure == null ? " (the broker closed the connection)" : " (" + failure + ")";
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** Closes the channel after {@code timeout}, which ends any read or write blocked on it. */
  static ScheduledFuture<?> closeAfter(SocketChannel channel, Duration timeout) {
    return WATCHDOG.schedule(
        () -> closeQuietly(channel), timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
