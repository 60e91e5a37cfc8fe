package dev.baton.store.internal;

import dev.baton.events.Event;
import dev.baton.events.NewEvent;
import dev.baton.store.StoreKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Reads and writes rows of the {@code events} table. Thread-safe. */
final class EventRows {
  static final String COLUMNS = "id, created_at, type, workspace, instance_id, data";

  /** Arbitrary but fixed key of the PostgreSQL advisory lock that orders event appends. */
  private static final long APPEND_LOCK_KEY = 0x62_61_74_6f_6e_45L; // "batonE"

  private static final JsonMapper JSON = JsonMapper.shared();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final Clock clock;
  private final StoreKind kind;

  EventRows(Clock clock, StoreKind kind) {
    this.clock = clock;
    this.kind = kind;
  }

  /**
   * Makes ids visible in commit order: on PostgreSQL every appending transaction holds one advisory
   * lock until it ends. SQLite has a single writer and needs nothing.
   */
  void lockForAppend(Connection connection) throws SQLException {
    if (kind == StoreKind.POSTGRESQL) {
      try (Statement s = connection.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + APPEND_LOCK_KEY + ")");
      }
    }
  }

  Event insert(Connection connection, NewEvent event) throws SQLException {
    Instant at = clock.instant();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "INSERT INTO events (created_at, type, workspace, instance_id, data)"
                + " VALUES (?, ?, ?, ?, ?) RETURNING id")) {
      ps.setLong(1, at.toEpochMilli());
      ps.setString(2, event.type());
      setNullable(ps, 3, event.workspace());
      setNullable(ps, 4, event.instance());
      ps.setString(5, JSON.writeValueAsString(event.data()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Event(
            rs.getLong(1),
            Instant.ofEpochMilli(at.toEpochMilli()),
            event.type(),
            event.workspace(),
            event.instance(),
            event.data());
      }
    }
  }

  static Event read(ResultSet rs) throws SQLException {
    return new Event(
        rs.getLong("id"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        rs.getString("type"),
        rs.getString("workspace"),
        rs.getString("instance_id"),
        JSON.readValue(rs.getString("data"), MAP));
  }

  static void setNullable(PreparedStatement ps, int index, String value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, value);
    }
  }
}
