-- Where an imported item or link came from, e.g. 'conport:decisions:3': importing the same source
-- again finds it and adds nothing twice. NULL for items written in baton.
ALTER TABLE memory_items ADD COLUMN origin TEXT;
CREATE UNIQUE INDEX memory_items_by_origin ON memory_items (workspace, origin)
  WHERE origin IS NOT NULL;
ALTER TABLE memory_links ADD COLUMN origin TEXT;
CREATE UNIQUE INDEX memory_links_by_origin ON memory_links (workspace, origin)
  WHERE origin IS NOT NULL;
