-- "Only if changed": the content hash of the last result written to every destination, and runs that skipped writing.
ALTER TABLE flow ADD COLUMN last_written_hash VARCHAR(64);
ALTER TABLE run ADD COLUMN unchanged BOOLEAN DEFAULT FALSE NOT NULL;
