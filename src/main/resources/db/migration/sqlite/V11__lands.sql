-- Branches queued to land on their base, one queue per workspace in id order. status: queued,
-- started, landed, conflicted, failed. Times are epoch milliseconds. branch_head, old_base and
-- new_head are the commits of the rebase (recorded before the base moves, so that a broker that
-- restarts can tell whether the base already moved); files and conflicts are JSON arrays.
CREATE TABLE lands (
  id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  workspace   TEXT    NOT NULL,
  instance_id TEXT    NOT NULL,
  branch      TEXT    NOT NULL,
  base        TEXT    NOT NULL,
  worktree    TEXT,
  status      TEXT    NOT NULL,
  queued_at   INTEGER NOT NULL,
  started_at  INTEGER,
  finished_at INTEGER,
  branch_head TEXT,
  old_base    TEXT,
  new_head    TEXT,
  files       TEXT    NOT NULL,
  conflicts   TEXT    NOT NULL,
  error       TEXT,
  note        TEXT
);
CREATE INDEX lands_by_status ON lands (status, id);
CREATE INDEX lands_by_workspace ON lands (workspace, base, status, id);
CREATE INDEX lands_by_instance ON lands (instance_id, id);
