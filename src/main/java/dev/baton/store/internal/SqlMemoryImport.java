package dev.baton.store.internal;

import dev.baton.memory.ConPortImport;
import dev.baton.memory.ImportSummary;
import dev.baton.memory.MemoryContext;
import dev.baton.memory.MemoryKind;
import dev.baton.memory.NewMemoryItem;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * An import, inside the caller's transaction: items and links by origin (what is there already is
 * left alone), then parents, then contexts. A custom item or pattern whose key baton already holds
 * (written in baton, not imported) is skipped, so that nothing stored is overwritten.
 */
final class SqlMemoryImport {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final SqlMemoryStore store;
  private final Connection c;
  private final Tx tx;
  private final String workspace;
  private final Map<String, Long> ids = new HashMap<>();
  private final List<String> skipped = new ArrayList<>();
  private int added;
  private int alreadyThere;

  SqlMemoryImport(SqlMemoryStore store, Tx tx, String workspace) {
    this.store = store;
    this.tx = tx;
    this.c = tx.connection();
    this.workspace = workspace;
  }

  ImportSummary run(ConPortImport batch, Instant at) throws SQLException {
    for (ConPortImport.Item i : batch.items()) {
      tx.checkAwaited(); // a large import whose caller timed out stops here and rolls back
      item(i);
    }
    for (ConPortImport.Item i : batch.items()) {
      Long id = ids.get(i.origin());
      Long parent = i.parentOrigin() == null ? null : ids.get(i.parentOrigin());
      if (id != null && parent != null) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "UPDATE memory_items SET parent_id = ? WHERE id = ? AND parent_id IS NULL")) {
          ps.setLong(1, parent);
          ps.setLong(2, id);
          ps.executeUpdate();
        }
      }
    }
    int links = 0;
    for (ConPortImport.Link l : batch.links()) {
      tx.checkAwaited();
      links += link(l) ? 1 : 0;
    }
    int contexts = 0;
    for (ConPortImport.Context ctx : batch.contexts()) {
      contexts += context(ctx, at) ? 1 : 0;
    }
    return new ImportSummary(added, alreadyThere, links, contexts, skipped);
  }

  private void item(ConPortImport.Item i) throws SQLException {
    Long known = idOf("memory_items", i.origin());
    if (known != null) {
      ids.put(i.origin(), known);
      alreadyThere++;
      return;
    }
    NewMemoryItem n = i.item();
    if (n.kind() == MemoryKind.SYSTEM_PATTERN || n.kind() == MemoryKind.CUSTOM_DATA) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id FROM memory_items WHERE workspace = ? AND kind = ? AND title = ?"
                  + " AND (category = ? OR (category IS NULL AND ? IS NULL))")) {
        ps.setString(1, workspace);
        ps.setString(2, n.kind().wireName());
        ps.setString(3, n.title());
        ps.setString(4, n.category());
        ps.setString(5, n.category());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            skipped.add(
                i.origin()
                    + ": baton already has "
                    + n.kind().wireName()
                    + " '"
                    + (n.category() == null ? "" : n.category() + "/")
                    + n.title()
                    + "' (item "
                    + rs.getLong(1)
                    + "); it was kept");
            return;
          }
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO memory_items (workspace, kind, title, category, body, details, status,"
                + " tags, instance_id, private, created_at, updated_at, origin)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
      ps.setString(1, workspace);
      ps.setString(2, n.kind().wireName());
      ps.setString(3, n.title());
      ps.setString(4, n.category());
      ps.setString(5, n.body());
      ps.setString(6, n.details());
      ps.setString(7, n.status());
      ps.setString(8, JSON.writeValueAsString(n.tags()));
      ps.setString(9, n.instance());
      ps.setInt(10, n.isPrivate() ? 1 : 0);
      ps.setLong(11, i.createdAt().toEpochMilli());
      ps.setLong(12, i.updatedAt().toEpochMilli());
      ps.setString(13, i.origin());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        ids.put(i.origin(), rs.getLong(1));
      }
    }
    added++;
  }

  private boolean link(ConPortImport.Link l) throws SQLException {
    if (idOf("memory_links", l.origin()) != null) {
      return false;
    }
    Long source = ids.get(l.sourceOrigin());
    Long target = ids.get(l.targetOrigin());
    if (source == null || target == null) {
      skipped.add(
          l.origin()
              + ": links "
              + l.sourceOrigin()
              + " to "
              + l.targetOrigin()
              + ", and baton links only items it holds (decisions, progress, patterns, custom"
              + " data)");
      return false;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id FROM memory_links WHERE source_id = ? AND target_id = ?"
                + " AND relationship = ?")) {
      ps.setLong(1, source);
      ps.setLong(2, target);
      ps.setString(3, l.relationship());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          // The same two items and relationship, linked in baton already: keep that link.
          skipped.add(
              l.origin() + ": the same link exists in baton already (link " + rs.getLong(1) + ")");
          return false;
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO memory_links (workspace, source_id, target_id, relationship,"
                + " description, instance_id, created_at, origin)"
                + " VALUES (?, ?, ?, ?, ?, NULL, ?, ?)")) {
      ps.setString(1, workspace);
      ps.setLong(2, source);
      ps.setLong(3, target);
      ps.setString(4, l.relationship());
      ps.setString(5, l.description());
      ps.setLong(6, l.createdAt().toEpochMilli());
      ps.setString(7, l.origin());
      ps.executeUpdate();
    }
    return true;
  }

  /**
   * A new version when the content differs from baton's; the first time, ConPort's history comes
   * first.
   */
  private boolean context(ConPortImport.Context ctx, Instant at) throws SQLException {
    Optional<MemoryContext> current = store.lockContext(c, workspace, ctx.kind(), null);
    if (current.isPresent()
        ? JSON.valueToTree(current.get().content()).equals(JSON.valueToTree(ctx.content()))
        : ctx.content().isEmpty() && ctx.history().isEmpty()) {
      return false;
    }
    int version = current.map(MemoryContext::version).orElse(0) + 1;
    if (current.isEmpty()) {
      for (Map<String, Object> old : ctx.history()) {
        SqlMemoryStore.contextHistory(c, workspace, ctx.kind(), null, version++, old, null, at);
      }
    }
    SqlMemoryStore.putContext(
        c, workspace, ctx.kind(), null, current, version, ctx.content(), null, at);
    return true;
  }

  private Long idOf(String table, String origin) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT id FROM " + table + " WHERE workspace = ? AND origin = ?")) {
      ps.setString(1, workspace);
      ps.setString(2, origin);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }
}
