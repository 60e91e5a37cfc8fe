package dev.baton.api;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads each request's whole body before any route sees it, without holding a thread while the
 * bytes arrive: a route then reads it from memory. A body must arrive within {@link #DEADLINE} and
 * within the path's size limit, chunked or not, or the request is answered 408 or 413 and its
 * connection closed. Clients that trickle their bodies a byte at a time once held every one of the
 * broker's threads, so that even the hooks got no answer (issue 12, G). Thread-safe.
 */
public final class WholeBodies extends Handler.Wrapper {
  /** The longest a request body may take to arrive. */
  public static final Duration DEADLINE = Duration.ofSeconds(20);

  private final long maxBodyBytes;

  public WholeBodies(Handler next, long maxBodyBytes) {
    super(next);
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!hasBody(request)) {
      return super.handle(request, response, callback);
    }
    String path = request.getHttpURI().getDecodedPath();
    new Reading(request, response, callback, BodyLimits.forPath(path, maxBodyBytes)).start();
    return true;
  }

  private static boolean hasBody(Request request) {
    return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
  }

  /** One body being read: chunks as they come, on whichever thread Jetty calls back on. */
  private final class Reading implements Runnable {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final long limit;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final AtomicBoolean finished = new AtomicBoolean();
    private Scheduler.Task deadline;

    Reading(Request request, Response response, Callback callback, long limit) {
      this.request = request;
      this.response = response;
      this.callback = callback;
      this.limit = limit;
    }

    void start() {
      deadline =
          request
              .getComponents()
              .getScheduler()
              .schedule(this::tooSlow, DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      run();
    }

    /** Reads what has arrived; asks to be called again when more does. */
    @Override
    public void run() {
      while (!finished.get()) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          if (finish()) {
            callback.failed(chunk.getFailure()); // the client went away
          }
          return;
        }
        ByteBuffer bytes = chunk.getByteBuffer();
        boolean last = chunk.isLast();
        if (body.size() + (long) bytes.remaining() > limit) {
          chunk.release();
          refuse(
              new BatonException(
                  ErrorCode.BODY_TOO_LARGE,
                  "request body exceeds the limit of "
                      + limit
                      + " bytes"
                      + (limit == maxBodyBytes ? " (server.max-body)" : ""),
                  Map.of("limit", limit)));
          return;
        }
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        body.write(copy, 0, copy.length);
        chunk.release();
        if (last) {
          if (finish()) {
            pass();
          }
          return;
        }
      }
    }

    private void tooSlow() {
      refuse(
          new BatonException(
              ErrorCode.REQUEST_TIMEOUT,
              "request body not received within "
                  + DEADLINE.toSeconds()
                  + " s ("
                  + body.size()
                  + " bytes came); send it at once",
              Map.of()));
    }

    private void refuse(BatonException e) {
      if (finish()) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        Responses.error(response, callback, e);
      }
    }

    /** True for the one caller that ends the reading. */
    private boolean finish() {
      if (!finished.compareAndSet(false, true)) {
        return false;
      }
      if (deadline != null) {
        deadline.cancel();
      }
      return true;
    }

    private void pass() {
      try {
        if (!WholeBodies.super.handle(new Read(request, body.toByteArray()), response, callback)) {
          Responses.error(
              response,
              callback,
              new BatonException(ErrorCode.NOT_FOUND, "nothing answers " + request.getHttpURI()));
        }
      } catch (Throwable t) {
        callback.failed(t);
      }
    }
  }

  /** A request whose body has been read: it is read again from memory. */
  private static final class Read extends Request.Wrapper {
    private Content.Chunk rest;

    Read(Request request, byte[] body) {
      super(request);
      this.rest = Content.Chunk.from(ByteBuffer.wrap(body), true);
    }

    @Override
    public synchronized Content.Chunk read() {
      Content.Chunk out = rest;
      rest = Content.Chunk.EOF;
      return out;
    }

    @Override
    public void demand(Runnable demandCallback) {
      demandCallback.run();
    }

    @Override
    public boolean consumeAvailable() {
      return true;
    }
  }
}
