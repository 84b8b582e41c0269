-- Whether a flow has a queued or running run is asked for every slot fired (a slot that comes while its flow runs is
-- skipped) and every manual start. The runs still open are few, so this index stays small however long the history;
-- probed flow by flow, it reads one entry a flow, also in a burst when thousands of runs are queued at once and the
-- index on status alone would read them all.
CREATE INDEX run_open_by_flow ON run (flow_id) WHERE status IN ('QUEUED', 'RUNNING');
