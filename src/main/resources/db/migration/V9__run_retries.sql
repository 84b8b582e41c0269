-- How often a run started again after a failure that may pass by itself (an API down, a long rate limit).
ALTER TABLE run ADD COLUMN retries INTEGER DEFAULT 0 NOT NULL;
