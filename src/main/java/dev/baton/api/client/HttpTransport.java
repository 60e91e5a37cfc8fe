package dev.baton.api.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/1.1 client over a Unix domain socket or TCP, enough for the broker's JSON API and
 * its event stream. {@link java.net.http.HttpClient} cannot reach a Unix socket. One connection is
 * kept alive between calls when asked. Thread-safe (calls are serialised).
 */
public final class HttpTransport implements AutoCloseable {
  private static final int MAX_LINE = 64 * 1024;
  private static final java.util.Set<String> IDEMPOTENT =
      java.util.Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");
  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "baton-http-timeout");
            t.setDaemon(true);
            return t;
          });

  private final SocketAddress address;
  private final String hostHeader;
  private final boolean keepAlive;
  private final Duration timeout;
  private Connection connection;

  private HttpTransport(
      SocketAddress address, String hostHeader, boolean keepAlive, Duration timeout) {
    this.address = address;
    this.hostHeader = hostHeader;
    this.keepAlive = keepAlive;
    this.timeout = timeout;
  }

  public static HttpTransport unix(Path socket, boolean keepAlive, Duration timeout) {
    return new HttpTransport(UnixDomainSocketAddress.of(socket), "localhost", keepAlive, timeout);
  }

  public static HttpTransport tcp(InetSocketAddress address, boolean keepAlive, Duration timeout) {
    String host = address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return new HttpTransport(address, host + ":" + address.getPort(), keepAlive, timeout);
  }

  /** Where requests go, e.g. {@code unix:/run/user/1000/baton/broker.sock}. */
  public String describe() {
    return address instanceof UnixDomainSocketAddress u
        ? "unix:" + u.getPath()
        : "http://" + hostHeader;
  }

  /**
   * Sends one request and reads the whole response. Headers given here replace the defaults ({@code
   * Host}, {@code Content-Type}); a null value removes a default.
   */
  public synchronized HttpResponse exchange(
      String method, String path, Map<String, String> headers, byte[] body) throws IOException {
    boolean reused = connection != null;
    try {
      return exchangeOnce(method, path, headers, body);
    } catch (IOException e) {
      closeConnection();
      if (reused && IDEMPOTENT.contains(method) && !(e instanceof TimeoutIOException)) {
        // The broker closed an idle kept-alive connection; one fresh attempt. Never for POST:
        // the first attempt may have been stored, and a second registration would be a duplicate.
        return exchangeOnce(method, path, headers, body);
      }
      throw e;
    }
  }

  private HttpResponse exchangeOnce(
      String method, String path, Map<String, String> headers, byte[] body) throws IOException {
    Connection c = connection != null ? connection : connect();
    connection = c;
    ScheduledFuture<?> deadline =
        WATCHDOG.schedule(c::abort, timeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      try {
        writeRequest(c.out, method, path, headers, body, keepAlive);
      } catch (IOException writeFailed) {
        // The broker may answer before reading a body it refuses (413) and close; read that answer.
        try {
          HttpResponse early = readResponse(c.in, method);
          closeConnection();
          return early;
        } catch (IOException noAnswer) {
          writeFailed.addSuppressed(noAnswer);
          throw writeFailed;
        }
      }
      HttpResponse response = readResponse(c.in, method);
      if (!keepAlive || "close".equalsIgnoreCase(response.header("connection"))) {
        closeConnection();
      }
      return response;
    } catch (IOException e) {
      if (c.aborted) {
        throw new TimeoutIOException(
            "no answer from "
                + describe()
                + " within "
                + timeout.toMillis()
                + " ms for "
                + method
                + " "
                + path);
      }
      throw e;
    } finally {
      deadline.cancel(false);
    }
  }

  /**
   * Opens a streaming GET on its own connection (server-sent events); the caller reads lines from
   * the returned stream and closes it.
   */
  public EventStreamReader stream(String path, Map<String, String> headers) throws IOException {
    return open("GET", path, headers, null);
  }

  /**
   * Sends one request on its own connection and returns as soon as the response head has arrived,
   * with the body left to read as it comes (server-sent events, or a whole body up to the end of
   * the connection). No time limit: answers that stream may take long.
   */
  public EventStreamReader open(
      String method, String path, Map<String, String> headers, byte[] body) throws IOException {
    Connection c = connect();
    try {
      writeRequest(c.out, method, path, headers, body, false);
      Head head = readHead(c.in);
      InputStream in =
          "chunked".equalsIgnoreCase(head.headers.get("transfer-encoding"))
              ? new ChunkedInputStream(c.in)
              : c.in;
      return new EventStreamReader(head.status, head.headers, in, c.channel);
    } catch (IOException e) {
      c.abort();
      throw e;
    }
  }

  @Override
  public synchronized void close() {
    closeConnection();
  }

  private void closeConnection() {
    if (connection != null) {
      connection.abort();
      connection = null;
    }
  }

  private Connection connect() throws IOException {
    SocketChannel channel =
        SocketChannel.open(
            address instanceof UnixDomainSocketAddress
                ? StandardProtocolFamily.UNIX
                : StandardProtocolFamily.INET);
    if (address instanceof InetSocketAddress inet
        && inet.getAddress() instanceof java.net.Inet6Address) {
      channel.close();
      channel = SocketChannel.open(StandardProtocolFamily.INET6);
    }
    try {
      channel.connect(address);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return new Connection(channel);
  }

  private void writeRequest(
      OutputStream out,
      String method,
      String path,
      Map<String, String> extra,
      byte[] body,
      boolean keepAlive)
      throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", hostHeader);
    headers.put("User-Agent", "baton-cli");
    headers.put("Accept", "application/json");
    if (body != null) {
      headers.put("Content-Type", "application/json");
      headers.put("Content-Length", Integer.toString(body.length));
    } else if (!method.equals("GET") && !method.equals("HEAD")) {
      headers.put("Content-Length", "0");
    }
    headers.put("Connection", keepAlive ? "keep-alive" : "close");
    if (extra != null) {
      extra.forEach(
          (k, v) -> {
            headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(k));
            if (v != null) {
              headers.put(k, v);
            }
          });
    }
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      out.write(body);
    }
    out.flush();
  }

  private static HttpResponse readResponse(InputStream in, String method) throws IOException {
    Head head = readHead(in);
    byte[] body;
    String length = head.headers.get("content-length");
    if (method.equals("HEAD") || head.status == 204 || head.status == 304) {
      body = new byte[0];
    } else if ("chunked".equalsIgnoreCase(head.headers.get("transfer-encoding"))) {
      body = new ChunkedInputStream(in).readAllBytes();
    } else if (length != null) {
      int n = Integer.parseInt(length.trim());
      body = in.readNBytes(n);
      if (body.length < n) {
        throw new EOFException("response body ended after " + body.length + " of " + n + " bytes");
      }
    } else {
      body = in.readAllBytes();
    }
    return new HttpResponse(head.status, head.headers, body);
  }

  private record Head(int status, Map<String, String> headers) {}

  private static Head readHead(InputStream in) throws IOException {
    String statusLine = readLine(in);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP response: '" + statusLine + "'");
    }
    int status;
    try {
      status = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP status: '" + statusLine + "'", e);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
    }
    return new Head(status, headers);
  }

  /** Reads one CRLF- or LF-terminated line. */
  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (line.size() == 0) {
          throw new EOFException("connection closed by the broker");
        }
        break;
      }
      if (b == '\n') {
        break;
      }
      if (b != '\r') {
        line.write(b);
      }
      if (line.size() > MAX_LINE) {
        throw new IOException("HTTP line longer than " + MAX_LINE + " bytes");
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  /** Thrown when the broker does not answer in time. */
  public static final class TimeoutIOException extends IOException {
    private static final long serialVersionUID = 1L;

    TimeoutIOException(String message) {
      super(message);
    }
  }

  private static final class Connection {
    final SocketChannel channel;
    final InputStream in;
    final OutputStream out;
    volatile boolean aborted;

    Connection(SocketChannel channel) {
      this.channel = channel;
      this.in = new BufferedInputStream(Channels.newInputStream(channel), 16 * 1024);
      this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 16 * 1024);
    }

    void abort() {
      aborted = true;
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
