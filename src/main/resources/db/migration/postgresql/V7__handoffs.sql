-- Handoffs, messages with one delivery row per recipient, and checkpoints. Instances come and go,
-- so their ids are kept as text without a foreign key: a checkpoint outlives its instance.
CREATE TABLE handoffs (
  id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace     TEXT    NOT NULL,
  from_instance TEXT    NOT NULL,
  to_instance   TEXT,
  to_role       TEXT,
  kind          TEXT    NOT NULL,
  summary       TEXT    NOT NULL,
  files         TEXT    NOT NULL,
  leases        TEXT    NOT NULL,
  checkpoints   TEXT    NOT NULL,
  status        TEXT    NOT NULL,
  answer        TEXT,
  created_at    BIGINT  NOT NULL,
  answered_at   BIGINT,
  expires_at    BIGINT  NOT NULL
);
CREATE INDEX handoffs_by_recipient ON handoffs (to_instance, status);
CREATE INDEX handoffs_by_status ON handoffs (status, expires_at);

CREATE TABLE messages (
  id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace     TEXT    NOT NULL,
  from_instance TEXT    NOT NULL,
  address       TEXT    NOT NULL,
  importance    TEXT    NOT NULL,
  body          TEXT    NOT NULL,
  ack_requested INTEGER NOT NULL,
  handoff_id    BIGINT  REFERENCES handoffs (id),
  created_at    BIGINT  NOT NULL
);

CREATE TABLE message_deliveries (
  message_id    BIGINT  NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  recipient     TEXT    NOT NULL,
  read_at       BIGINT,
  acked_at      BIGINT,
  PRIMARY KEY (message_id, recipient)
);
CREATE INDEX message_deliveries_by_recipient ON message_deliveries (recipient, read_at);

CREATE TABLE checkpoints (
  id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace      TEXT    NOT NULL,
  instance_id    TEXT    NOT NULL,
  role           TEXT    NOT NULL,
  reason         TEXT    NOT NULL,
  summary        TEXT,
  active_context TEXT    NOT NULL,
  leases         TEXT    NOT NULL,
  branch         TEXT,
  head           TEXT,
  changed_files  TEXT    NOT NULL,
  items          TEXT    NOT NULL,
  created_at     BIGINT  NOT NULL
);
CREATE INDEX checkpoints_by_instance ON checkpoints (instance_id, id);
CREATE INDEX checkpoints_by_workspace ON checkpoints (workspace, id);
