-- A flow destination published at a secret URL: the token is looked up by its hash, and kept encrypted (bound to this
-- row) so that the flow's members can see the URL again; regenerating it replaces both at once.
CREATE TABLE publication (
    id                UUID PRIMARY KEY,
    flow_id           UUID NOT NULL REFERENCES flow (id) ON DELETE CASCADE,
    destination_index INT NOT NULL,
    token_hash        VARCHAR(64) NOT NULL,
    token_ciphertext  VARCHAR(1000) NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT publication_token UNIQUE (token_hash),
    CONSTRAINT publication_destination UNIQUE (flow_id, destination_index)
);
