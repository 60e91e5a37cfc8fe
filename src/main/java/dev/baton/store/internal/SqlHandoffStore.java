package dev.baton.store.internal;

import dev.baton.core.InvalidInputException;
import dev.baton.events.NewEvent;
import dev.baton.handoff.Checkpoint;
import dev.baton.handoff.Handoff;
import dev.baton.handoff.HandoffStatus;
import dev.baton.handoff.HandoffStore;
import dev.baton.handoff.Importance;
import dev.baton.handoff.InboxEntry;
import dev.baton.handoff.Message;
import dev.baton.handoff.NewHandoff;
import dev.baton.leases.Lease;
import dev.baton.leases.LeaseTransfer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Handoffs, messages (one delivery row per recipient) and checkpoints; lists and the active context
 * are stored as JSON text, the same on both backends. Sending a handoff moves leases through the
 * lease store in the same transaction. Thread-safe.
 */
final class SqlHandoffStore implements HandoffStore {
  private static final String HANDOFF_COLUMNS =
      "id, workspace, from_instance, to_instance, to_role, kind, summary, files, leases,"
          + " checkpoints, status, answer, created_at, answered_at, expires_at";
  private static final String ENTRY_COLUMNS =
      "m.id, m.workspace, m.from_instance, m.address, m.importance, m.body, m.ack_requested,"
          + " m.handoff_id, m.created_at, d.recipient, d.read_at, d.acked_at";
  private static final String CHECKPOINT_COLUMNS =
      "id, workspace, instance_id, role, reason, summary, active_context, leases, branch, head,"
          + " changed_files, items, created_at";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<List<Long>> LONGS = new TypeReference<>() {};
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private final Database db;
  private final SqlLeaseStore leases;

  /**
   * @param leases the lease store on the same database, whose leases a handoff moves in its own
   *     transaction
   */
  SqlHandoffStore(Database db, SqlLeaseStore leases) {
    this.db = db;
    this.leases = leases;
  }

  @Override
  public Handoff send(NewHandoff sending) {
    LeaseTransfer transfer = sending.transfer();
    return db.write(
        "handoffs.send",
        tx -> {
          List<Lease> moved =
              transfer == null
                  ? List.of()
                  : leases.inWorkspace(tx, transfer.workspace(), transfer::run);
          Checkpoint checkpoint =
              insertCheckpoint(tx, sending.checkpoint().apply(moved), sending.checkpointEvent());
          Handoff stored =
              insertHandoff(tx.connection(), sending.handoff().apply(checkpoint, moved));
          tell(tx, stored, sending.notice());
          tx.emit(sending.event().apply(stored));
          return stored;
        });
  }

  private static Handoff insertHandoff(Connection c, Handoff draft) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO handoffs (workspace, from_instance, to_instance, to_role, kind,"
                + " summary, files, leases, checkpoints, status, answer, created_at,"
                + " answered_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " RETURNING "
                + HANDOFF_COLUMNS)) {
      ps.setString(1, draft.workspace().toString());
      ps.setString(2, draft.from());
      EventRows.setNullable(ps, 3, draft.to());
      EventRows.setNullable(ps, 4, draft.toRole());
      ps.setString(5, draft.kind());
      ps.setString(6, draft.summary());
      ps.setString(7, json(draft.files()));
      ps.setString(8, json(draft.leases()));
      ps.setString(9, json(draft.checkpoints()));
      ps.setString(10, draft.status().wireName());
      EventRows.setNullable(ps, 11, draft.answer());
      ps.setLong(12, draft.createdAt().toEpochMilli());
      setInstant(ps, 13, draft.answeredAt());
      ps.setLong(14, draft.expiresAt().toEpochMilli());
      return oneHandoff(ps).orElseThrow();
    }
  }

  @Override
  public Optional<Handoff> findHandoff(long id) {
    return db.read(
        "handoffs.find",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + HANDOFF_COLUMNS + " FROM handoffs WHERE id = ?")) {
            ps.setLong(1, id);
            return oneHandoff(ps);
          }
        });
  }

  @Override
  public Optional<Handoff> updatePending(
      Handoff draft,
      LeaseTransfer transfer,
      Function<List<Lease>, Handoff> withMoved,
      Function<Handoff, Message> notice,
      Function<Handoff, NewEvent> event) {
    return db.write(
        "handoffs.update",
        tx -> {
          // the update claims the row first, so that a concurrent answer waits for this one and
          // then finds it answered, before any lease moves
          Optional<Handoff> stored = update(tx.connection(), draft, true);
          if (stored.isEmpty()) {
            return stored;
          }
          if (transfer != null) {
            List<Lease> moved = leases.inWorkspace(tx, transfer.workspace(), transfer::run);
            Handoff changed = withMoved.apply(moved);
            if (!changed.leases().equals(stored.get().leases())) {
              stored = update(tx.connection(), changed, false);
            }
          }
          tell(tx, stored.get(), notice);
          tx.emit(event.apply(stored.get()));
          return stored;
        });
  }

  /** Updates the handoff's row; only while it is pending, or (in the same transaction) anyway. */
  private static Optional<Handoff> update(Connection c, Handoff changed, boolean onlyPending)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE handoffs SET to_instance = ?, leases = ?, status = ?, answer = ?,"
                + " answered_at = ? WHERE id = ?"
                + (onlyPending ? " AND status = 'pending'" : "")
                + " RETURNING "
                + HANDOFF_COLUMNS)) {
      EventRows.setNullable(ps, 1, changed.to());
      ps.setString(2, json(changed.leases()));
      ps.setString(3, changed.status().wireName());
      EventRows.setNullable(ps, 4, changed.answer());
      setInstant(ps, 5, changed.answeredAt());
      ps.setLong(6, changed.id());
      return oneHandoff(ps);
    }
  }

  @Override
  public List<Handoff> handoffs(
      String workspace, String instance, HandoffStatus status, int limit) {
    return db.read(
        "handoffs.list",
        c -> {
          StringBuilder sql =
              new StringBuilder("SELECT " + HANDOFF_COLUMNS + " FROM handoffs WHERE 1 = 1");
          List<Object> args = new ArrayList<>();
          if (workspace != null) {
            sql.append(" AND workspace = ?");
            args.add(workspace);
          }
          if (instance != null) {
            sql.append(" AND (from_instance = ? OR to_instance = ?)");
            args.add(instance);
            args.add(instance);
          }
          if (status != null) {
            sql.append(" AND status = ?");
            args.add(status.wireName());
          }
          sql.append(" ORDER BY id DESC LIMIT ?");
          args.add(limit);
          return handoffs(c, sql.toString(), args);
        });
  }

  @Override
  public List<Handoff> overdue(Instant now) {
    return db.read(
        "handoffs.overdue",
        c ->
            handoffs(
                c,
                "SELECT "
                    + HANDOFF_COLUMNS
                    + " FROM handoffs WHERE status = 'pending' AND expires_at <= ? ORDER BY id",
                List.of(now.toEpochMilli())));
  }

  @Override
  public List<Handoff> waitingForRole(String workspace, String role) {
    return db.read(
        "handoffs.waiting",
        c ->
            handoffs(
                c,
                "SELECT "
                    + HANDOFF_COLUMNS
                    + " FROM handoffs WHERE status = 'pending' AND to_instance IS NULL"
                    + " AND workspace = ? AND to_role = ? ORDER BY id",
                List.of(workspace, role)));
  }

  @Override
  public Message insertMessage(
      Message draft, List<String> recipients, BiFunction<Message, String, NewEvent> event) {
    return db.write(
        "messages.insert",
        tx -> {
          Message stored = insertMessage(tx.connection(), draft, recipients);
          for (String r : recipients) {
            tx.emit(event.apply(stored, r));
          }
          return stored;
        });
  }

  private void tell(Tx tx, Handoff handoff, Function<Handoff, Message> notice) throws SQLException {
    Message m = notice == null ? null : notice.apply(handoff);
    if (m != null) {
      String recipient = m.address();
      insertMessage(tx.connection(), m, List.of(recipient));
    }
  }

  private static Message insertMessage(Connection c, Message draft, List<String> recipients)
      throws SQLException {
    long id;
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO messages (workspace, from_instance, address, importance, body,"
                + " ack_requested, handoff_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                + " RETURNING id")) {
      ps.setString(1, draft.workspace().toString());
      ps.setString(2, draft.from());
      ps.setString(3, draft.address());
      ps.setString(4, draft.importance().wireName());
      ps.setString(5, draft.text());
      ps.setInt(6, draft.ackRequested() ? 1 : 0);
      if (draft.handoffId() == null) {
        ps.setNull(7, Types.BIGINT);
      } else {
        ps.setLong(7, draft.handoffId());
      }
      ps.setLong(8, draft.createdAt().toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        id = rs.getLong(1);
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO message_deliveries (message_id, recipient) VALUES (?, ?)")) {
      for (String r : new LinkedHashSet<>(recipients)) {
        ps.setLong(1, id);
        ps.setString(2, r);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    return new Message(
        id,
        draft.workspace(),
        draft.from(),
        draft.address(),
        draft.importance(),
        draft.text(),
        draft.ackRequested(),
        draft.handoffId(),
        draft.createdAt());
  }

  @Override
  public List<InboxEntry> inbox(String recipient, boolean unreadOnly, Instant since, int limit) {
    return db.read(
        "messages.inbox",
        c -> {
          StringBuilder sql =
              new StringBuilder(
                  "SELECT "
                      + ENTRY_COLUMNS
                      + " FROM message_deliveries d JOIN messages m ON m.id = d.message_id"
                      + " WHERE d.recipient = ?");
          List<Object> args = new ArrayList<>(List.of(recipient));
          if (unreadOnly) {
            sql.append(" AND d.read_at IS NULL");
          }
          if (since != null) {
            sql.append(" AND m.created_at > ?");
            args.add(since.toEpochMilli());
          }
          sql.append(" ORDER BY m.id DESC LIMIT ?");
          args.add(limit);
          return entries(c, sql.toString(), args);
        });
  }

  @Override
  public Map<String, Integer> unreadCounts(Importance importance) {
    return db.read(
        "messages.unread_counts",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT d.recipient, COUNT(*) FROM message_deliveries d"
                      + " JOIN messages m ON m.id = d.message_id"
                      + " WHERE d.read_at IS NULL AND m.importance = ? GROUP BY d.recipient")) {
            ps.setString(1, importance.wireName());
            Map<String, Integer> counts = new java.util.TreeMap<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                counts.put(rs.getString(1), rs.getInt(2));
              }
            }
            return counts;
          }
        });
  }

  @Override
  public int markRead(String recipient, List<Long> messageIds, Instant at) {
    if (messageIds.isEmpty()) {
      return 0;
    }
    return db.write(
        "messages.read",
        tx -> {
          int n = 0;
          try (PreparedStatement ps =
              tx.connection()
                  .prepareStatement(
                      "UPDATE message_deliveries SET read_at = ? WHERE recipient = ?"
                          + " AND message_id = ? AND read_at IS NULL")) {
            for (long id : messageIds) {
              ps.setLong(1, at.toEpochMilli());
              ps.setString(2, recipient);
              ps.setLong(3, id);
              n += ps.executeUpdate();
            }
          }
          return n;
        });
  }

  @Override
  public List<InboxEntry> acknowledge(
      String recipient, List<Long> messageIds, Instant at, Function<InboxEntry, NewEvent> event) {
    return db.write(
        "messages.ack",
        tx -> {
          List<InboxEntry> out = new ArrayList<>();
          Set<Long> ids = new LinkedHashSet<>(messageIds);
          for (long id : ids) {
            try (PreparedStatement ps =
                tx.connection()
                    .prepareStatement(
                        "UPDATE message_deliveries SET acked_at = COALESCE(acked_at, ?),"
                            + " read_at = COALESCE(read_at, ?) WHERE recipient = ? AND message_id = ?")) {
              ps.setLong(1, at.toEpochMilli());
              ps.setLong(2, at.toEpochMilli());
              ps.setString(3, recipient);
              ps.setLong(4, id);
              if (ps.executeUpdate() == 0) {
                throw new InvalidInputException(
                    "message " + id + " is not in the inbox of " + recipient,
                    Map.of("field", "ack", "message", id));
              }
            }
            List<InboxEntry> entry =
                entries(
                    tx.connection(),
                    "SELECT "
                        + ENTRY_COLUMNS
                        + " FROM message_deliveries d JOIN messages m ON m.id = d.message_id"
                        + " WHERE d.recipient = ? AND m.id = ?",
                    List.of(recipient, id));
            out.addAll(entry);
            for (InboxEntry e : entry) {
              tx.emit(event.apply(e));
            }
          }
          return out;
        });
  }

  @Override
  public List<InboxEntry> deliveries(long messageId) {
    return db.read(
        "messages.deliveries",
        c ->
            entries(
                c,
                "SELECT "
                    + ENTRY_COLUMNS
                    + " FROM message_deliveries d JOIN messages m ON m.id = d.message_id"
                    + " WHERE m.id = ? ORDER BY d.recipient",
                List.of(messageId)));
  }

  @Override
  public int prune(Instant before) {
    long at = before.toEpochMilli();
    return db.write(
        "handoffs.prune",
        tx -> {
          Connection c = tx.connection();
          int n = 0;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM checkpoints WHERE created_at < ? AND id NOT IN"
                      + " (SELECT MAX(id) FROM checkpoints GROUP BY instance_id)")) {
            ps.setLong(1, at);
            n += ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM messages WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM"
                      + " message_deliveries d WHERE d.message_id = messages.id AND d.read_at IS NULL)")) {
            ps.setLong(1, at);
            n += ps.executeUpdate(); // their deliveries go with them (ON DELETE CASCADE)
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM handoffs WHERE status <> 'pending' AND created_at < ? AND NOT EXISTS"
                      + " (SELECT 1 FROM messages m WHERE m.handoff_id = handoffs.id)")) {
            ps.setLong(1, at);
            n += ps.executeUpdate();
          }
          return n;
        });
  }

  @Override
  public Checkpoint insertCheckpoint(Checkpoint draft, Function<Checkpoint, NewEvent> event) {
    return db.write("checkpoints.insert", tx -> insertCheckpoint(tx, draft, event));
  }

  private static Checkpoint insertCheckpoint(
      Tx tx, Checkpoint draft, Function<Checkpoint, NewEvent> event) throws SQLException {
    Checkpoint stored;
    try (PreparedStatement ps =
        tx.connection()
            .prepareStatement(
                "INSERT INTO checkpoints (workspace, instance_id, role, reason, summary,"
                    + " active_context, leases, branch, head, changed_files, items, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING "
                    + CHECKPOINT_COLUMNS)) {
      ps.setString(1, draft.workspace().toString());
      ps.setString(2, draft.instance());
      ps.setString(3, draft.role());
      ps.setString(4, draft.reason());
      EventRows.setNullable(ps, 5, draft.summary());
      ps.setString(6, json(draft.activeContext()));
      ps.setString(7, json(draft.leases()));
      EventRows.setNullable(ps, 8, draft.branch());
      EventRows.setNullable(ps, 9, draft.head());
      ps.setString(10, json(draft.changedFiles()));
      ps.setString(11, json(draft.items()));
      ps.setLong(12, draft.createdAt().toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        stored = checkpoint(rs);
      }
    }
    NewEvent e = event.apply(stored);
    if (e != null) {
      tx.emit(e);
    }
    return stored;
  }

  @Override
  public List<Checkpoint> checkpoints(
      String workspace, String instance, boolean latestOnly, int limit) {
    return db.read(
        "checkpoints.list",
        c -> {
          StringBuilder where = new StringBuilder(" WHERE 1 = 1");
          List<Object> args = new ArrayList<>();
          if (workspace != null) {
            where.append(" AND workspace = ?");
            args.add(workspace);
          }
          if (instance != null) {
            where.append(" AND instance_id = ?");
            args.add(instance);
          }
          String sql =
              latestOnly
                  ? "SELECT "
                      + CHECKPOINT_COLUMNS
                      + " FROM checkpoints WHERE id IN (SELECT MAX(id) FROM checkpoints"
                      + where
                      + " GROUP BY instance_id) ORDER BY id DESC LIMIT ?"
                  : "SELECT "
                      + CHECKPOINT_COLUMNS
                      + " FROM checkpoints"
                      + where
                      + " ORDER BY id DESC LIMIT ?";
          args.add(limit);
          return rows(c, sql, args, SqlHandoffStore::checkpoint);
        });
  }

  /** Reads one row into a value. */
  private interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** Every row the query gives, read by {@code row}. */
  private static <T> List<T> rows(Connection c, String sql, List<Object> args, Row<T> row)
      throws SQLException {
    List<T> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row.read(rs));
        }
      }
    }
    return out;
  }

  private static List<Handoff> handoffs(Connection c, String sql, List<Object> args)
      throws SQLException {
    return rows(c, sql, args, SqlHandoffStore::handoff);
  }

  private static Optional<Handoff> oneHandoff(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(handoff(rs)) : Optional.empty();
    }
  }

  private static Handoff handoff(ResultSet rs) throws SQLException {
    return new Handoff(
        rs.getLong("id"),
        Path.of(rs.getString("workspace")),
        rs.getString("from_instance"),
        rs.getString("to_instance"),
        rs.getString("to_role"),
        rs.getString("kind"),
        rs.getString("summary"),
        JSON.readValue(rs.getString("files"), STRINGS),
        JSON.readValue(rs.getString("leases"), STRINGS),
        JSON.readValue(rs.getString("checkpoints"), LONGS),
        HandoffStatus.of(rs.getString("status")),
        rs.getString("answer"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        instant(rs, "answered_at"),
        Instant.ofEpochMilli(rs.getLong("expires_at")));
  }

  private static List<InboxEntry> entries(Connection c, String sql, List<Object> args)
      throws SQLException {
    return rows(c, sql, args, SqlHandoffStore::entry);
  }

  private static InboxEntry entry(ResultSet rs) throws SQLException {
    long handoff = rs.getLong(8);
    Long handoffId = rs.wasNull() ? null : handoff;
    Message m =
        new Message(
            rs.getLong(1),
            Path.of(rs.getString(2)),
            rs.getString(3),
            rs.getString(4),
            Importance.of(rs.getString(5)),
            rs.getString(6),
            rs.getInt(7) != 0,
            handoffId,
            Instant.ofEpochMilli(rs.getLong(9)));
    return new InboxEntry(m, rs.getString(10), instant(rs, "read_at"), instant(rs, "acked_at"));
  }

  private static Checkpoint checkpoint(ResultSet rs) throws SQLException {
    return new Checkpoint(
        rs.getLong("id"),
        Path.of(rs.getString("workspace")),
        rs.getString("instance_id"),
        rs.getString("role"),
        rs.getString("reason"),
        rs.getString("summary"),
        JSON.readValue(rs.getString("active_context"), OBJECT),
        JSON.readValue(rs.getString("leases"), STRINGS),
        rs.getString("branch"),
        rs.getString("head"),
        JSON.readValue(rs.getString("changed_files"), STRINGS),
        JSON.readValue(rs.getString("items"), STRINGS),
        Instant.ofEpochMilli(rs.getLong("created_at")));
  }

  private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
    for (int i = 0; i < args.size(); i++) {
      Object a = args.get(i);
      if (a instanceof String s) {
        ps.setString(i + 1, s);
      } else {
        ps.setLong(i + 1, ((Number) a).longValue());
      }
    }
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static void setInstant(PreparedStatement ps, int index, Instant value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, value.toEpochMilli());
    }
  }

  private static String json(Object value) {
    return JSON.writeValueAsString(value);
  }
}
