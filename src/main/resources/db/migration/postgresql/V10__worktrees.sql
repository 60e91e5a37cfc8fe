-- Worktrees: one per instance id, made by baton on branch instance/<id> from base, kept after
-- removal (removed_at) so that the instance gets the same one back. ended_at: when baton first saw
-- no live instance on it (the janitor removes it git.worktree-retention later if nothing would be
-- lost). saved_ref: the newest refs/baton/saved/<id>/<time> commit of its full state. Times are
-- epoch milliseconds.
CREATE TABLE worktrees (
  instance_id TEXT   NOT NULL PRIMARY KEY,
  role        TEXT   NOT NULL,
  workspace   TEXT   NOT NULL,
  path        TEXT   NOT NULL,
  branch      TEXT   NOT NULL,
  base        TEXT   NOT NULL,
  created_at  BIGINT NOT NULL,
  ended_at    BIGINT,
  removed_at  BIGINT,
  saved_ref   TEXT
);
CREATE INDEX worktrees_by_workspace ON worktrees (workspace, instance_id);
