package dev.baton.api.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SocketChannel;
import java.util.Map;

/** Reads server-sent events from an open stream. Not thread-safe; close it from any thread. */
public final class EventStreamReader implements AutoCloseable {
  /** One event: {@code id}, {@code event} and the joined {@code data} lines. */
  public record ServerSentEvent(String id, String event, String data) {}

  private final int status;
  private final Map<String, String> headers;
  private final InputStream body;
  private final SocketChannel channel;

  EventStreamReader(
      int status, Map<String, String> headers, InputStream body, SocketChannel channel) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.channel = channel;
  }

  public int status() {
    return status;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /**
   * The next event, skipping comments and retry lines.
   *
   * @return null when the broker ended the stream (e.g. it shut down cleanly)
   * @throws EOFException when the connection was cut before the stream's end (a crash)
   */
  public ServerSentEvent next() throws IOException {
    String id = null;
    String event = null;
    StringBuilder data = null;
    while (true) {
      String line;
      try {
        line = HttpTransport.readLine(body);
      } catch (EOFException e) {
        if (body instanceof ChunkedInputStream chunked && !chunked.endedCleanly()) {
          throw new EOFException(
              "event stream was cut before its end: the broker stopped without closing it");
        }
        return null;
      }
      if (line.isEmpty()) {
        if (data != null) {
          return new ServerSentEvent(id, event, data.toString());
        }
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
      switch (field) {
        case "id":
          id = value;
          break;
        case "event":
          event = value;
          break;
        case "data":
          data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          break;
        default:
          break;
      }
    }
  }

  /** Reads the whole body (for a refused stream, whose body is a JSON error). */
  public String readRest() throws IOException {
    return new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
