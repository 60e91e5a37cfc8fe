package dev.baton.api;

import java.io.IOException;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectableChannelEndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that the client of a waiting request hung up (Ctrl-C on {@code baton lease acquire
 * --wait}).
 *
 * <p>While an answer is pending nothing reads its connection: HTTP/1 reads the next request only
 * after this one is answered. A client that closes its socket meanwhile goes unnoticed until the
 * answer is written, and that write succeeds on TCP (a sender cannot tell that nobody will read),
 * so the broker would grant a lease nobody knows of, and a gone waiter would block the queue behind
 * it. This watch reads the connection while the answer is pending: the end of the stream or a reset
 * means the client is gone, and the connection is closed. Bytes that arrive instead (a pipelined
 * request) cannot be handed back to the connection, so they are dropped and the answer closes the
 * connection ({@link #readAhead()}); baton's clients do not pipeline.
 *
 * <p>Connections that are not sockets (the in-memory warm-up) are not watched. Thread-safe.
 */
final class HangUpWatch {
  private static final Logger LOG = LoggerFactory.getLogger(HangUpWatch.class);

  private enum State {
    WATCHING,
    ANSWERING,
    GONE
  }

  /** Marks the cancellation of the watch's read interest when the answer is written. */
  private static final class Answering extends Exception {
    private static final long serialVersionUID = 1L;

    Answering() {
      super("answering", null, false, false);
    }
  }

  private final AbstractEndPoint endPoint;
  private final Runnable gone;
  private final Callback onReadable = Callback.from(this::read, this::interestFailed);
  private State state = State.WATCHING;
  private boolean interested;
  private volatile boolean readAhead;

  private HangUpWatch(AbstractEndPoint endPoint, Runnable gone) {
    this.endPoint = endPoint;
    this.gone = gone;
  }

  /**
   * Starts watching the request's connection; {@code gone} runs once if the client hangs up before
   * {@link #answering()}.
   */
  static HangUpWatch start(Request request, Runnable gone) {
    EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
    HangUpWatch watch =
        new HangUpWatch(endPoint instanceof SelectableChannelEndPoint socket ? socket : null, gone);
    watch.watch();
    return watch;
  }

  /**
   * Stops watching because the answer is about to be written; false when the client is already gone
   * and nothing should be written.
   */
  synchronized boolean answering() {
    if (state == State.GONE) {
      return false;
    }
    state = State.ANSWERING;
    if (interested) {
      interested = false;
      endPoint.getFillInterest().onFail(new Answering());
    }
    return true;
  }

  /** True when the client sent bytes while waiting: the answer must close the connection. */
  boolean readAhead() {
    return readAhead;
  }

  private synchronized void watch() {
    if (endPoint != null && state == State.WATCHING && !interested) {
      interested = endPoint.tryFillInterested(onReadable);
    }
  }

  private void read() {
    int read;
    synchronized (this) {
      // The read happens under the lock so that it cannot take bytes sent after the answer.
      interested = false;
      if (state != State.WATCHING) {
        return;
      }
      try {
        read = endPoint.fill(BufferUtil.allocate(1024));
      } catch (IOException e) {
        read = -1;
      }
      if (read > 0) {
        readAhead = true;
      }
    }
    if (read < 0) {
      hungUp();
      return;
    }
    if (read > 0) {
      LOG.debug("{} bytes arrived before the answer; the answer will close the connection", read);
    }
    watch();
  }

  private void interestFailed(Throwable cause) {
    if (!(cause instanceof Answering)) {
      hungUp();
    }
  }

  private void hungUp() {
    synchronized (this) {
      if (state != State.WATCHING) {
        return;
      }
      state = State.GONE;
      interested = false;
    }
    gone.run();
    endPoint.close();
  }
}
