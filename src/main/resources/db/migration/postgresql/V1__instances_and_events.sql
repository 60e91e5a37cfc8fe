-- Instances: one row per live agent session (the original plan's instance_coordination data;
-- active file locks arrive with the leases table). Times are epoch milliseconds.
CREATE TABLE instances (
  id             TEXT   NOT NULL PRIMARY KEY,
  role           TEXT   NOT NULL,
  client         TEXT   NOT NULL,
  workspace      TEXT   NOT NULL,
  worktree       TEXT,
  branch         TEXT,
  created_at     BIGINT NOT NULL,
  last_heartbeat BIGINT NOT NULL,
  expires_at     BIGINT NOT NULL
);
CREATE INDEX instances_by_workspace ON instances (workspace, role);
CREATE INDEX instances_by_expiry ON instances (expires_at);

-- Every state change, appended in the transaction that made it. Writers that append take a
-- transaction-scoped advisory lock first, so ids become visible in order across nodes.
CREATE TABLE events (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_at  BIGINT NOT NULL,
  type        TEXT   NOT NULL,
  workspace   TEXT,
  instance_id TEXT,
  data        TEXT   NOT NULL
);
CREATE INDEX events_by_time ON events (created_at);
