package dev.baton.store.internal;

import dev.baton.events.NewEvent;
import dev.baton.focus.FocusMode;
import dev.baton.focus.FocusState;
import dev.baton.focus.FocusStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The focus timer's store on SQLite or PostgreSQL (the SQL is the same). Thread-safe. */
final class SqlFocusStore implements FocusStore {
  private static final String COLUMNS =
      "version, mode, since, until_at, block, snoozes, worked_since, last_activity,"
          + " hyperfocus_at";

  private final Database db;

  SqlFocusStore(Database db) {
    this.db = db;
  }

  @Override
  public Optional<FocusState> load() {
    return db.read(
        "focus.load",
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT " + COLUMNS + " FROM focus WHERE id = 1");
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(state(rs)) : Optional.empty();
          }
        });
  }

  @Override
  public Optional<FocusState> replace(long expected, FocusState next, List<NewEvent> events) {
    long version = expected + 1;
    return db.write(
        "focus.replace",
        tx -> {
          String sql =
              expected == 0
                  ? "INSERT INTO focus (id, "
                      + COLUMNS
                      + ") VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"
                  : "UPDATE focus SET version = ?, mode = ?, since = ?, until_at = ?, block = ?,"
                      + " snoozes = ?, worked_since = ?, last_activity = ?, hyperfocus_at = ?"
                      + " WHERE id = 1 AND version = ?";
          try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
            ps.setLong(1, version);
            ps.setString(2, next.mode().wireName());
            setInstant(ps, 3, next.since());
            setInstant(ps, 4, next.until());
            ps.setInt(5, next.block());
            ps.setInt(6, next.snoozes());
            setInstant(ps, 7, next.workedSince());
            setInstant(ps, 8, next.lastActivity());
            setInstant(ps, 9, next.hyperfocusAt());
            if (expected != 0) {
              ps.setLong(10, expected);
            }
            if (ps.executeUpdate() != 1) {
              return Optional.<FocusState>empty(); // another writer came first
            }
          }
          for (NewEvent e : events) {
            tx.emit(e);
          }
          return Optional.of(
              new FocusState(
                  version,
                  next.mode(),
                  next.since(),
                  next.until(),
                  next.block(),
                  next.snoozes(),
                  next.workedSince(),
                  next.lastActivity(),
                  next.hyperfocusAt()));
        });
  }

  private static FocusState state(ResultSet rs) throws SQLException {
    return new FocusState(
        rs.getLong("version"),
        FocusMode.parse(rs.getString("mode")),
        instant(rs, "since"),
        instant(rs, "until_at"),
        rs.getInt("block"),
        rs.getInt("snoozes"),
        instant(rs, "worked_since"),
        instant(rs, "last_activity"),
        instant(rs, "hyperfocus_at"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long ms = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(ms);
  }

  private static void setInstant(PreparedStatement ps, int index, Instant value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, value.toEpochMilli());
    }
  }
}
