-- Shared project memory (ConPort's items): decisions, progress entries, system patterns and custom
-- data, one table for all, so that one full-text search covers every kind. 'title' is a
-- decision's summary, a progress entry's description, a pattern's name or a custom item's key;
-- 'body' is the rationale, the pattern's description or the custom item's JSON value. Tags are a
-- JSON array of strings. A private item is visible only to the instance that wrote it. Times are
-- epoch milliseconds. instance_id is not a foreign key: items outlive the instance that wrote them.
CREATE TABLE memory_items (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace   TEXT    NOT NULL,
  kind        TEXT    NOT NULL
              CHECK (kind IN ('decision', 'progress', 'system_pattern', 'custom_data')),
  title       TEXT    NOT NULL,
  category    TEXT,
  body        TEXT,
  details     TEXT,
  status      TEXT,
  parent_id   BIGINT REFERENCES memory_items (id),
  tags        TEXT    NOT NULL DEFAULT '[]',
  instance_id TEXT,
  private     INTEGER NOT NULL DEFAULT 0,
  created_at  BIGINT  NOT NULL,
  updated_at  BIGINT  NOT NULL,
  -- Weighted like SQLite's bm25 columns: the title counts most.
  search      tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('english', title), 'A')
                || setweight(to_tsvector('english', coalesce(body, '') || ' ' || tags), 'B')
                || setweight(to_tsvector('english',
                     coalesce(details, '') || ' ' || coalesce(category, '')), 'C')) STORED
);
CREATE INDEX memory_by_workspace_kind ON memory_items (workspace, kind, id);
CREATE UNIQUE INDEX memory_pattern_names ON memory_items (workspace, title)
  WHERE kind = 'system_pattern';
CREATE UNIQUE INDEX memory_custom_keys ON memory_items (workspace, category, title)
  WHERE kind = 'custom_data';
CREATE INDEX memory_search ON memory_items USING GIN (search);
