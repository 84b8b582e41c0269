-- The audit log keeps the server's own request id in request_id; what a client sent as X-Request-Id goes here,
-- sanitized (printable ASCII, at most 64 characters).
ALTER TABLE audit_event ADD COLUMN client_request_id VARCHAR(64);

-- Who may create workspaces: the organization's owners and admins. Owners of the default workspace (the first admin)
-- become the organization's owners; everyone else is a member.
ALTER TABLE app_user ADD COLUMN organization_role VARCHAR(20) NOT NULL DEFAULT 'member';
UPDATE app_user SET organization_role = 'owner' WHERE id IN (SELECT user_id FROM membership
    WHERE workspace_id = '00000000-0000-0000-0000-000000000001' AND role = 'owner');

-- Membership by invitation: a pending invitation to an email, which its holder accepts or declines once signed in.
CREATE TABLE workspace_invitation (
    id           UUID PRIMARY KEY,
    workspace_id UUID NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
    email        VARCHAR(320) NOT NULL,
    role         VARCHAR(20) NOT NULL,
    invited_by   UUID REFERENCES app_user (id) ON DELETE SET NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT workspace_invitation_once UNIQUE (workspace_id, email)
);
CREATE INDEX workspace_invitation_email ON workspace_invitation (email);
