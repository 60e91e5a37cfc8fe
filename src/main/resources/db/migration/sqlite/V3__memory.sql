-- Shared project memory (ConPort's items): decisions, progress entries, system patterns and custom
-- data, one table for all, so that one full-text search covers every kind. 'title' is a
-- decision's summary, a progress entry's description, a pattern's name or a custom item's key;
-- 'body' is the rationale, the pattern's description or the custom item's JSON value. Tags are a
-- JSON array of strings. A private item is visible only to the instance that wrote it. Times are
-- epoch milliseconds. instance_id is not a foreign key: items outlive the instance that wrote them.
CREATE TABLE memory_items (
  id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  workspace   TEXT    NOT NULL,
  kind        TEXT    NOT NULL
              CHECK (kind IN ('decision', 'progress', 'system_pattern', 'custom_data')),
  title       TEXT    NOT NULL,
  category    TEXT,
  body        TEXT,
  details     TEXT,
  status      TEXT,
  parent_id   INTEGER REFERENCES memory_items (id),
  tags        TEXT    NOT NULL DEFAULT '[]',
  instance_id TEXT,
  private     INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX memory_by_workspace_kind ON memory_items (workspace, kind, id);
CREATE UNIQUE INDEX memory_pattern_names ON memory_items (workspace, title)
  WHERE kind = 'system_pattern';
CREATE UNIQUE INDEX memory_custom_keys ON memory_items (workspace, category, title)
  WHERE kind = 'custom_data';

-- Full-text index over the items (external content: the text lives in memory_items once).
CREATE VIRTUAL TABLE memory_fts USING fts5(
  title, body, details, tags, category,
  content = 'memory_items', content_rowid = 'id', tokenize = 'porter unicode61');
CREATE TRIGGER memory_fts_insert AFTER INSERT ON memory_items BEGIN
  INSERT INTO memory_fts (rowid, title, body, details, tags, category)
  VALUES (new.id, new.title, new.body, new.details, new.tags, new.category);
END;
CREATE TRIGGER memory_fts_delete AFTER DELETE ON memory_items BEGIN
  INSERT INTO memory_fts (memory_fts, rowid, title, body, details, tags, category)
  VALUES ('delete', old.id, old.title, old.body, old.details, old.tags, old.category);
END;
CREATE TRIGGER memory_fts_update AFTER UPDATE ON memory_items BEGIN
  INSERT INTO memory_fts (memory_fts, rowid, title, body, details, tags, category)
  VALUES ('delete', old.id, old.title, old.body, old.details, old.tags, old.category);
  INSERT INTO memory_fts (rowid, title, body, details, tags, category)
  VALUES (new.id, new.title, new.body, new.details, new.tags, new.category);
END;
