package dev.baton.api;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import dev.baton.core.InvalidInputException;
import dev.baton.events.Event;
import dev.baton.events.EventService;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/events}: server-sent events. A stream is told that events were committed and then
 * reads them from the store after its cursor, so history and live events take one path, arrive in
 * id order, and are never skipped or repeated. A client resumes with {@code Last-Event-ID} or
 * {@code ?after=ID}; without either it gets only new events. Thread-safe.
 */
public final class EventStreams implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);
  private static final int PAGE = 500;
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final EventService events;
  private final ScheduledExecutorService executor;
  private final Set<Stream> open = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  public EventStreams(EventService events, Duration pingInterval) {
    this.events = events;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "baton-event-streams");
              t.setDaemon(true);
              return t;
            });
    long ping = pingInterval.toMillis();
    executor.scheduleAtFixedRate(this::pingAll, ping, ping, TimeUnit.MILLISECONDS);
  }

  /** Opens a stream for this request; the reply is {@link Reply.Streaming}. */
  public Reply open(Exchange exchange) {
    if (closed.get()) {
      throw new BatonException(
          ErrorCode.UNAVAILABLE, "broker is shutting down; reconnect to the next one");
    }
    long cursor = resumeAfter(exchange);
    Response response = exchange.response();
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    response.getHeaders().put("X-Accel-Buffering", "no");
    Stream stream = new Stream(response, exchange.callback(), cursor);
    open.add(stream);
    stream.subscription = events.subscribe(e -> stream.signal());
    stream.signal();
    return new Reply.Streaming();
  }

  /** The newest stored event id, or 0. */
  public long lastEventId() {
    return events.lastId();
  }

  public int openCount() {
    return open.size();
  }

  /** Ends every stream cleanly and refuses new ones; clients reconnect with Last-Event-ID. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (Stream stream : open) {
      stream.finish();
    }
    executor.shutdown();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void pingAll() {
    for (Stream stream : open) {
      stream.ping();
    }
  }

  private long resumeAfter(Exchange exchange) {
    String text = exchange.header("Last-Event-ID");
    String source = "Last-Event-ID";
    if (text == null || text.isBlank()) {
      text = exchange.query("after");
      source = "after";
    }
    if (text == null || text.isBlank()) {
      return events.lastId();
    }
    try {
      long id = Long.parseLong(text.trim());
      if (id < 0) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          source + " '" + text + "' is not an event id; use a whole number such as 0",
          Map.of("field", source));
    }
  }

  private final class Stream extends IteratingCallback {
    private final Response response;
    private final Callback callback;
    private final AtomicBoolean dirty = new AtomicBoolean(true);
    private final AtomicBoolean pingDue = new AtomicBoolean();
    private final AtomicBoolean finishing = new AtomicBoolean();
    private volatile EventService.Subscription subscription;
    private long cursor;
    private boolean started;
    private boolean lastWritten;

    Stream(Response response, Callback callback, long cursor) {
      this.response = response;
      this.callback = callback;
      this.cursor = cursor;
    }

    void signal() {
      dirty.set(true);
      schedule();
    }

    void ping() {
      pingDue.set(true);
      schedule();
    }

    /** Delivers what is already committed, then ends the response. */
    void finish() {
      finishing.set(true);
      dirty.set(true);
      iterate();
    }

    private void schedule() {
      try {
        executor.execute(this::iterate);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        iterate();
      }
    }

    @Override
    protected Action process() {
      if (lastWritten) {
        return Action.SUCCEEDED;
      }
      StringBuilder out = new StringBuilder();
      if (!started) {
        started = true;
        out.append("retry: 2000\n: connected\n\n");
      }
      if (pingDue.getAndSet(false)) {
        out.append(": ping\n\n");
      }
      if (dirty.getAndSet(false)) {
        List<Event> page = events.after(cursor, PAGE);
        for (Event event : page) {
          append(out, event);
          cursor = event.id();
        }
        if (page.size() == PAGE) {
          dirty.set(true);
        }
      }
      if (out.length() > 0) {
        response.write(
            false, ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8)), this);
        return Action.SCHEDULED;
      }
      if (finishing.get()) {
        lastWritten = true;
        response.write(true, EMPTY, this);
        return Action.SCHEDULED;
      }
      return Action.IDLE;
    }

    @Override
    protected void onCompleteSuccess() {
      cleanUp();
      callback.succeeded();
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
      LOG.debug("event stream ended: {}", cause.toString());
      cleanUp();
      callback.failed(cause);
    }

    private void cleanUp() {
      open.remove(this);
      EventService.Subscription s = subscription;
      if (s != null) {
        s.close();
      }
    }
  }

  private static void append(StringBuilder out, Event event) {
    out.append("id: ").append(event.id()).append('\n');
    out.append("event: ").append(event.type()).append('\n');
    out.append("data: ")
        .append(Json.MAPPER.writeValueAsString(EventJson.from(event)))
        .append("\n\n");
  }
}
