-- Which broker runs each land. host names the machine whose repository the land is in (as the
-- broker there names itself); node names the broker node that runs it. A broker takes up an
-- unfinished land only on its own machine, and on PostgreSQL only when the node that had it no
-- longer runs (no session named 'baton-events <node>'). Both are null for lands stored before
-- this column existed: any broker may take those.
ALTER TABLE lands ADD COLUMN host TEXT;
ALTER TABLE lands ADD COLUMN node TEXT;
