package dev.baton.store.internal;

import dev.baton.events.Event;
import dev.baton.events.EventStore;
import dev.baton.events.NewEvent;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads and prunes the event history. Thread-safe. */
final class SqlEventStore implements EventStore {
  private final Database db;

  SqlEventStore(Database db) {
    this.db = db;
  }

  @Override
  public Event append(NewEvent event) {
    return db.write("events.append", tx -> tx.emit(event));
  }

  @Override
  public List<Event> after(long afterId, int limit) {
    return db.read(
        "events.after",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + EventRows.COLUMNS
                      + " FROM events WHERE id > ? ORDER BY id LIMIT ?")) {
            ps.setLong(1, afterId);
            ps.setInt(2, limit);
            List<Event> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(EventRows.read(rs));
              }
            }
            return out;
          }
        });
  }

  @Override
  public long lastId() {
    return db.read(
        "events.last",
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT COALESCE(MAX(id), 0) FROM events");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  @Override
  public int pruneBefore(Instant cutoff) {
    return db.write(
        "events.prune",
        tx -> {
          try (PreparedStatement ps =
              tx.connection().prepareStatement("DELETE FROM events WHERE created_at < ?")) {
            ps.setLong(1, cutoff.toEpochMilli());
            return ps.executeUpdate();
          }
        });
  }
}
