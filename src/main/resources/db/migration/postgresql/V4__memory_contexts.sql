-- Product context and active context (ConPort's two JSON documents): one shared pair per workspace
-- (owner ''), and an active context of each instance's own (owner = its id). Every update keeps the
-- previous version in memory_context_history, so that no content is ever lost.
CREATE TABLE memory_contexts (
  workspace   TEXT    NOT NULL,
  kind        TEXT    NOT NULL CHECK (kind IN ('product', 'active')),
  owner       TEXT    NOT NULL DEFAULT '',
  version     INTEGER NOT NULL,
  content     TEXT    NOT NULL,
  instance_id TEXT,
  updated_at  BIGINT  NOT NULL,
  PRIMARY KEY (workspace, kind, owner)
);
CREATE TABLE memory_context_history (
  workspace   TEXT    NOT NULL,
  kind        TEXT    NOT NULL,
  owner       TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  content     TEXT    NOT NULL,
  instance_id TEXT,
  updated_at  BIGINT  NOT NULL,
  PRIMARY KEY (workspace, kind, owner, version)
);
