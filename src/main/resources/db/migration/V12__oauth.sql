-- OAuth sign-ins in progress: a state is used once, within its time, by the session that started it.
CREATE TABLE oauth_state (
    state_hash        VARCHAR(64) PRIMARY KEY,
    user_id           UUID NOT NULL,
    session_hash      VARCHAR(64),
    workspace_id      UUID NOT NULL,
    connector_id      VARCHAR(100) NOT NULL,
    connection_id     UUID,
    connection_name   VARCHAR(200) NOT NULL,
    verifier_ciphertext TEXT,
    redirect_uri      VARCHAR(2000) NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at           TIMESTAMP WITH TIME ZONE
);
CREATE INDEX oauth_state_expires ON oauth_state (expires_at);

-- Whether a connection's authorization still holds: 'ok', or 'needs_reauthorization' once its refresh is refused.
ALTER TABLE connection ADD COLUMN auth_status VARCHAR(30) DEFAULT 'ok' NOT NULL;
