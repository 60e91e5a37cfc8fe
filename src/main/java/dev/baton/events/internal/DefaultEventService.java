package dev.baton.events.internal;

import dev.baton.events.Event;
import dev.baton.events.EventService;
import dev.baton.events.EventStore;
import java.util.List;
import java.util.function.Consumer;

/** History from the store, live events from the bus. */
public final class DefaultEventService implements EventService {
  private final EventStore store;
  private final EventBus bus;

  public DefaultEventService(EventStore store, EventBus bus) {
    this.store = store;
    this.bus = bus;
  }

  @Override
  public List<Event> after(long afterId, int limit) {
    return store.after(afterId, limit);
  }

  @Override
  public long lastId() {
    return store.lastId();
  }

  @Override
  public Subscription subscribe(Consumer<Event> listener) {
    return bus.subscribe(listener);
  }

  @Override
  public Subscription subscribeOwn(Consumer<Event> listener) {
    return bus.subscribeOwn(listener);
  }
}
