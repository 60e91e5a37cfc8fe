-- Links between two memory items (ConPort's context_links): "decision 3 implements progress 7".
-- Items are never deleted yet; when they are, their links go with them.
CREATE TABLE memory_links (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace    TEXT    NOT NULL,
  source_id    BIGINT  NOT NULL REFERENCES memory_items (id) ON DELETE CASCADE,
  target_id    BIGINT  NOT NULL REFERENCES memory_items (id) ON DELETE CASCADE,
  relationship TEXT    NOT NULL,
  description  TEXT,
  instance_id  TEXT,
  created_at   BIGINT  NOT NULL,
  UNIQUE (source_id, target_id, relationship)
);
CREATE INDEX memory_links_by_source ON memory_links (source_id);
CREATE INDEX memory_links_by_target ON memory_links (target_id);
