-- The newest check or read through a connection (a Test, a preview, a run), so that its badge says how it last went.
ALTER TABLE connection ADD COLUMN last_check_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE connection ADD COLUMN last_check_ok BOOLEAN;
ALTER TABLE connection ADD COLUMN last_check_message VARCHAR(1000);
