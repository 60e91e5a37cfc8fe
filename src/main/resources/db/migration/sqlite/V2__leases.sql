-- File leases: an instance holds a path or glob (relative to the workspace root), exclusive or
-- shared, until it expires. Times are epoch milliseconds. Deleting an instance deletes its leases
-- in the same transaction (the store does it, so that each release is an event).
CREATE TABLE leases (
  id            INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  workspace     TEXT    NOT NULL,
  instance_id   TEXT    NOT NULL REFERENCES instances (id),
  role          TEXT    NOT NULL,
  pattern       TEXT    NOT NULL,
  glob          INTEGER NOT NULL,
  mode          TEXT    NOT NULL CHECK (mode IN ('exclusive', 'shared')),
  reason        TEXT,
  fencing_token INTEGER NOT NULL,
  ttl_ms        INTEGER NOT NULL,
  acquired_at   INTEGER NOT NULL,
  renewed_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL
);
CREATE INDEX leases_by_workspace ON leases (workspace);
CREATE INDEX leases_by_instance ON leases (instance_id);
CREATE INDEX leases_by_expiry ON leases (expires_at);

-- The last fencing token granted per workspace; tokens only grow, even when leases are deleted.
CREATE TABLE lease_fencing (
  workspace  TEXT    NOT NULL PRIMARY KEY,
  last_token INTEGER NOT NULL
);
