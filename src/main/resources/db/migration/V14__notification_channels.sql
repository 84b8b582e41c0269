-- Where a workspace hears about its runs: webhook addresses (Slack's incoming webhooks and any JSON receiver). The
-- address is a secret (it lets anyone post), so it is stored encrypted like connection secrets; the host is kept
-- apart to show which address it is.
CREATE TABLE notification_channel (
    id                UUID PRIMARY KEY,
    workspace_id      UUID NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
    name              VARCHAR(200) NOT NULL,
    url_ciphertext    TEXT NOT NULL,
    url_host          VARCHAR(255) NOT NULL,
    events            VARCHAR(20) NOT NULL,
    created_by        UUID,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX notification_channel_workspace ON notification_channel (workspace_id);
