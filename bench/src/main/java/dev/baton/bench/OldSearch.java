package dev.baton.bench;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The memory search as it was before issue 17 (every match ranked, then the best 20 kept), run over
 * JDBC on a broker's own store, to compare its top 20 with the broker's and to time it. A copy of
 * the old SQL with the filters the benchmark uses (workspace and viewer); not for the broker.
 */
final class OldSearch implements AutoCloseable {
  private static final String FILTERS =
      " AND m.workspace = ? AND (m.private = 0 OR m.instance_id = ?)";
  private static final String SQLITE =
      "SELECT m.id, -bm25(memory_fts, 8.0, 4.0, 2.0, 4.0, 1.0) AS score"
          + " FROM memory_fts JOIN memory_items m ON m.id = memory_fts.rowid"
          + " WHERE memory_fts MATCH ?"
          + FILTERS
          + " ORDER BY score DESC, m.id DESC LIMIT ?";
  private static final String POSTGRES =
      "SELECT m.id, ts_rank(m.search, q) AS score"
          + " FROM memory_items m, plainto_tsquery('english', ?) q WHERE m.search @@ q"
          + FILTERS
          + " ORDER BY score DESC, m.id DESC LIMIT ?";
  private static final String SQLITE_COUNT =
      "SELECT count(*) FROM memory_fts JOIN memory_items m ON m.id = memory_fts.rowid"
          + " WHERE memory_fts MATCH ?"
          + FILTERS;
  private static final String POSTGRES_COUNT =
      "SELECT count(*) FROM memory_items m WHERE m.search @@ plainto_tsquery('english', ?)"
          + FILTERS;

  private final Connection connection;
  private final boolean sqlite;
  private final String workspace;
  private final String viewer;

  private OldSearch(Connection connection, boolean sqlite, String workspace, String viewer) {
    this.connection = connection;
    this.sqlite = sqlite;
    this.workspace = workspace;
    this.viewer = viewer;
  }

  /**
   * Opens the store of a broker started with {@code storeUrl} ({@code sqlite} for the data
   * directory's file, or a {@code postgresql://} URL); searches its newest item's workspace.
   */
  static OldSearch open(String storeUrl, Path dataDir, String viewer) {
    try {
      Connection c;
      if (storeUrl.equals("sqlite")) {
        c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("baton.db"));
      } else {
        URI uri = URI.create(storeUrl);
        String[] user = uri.getUserInfo().split(":", 2);
        c =
            DriverManager.getConnection(
                "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(),
                user[0],
                user.length > 1 ? user[1] : null);
      }
      try (PreparedStatement ps =
              c.prepareStatement("SELECT workspace FROM memory_items ORDER BY id DESC LIMIT 1");
          ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("the store " + storeUrl + " holds no memory items");
        }
        return new OldSearch(c, storeUrl.equals("sqlite"), rs.getString(1), viewer);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open the store " + storeUrl + ": " + e.getMessage());
    }
  }

  /** The ids of the best {@code limit} items for {@code text}, best first. */
  List<Long> top(String text, int limit) throws SQLException {
    try (PreparedStatement ps = prepare(sqlite ? SQLITE : POSTGRES, text)) {
      ps.setInt(4, limit);
      List<Long> ids = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
      return ids;
    }
  }

  /** How many items match {@code text}. */
  long matches(String text) throws SQLException {
    try (PreparedStatement ps = prepare(sqlite ? SQLITE_COUNT : POSTGRES_COUNT, text);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private PreparedStatement prepare(String sql, String text) throws SQLException {
    PreparedStatement ps = connection.prepareStatement(sql);
    ps.setString(1, sqlite ? phrases(text) : text);
    ps.setString(2, workspace);
    ps.setString(3, viewer);
    return ps;
  }

  /** The benchmark's words (letters and digits) as FTS5 phrases, as the store writes them. */
  private static String phrases(String text) {
    return String.join(" ", List.of(text.split(" ")).stream().map(w -> "\"" + w + "\"").toList());
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
