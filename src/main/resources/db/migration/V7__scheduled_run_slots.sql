-- A scheduled run is keyed by its flow and the slot it was scheduled for: one slot, one run, whichever node fires it.
-- Runs not started by the schedule have no slot (NULLs never collide).
ALTER TABLE run ADD COLUMN scheduled_for TIMESTAMP WITH TIME ZONE;
CREATE UNIQUE INDEX run_flow_slot ON run (flow_id, scheduled_for);
