package dev.baton.server;

import dev.baton.api.StatusLineFormat;
import dev.baton.events.Event;
import dev.baton.events.EventService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the tmux status line current: recomputes it (see {@link StatusLineState}) on one thread of
 * its own after events, at most once per {@link #COALESCE}, and every {@link #REFRESH} because
 * states change with time; writes it to {@code <data-dir>/tmux-status} (temporary file and rename)
 * only when it changed, so that tmux's {@code #(cat FILE)} costs one small read. On close the file
 * says {@link StatusLineFormat#DOWN}. Thread-safe.
 */
final class StatusLine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusLine.class);

  /** Events closer together than this give one recompute. */
  static final Duration COALESCE = Duration.ofMillis(150);

  /** A recompute at least this often: an instance turns idle without any event. */
  static final Duration REFRESH = Duration.ofSeconds(30);

  /** How many recent events seed the instances' last changes at start. */
  private static final int SEED_EVENTS = 500;

  private final StatusLineState state;
  private final Path file;
  private final ScheduledExecutorService thread;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final EventService.Subscription subscription;
  private volatile String line = StatusLineFormat.DOWN;
  private String written;

  private StatusLine(StatusLineState state, Path file, EventService events) {
    this.state = state;
    this.file = file;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "baton-status-line");
              t.setDaemon(true);
              return t;
            });
    long last = events.lastId();
    events.after(Math.max(0, last - SEED_EVENTS), SEED_EVENTS).forEach(state::note);
    this.subscription = events.subscribe(this::onEvent);
  }

  /** Computes and writes the line once, then keeps it current. */
  static StatusLine start(
      StatusLineState.Sources sources, Path file, EventService events, Clock clock) {
    StatusLine s = new StatusLine(new StatusLineState(sources, clock), file, events);
    s.recompute();
    s.thread.scheduleWithFixedDelay(
        s::recompute, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    return s;
  }

  /** The file tmux reads. */
  static Path fileIn(Path dataDir) {
    return dataDir.resolve("tmux-status");
  }

  /** The line as last computed, without a line break. */
  String current() {
    return line;
  }

  /** Called on the committing thread: notes the event and hands the recompute to our thread. */
  private void onEvent(Event e) {
    state.note(e);
    if (scheduled.compareAndSet(false, true)) {
      try {
        thread.schedule(this::recompute, COALESCE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        scheduled.set(false);
      }
    }
  }

  private void recompute() {
    scheduled.set(false); // events from now on schedule another recompute
    try {
      line = state.compute();
      write(line);
    } catch (RuntimeException e) {
      LOG.warn("could not update the tmux status line: {}", e.getMessage());
      LOG.debug("status line failure", e);
    }
  }

  /** Replaces the file when the line differs from what it holds. Only our thread (or close). */
  private synchronized void write(String text) {
    if (text.equals(written)) {
      return;
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, text + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      written = text;
    } catch (IOException e) {
      LOG.warn("cannot write the tmux status line to {}: {}", file, e.getMessage());
    }
  }

  /** Stops following events; the file then says the broker is down. */
  @Override
  public void close() {
    subscription.close();
    thread.shutdown(); // a recompute under way finishes: it is never interrupted in a store read
    try {
      if (!thread.awaitTermination(2, TimeUnit.SECONDS)) {
        LOG.warn("the status line's thread did not stop in 2 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    line = StatusLineFormat.DOWN;
    write(StatusLineFormat.DOWN);
  }
}
