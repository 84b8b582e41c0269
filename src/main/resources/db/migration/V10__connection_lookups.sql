-- The runs of a connection are found through its flows: claims check a connection's running runs, deletes its flows.
CREATE INDEX flow_connection_connection ON flow_connection (connection_id);
-- The lease sweeper looks for queued runs nobody holds.
CREATE INDEX run_status_node ON run (status, node_id);
