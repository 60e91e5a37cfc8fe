-- The focus timer: one row (id 1) for the whole store, shared by every instance and broker node.
-- mode: idle, working, break. Times are epoch milliseconds; since/until bound the current block or
-- break. version increases with every change: a broker stores a change only over the version it
-- read, so that of several nodes exactly one announces each break.
CREATE TABLE focus (
  id            INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  version       BIGINT  NOT NULL,
  mode          TEXT    NOT NULL,
  since         BIGINT,
  until_at      BIGINT,
  block         INTEGER NOT NULL,
  snoozes       INTEGER NOT NULL,
  worked_since  BIGINT,
  last_activity BIGINT,
  hyperfocus_at BIGINT
);
