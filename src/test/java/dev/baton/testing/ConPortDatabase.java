package dev.baton.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A ConPort database file (context.db) as ConPort 0.2 lays it out, filled with a little of
 * everything: decisions with tags, progress entries with a parent, a system pattern, custom data, a
 * link between items and one to the product context (which baton cannot link), and both contexts
 * with a product-context history. ConPort keeps times as UTC text without a zone.
 */
public final class ConPortDatabase {
  private ConPortDatabase() {}

  public static Path create(Path file) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      for (String sql : SCHEMA) {
        s.execute(sql);
      }
      s.execute("INSERT INTO product_context (id, content) VALUES (1, '{\"goal\": \"ship v2\"}')");
      s.execute("INSERT INTO active_context (id, content) VALUES (1, '{\"focus\": \"search\"}')");
      s.execute(
          "INSERT INTO product_context_history (timestamp, version, content, change_source)"
              + " VALUES ('2025-05-01 09:00:00.000000', 1, '{}', 'update_product_context'),"
              + " ('2025-05-02 09:00:00.000000', 2, '{\"goal\": \"ship v1\"}',"
              + " 'update_product_context')");
      s.execute(
          "INSERT INTO decisions (id, timestamp, summary, rationale, implementation_details, tags)"
              + " VALUES (1, '2025-05-03 10:15:30.123456', 'Use Postgres for billing',"
              + " 'transactions across services', 'one schema per service', '[\"db\", \"billing\"]'),"
              + " (2, '2025-05-04 11:00:00', 'Drop the legacy API', 'nobody calls it', NULL, NULL)");
      s.execute(
          "INSERT INTO progress_entries (id, timestamp, status, description, parent_id) VALUES"
              + " (1, '2025-05-05 08:00:00', 'IN_PROGRESS', 'Migrate billing', NULL),"
              + " (2, '2025-05-05 09:00:00', 'DONE', 'Write the billing schema', 1)");
      s.execute(
          "INSERT INTO system_patterns (id, name, description, tags) VALUES"
              + " (1, 'Outbox', 'events leave through an outbox table', '[\"events\"]')");
      s.execute(
          "INSERT INTO custom_data (id, category, key, value) VALUES"
              + " (1, 'glossary', 'ledger', '\"the book of all payments\"'),"
              + " (2, 'settings', 'retries', '{\"max\": 3}')");
      s.execute(
          "INSERT INTO context_links (workspace_id, source_item_type, source_item_id,"
              + " target_item_type, target_item_id, relationship_type, description) VALUES"
              + " ('/w', 'progress_entry', '1', 'decision', '1', 'implements', 'the migration'),"
              + " ('/w', 'decision', '2', 'product_context', '1', 'relates_to', NULL)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a ConPort database in " + file, e);
    }
    return file;
  }

  private static final String[] SCHEMA = {
    "CREATE TABLE product_context (id INTEGER PRIMARY KEY CHECK (id = 1),"
        + " content TEXT NOT NULL DEFAULT '{}')",
    "CREATE TABLE active_context (id INTEGER PRIMARY KEY CHECK (id = 1),"
        + " content TEXT NOT NULL DEFAULT '{}')",
    "CREATE TABLE decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp TIMESTAMP NOT NULL,"
        + " summary TEXT NOT NULL, rationale TEXT, implementation_details TEXT, tags TEXT)",
    "CREATE VIRTUAL TABLE decisions_fts USING fts5(summary, rationale, implementation_details,"
        + " tags, tokenize = 'porter unicode61')",
    "CREATE TABLE progress_entries (id INTEGER PRIMARY KEY AUTOINCREMENT,"
        + " timestamp TIMESTAMP NOT NULL, status TEXT NOT NULL, description TEXT NOT NULL,"
        + " parent_id INTEGER, FOREIGN KEY (parent_id) REFERENCES progress_entries(id)"
        + " ON DELETE SET NULL)",
    "CREATE TABLE system_patterns (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE NOT NULL,"
        + " description TEXT, tags TEXT, timestamp_created DATETIME DEFAULT CURRENT_TIMESTAMP,"
        + " timestamp_updated DATETIME DEFAULT CURRENT_TIMESTAMP)",
    "CREATE TABLE custom_data (id INTEGER PRIMARY KEY AUTOINCREMENT, category TEXT NOT NULL,"
        + " key TEXT NOT NULL, value TEXT NOT NULL,"
        + " timestamp_created DATETIME DEFAULT CURRENT_TIMESTAMP,"
        + " timestamp_updated DATETIME DEFAULT CURRENT_TIMESTAMP, UNIQUE(category, key))",
    "CREATE TABLE context_links (id INTEGER PRIMARY KEY AUTOINCREMENT,"
        + " timestamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, workspace_id TEXT NOT NULL,"
        + " source_item_type TEXT NOT NULL, source_item_id TEXT NOT NULL,"
        + " target_item_type TEXT NOT NULL, target_item_id TEXT NOT NULL,"
        + " relationship_type TEXT NOT NULL, description TEXT)",
    "CREATE TABLE product_context_history (id INTEGER PRIMARY KEY AUTOINCREMENT,"
        + " timestamp TIMESTAMP NOT NULL, version INTEGER NOT NULL, content TEXT NOT NULL,"
        + " change_source TEXT)",
    "CREATE TABLE active_context_history (id INTEGER PRIMARY KEY AUTOINCREMENT,"
        + " timestamp TIMESTAMP NOT NULL, version INTEGER NOT NULL, content TEXT NOT NULL,"
        + " change_source TEXT)"
  };
}
