package dev.baton.events;

import java.time.Instant;
import java.util.List;

/** Reads the stored event history. Events are appended by the stores of each capability. */
public interface EventStore {
  /** Appends an event that belongs to no other change, e.g. {@code broker.started}. */
  Event append(NewEvent event);

  /** Up to {@code limit} events with ids greater than {@code afterId}, oldest first. */
  List<Event> after(long afterId, int limit);

  /** The id of the newest stored event, or 0 when there is none. */
  long lastId();

  /** Deletes events older than the cutoff; returns how many. */
  int pruneBefore(Instant cutoff);
}
