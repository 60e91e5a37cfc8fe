-- Lease requests that wait on a broker node, recorded so that every node sharing this store queues
-- its newcomers behind the requests that came first on any node (first come, first served across
-- nodes). id is the order of arrival. node names the broker node that waits; a row whose node no
-- longer listens (no session named 'baton-events <node>') is ignored. patterns: a JSON array of
-- {"text", "glob"}. since and deadline are epoch milliseconds. SQLite has one broker and no such
-- table.
CREATE TABLE lease_waiters (
  id BIGSERIAL PRIMARY KEY,
  node TEXT NOT NULL,
  workspace TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  role TEXT NOT NULL,
  patterns TEXT NOT NULL,
  mode TEXT NOT NULL,
  since BIGINT NOT NULL,
  deadline BIGINT NOT NULL
);
CREATE INDEX lease_waiters_by_workspace ON lease_waiters (workspace, id);
