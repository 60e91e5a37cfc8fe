package dev.baton.events.internal;

import dev.baton.events.Event;
import dev.baton.events.EventService;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands committed events to in-process listeners. Thread-safe. */
public final class EventBus {
  private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

  private final CopyOnWriteArrayList<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();

  /** Delivers events that were just committed, in order. */
  public void publish(List<Event> events) {
    for (Event event : events) {
      for (Consumer<Event> listener : listeners) {
        try {
          listener.accept(event);
        } catch (RuntimeException e) {
          LOG.warn("event listener failed on event {} ({})", event.id(), event.type(), e);
        }
      }
    }
  }

  public EventService.Subscription subscribe(Consumer<Event> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  public int listenerCount() {
    return listeners.size();
  }
}
