-- Where each incremental source of a flow stopped: written only once every destination of a run committed.
-- The fingerprint (connection, stream, settings) makes a changed source start again with a full read.
CREATE TABLE source_sync_state (
    flow_id      UUID NOT NULL REFERENCES flow (id) ON DELETE CASCADE,
    source_index INT NOT NULL,
    fingerprint  VARCHAR(64) NOT NULL,
    state_json   TEXT NOT NULL,
    run_id       UUID NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (flow_id, source_index)
);
