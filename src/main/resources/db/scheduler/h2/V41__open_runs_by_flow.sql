-- Whether a flow has a queued or running run is asked for every slot fired and every manual start (the PostgreSQL
-- migration of the same version keeps only open runs in its index; H2 has no partial indexes).
CREATE INDEX run_open_by_flow ON run (flow_id, status);
