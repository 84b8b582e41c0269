-- A running run is leased by the node executing it: the node renews heartbeat_at; once the lease lapses another node
-- takes the run over. attempt counts the claims and is the fencing token: a node may commit a run's writes and
-- outcome only while the run's attempt is still the one it claimed.
ALTER TABLE run ADD COLUMN node_id VARCHAR(100);
ALTER TABLE run ADD COLUMN heartbeat_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE run ADD COLUMN attempt INTEGER DEFAULT 0 NOT NULL;
CREATE INDEX run_status_heartbeat ON run (status, heartbeat_at);
