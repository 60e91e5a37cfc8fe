-- An instance is one agent session. Its hooks and MCP connection find it by the client's session
-- id (session) and by the agent's process (agent_host, agent_pid, agent_started: the process start
-- time in epoch milliseconds, so that a reused pid is not mistaken for the same agent). While that
-- process lives on this host the instance lives; when it ends, the instance is orphaned
-- (orphaned_at): its exclusive leases stay held until the orphan grace ends, so that the same
-- session, resumed, gets them back, and its row stays until then.
ALTER TABLE instances ADD COLUMN session TEXT;
ALTER TABLE instances ADD COLUMN agent_host TEXT;
ALTER TABLE instances ADD COLUMN agent_pid BIGINT;
ALTER TABLE instances ADD COLUMN agent_started BIGINT;
ALTER TABLE instances ADD COLUMN orphaned_at BIGINT;
CREATE INDEX instances_by_agent ON instances (agent_host, agent_pid);
CREATE INDEX instances_by_session ON instances (session);

-- provisional: taken by a hook before the client's permission check; it does not outlive the step
-- unless the edit happened (PostToolUse confirms it). follows: asked for without a TTL, renewed for
-- as long as its holder's agent process lives. orphaned_at: its holder was orphaned; it expires at
-- the end of the orphan grace unless the session comes back.
ALTER TABLE leases ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leases ADD COLUMN follows INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leases ADD COLUMN orphaned_at BIGINT;
