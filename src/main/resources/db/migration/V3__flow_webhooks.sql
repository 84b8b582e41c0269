-- Incoming webhooks: a flow's secret is stored as its SHA-256 hash; a call during a run asks for one more run.
ALTER TABLE flow ADD COLUMN webhook_secret_hash VARCHAR(64);
ALTER TABLE flow ADD COLUMN rerun_requested BOOLEAN DEFAULT FALSE NOT NULL;
CREATE UNIQUE INDEX flow_webhook_secret_hash ON flow (webhook_secret_hash);
