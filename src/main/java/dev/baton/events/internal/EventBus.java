package dev.baton.events.internal;

import dev.baton.events.Event;
import dev.baton.events.EventService;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands committed events to in-process listeners: those that follow every node's events, and those
 * that act on this node's own commits only. Thread-safe.
 */
public final class EventBus {
  private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

  private final CopyOnWriteArrayList<Consumer<Event>> everyNode = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Consumer<Event>> own = new CopyOnWriteArrayList<>();

  /** Delivers events that this node just committed, in order. */
  public void publish(List<Event> events) {
    deliver(events, own);
    deliver(events, everyNode);
  }

  /** Delivers events that another broker node committed to the shared store, in order. */
  public void publishFromOtherNode(List<Event> events) {
    deliver(events, everyNode);
  }

  private static void deliver(List<Event> events, List<Consumer<Event>> listeners) {
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
    everyNode.add(listener);
    return () -> everyNode.remove(listener);
  }

  public EventService.Subscription subscribeOwn(Consumer<Event> listener) {
    own.add(listener);
    return () -> own.remove(listener);
  }

  public int listenerCount() {
    return everyNode.size() + own.size();
  }
}
