-- A flow can run right after another flow succeeds: flow_id runs after after_flow_id.
CREATE TABLE flow_trigger (
    flow_id       UUID NOT NULL REFERENCES flow (id) ON DELETE CASCADE,
    after_flow_id UUID NOT NULL REFERENCES flow (id),
    PRIMARY KEY (flow_id, after_flow_id)
);
CREATE INDEX flow_trigger_after ON flow_trigger (after_flow_id);
