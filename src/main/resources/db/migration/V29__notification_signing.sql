-- Each webhook channel signs what it posts (HMAC-SHA256) with a secret of its own, shown once to the admin who made
-- or replaced it and kept encrypted, bound to the channel. Channels made before this have none until it is replaced.
ALTER TABLE notification_channel ADD COLUMN signing_secret_ciphertext VARCHAR(1000);
