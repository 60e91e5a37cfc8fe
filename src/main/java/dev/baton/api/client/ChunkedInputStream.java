package dev.baton.api.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Decodes an HTTP/1.1 chunked body as it arrives. Not thread-safe. */
final class ChunkedInputStream extends InputStream {
  private final InputStream in;
  private long remaining;
  private boolean done;

  ChunkedInputStream(InputStream in) {
    this.in = in;
  }

  /** True once the terminating zero-length chunk was read: the body ended as the sender meant. */
  boolean endedCleanly() {
    return done;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (done) {
      return -1;
    }
    if (remaining == 0) {
      String size = HttpTransport.readLine(in);
      int semicolon = size.indexOf(';');
      String hex = (semicolon < 0 ? size : size.substring(0, semicolon)).trim();
      try {
        remaining = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new IOException("malformed chunk size '" + size + "'", e);
      }
      if (remaining == 0) {
        while (!HttpTransport.readLine(in).isEmpty()) {
          // trailers
        }
        done = true;
        return -1;
      }
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw new EOFException("connection closed inside a chunk");
    }
    remaining -= n;
    if (remaining == 0) {
      HttpTransport.readLine(in);
    }
    return n;
  }
}
