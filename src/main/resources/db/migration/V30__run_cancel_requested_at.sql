-- When a cancel was asked for: with ended_at it shows how long the run took to stop.
ALTER TABLE run ADD COLUMN cancel_requested_at TIMESTAMP WITH TIME ZONE;
