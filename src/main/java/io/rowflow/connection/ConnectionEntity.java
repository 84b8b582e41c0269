package io.rowflow.connection;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An account or endpoint a user connected: a connector id, its settings, and its secrets (encrypted). */
@Entity
@Table(name = "connection")
public class ConnectionEntity {
    @Id
    public UUID id;

    public String name;

    @Column(name = "workspace_id")
    public UUID workspaceId;

    /** Who created it; null for connections from before sign-in existed (those are shared). */
    @Column(name = "created_by")
    public UUID createdBy;

    /** Shared with the workspace, or private to its creator (who alone sees and uses it in new flows). */
    public boolean shared;

    @Column(name = "connector_id")
    public String connectorId;

    /** The non-secret settings, as JSON. */
    @Column(name = "config_json")
    public String configJson;

    /** The secret settings, as JSON encrypted with AES-GCM and bound to this connection's workspace and id. */
    @Column(name = "secrets_ciphertext")
    public String secretsCiphertext;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /**
     * How long the provider's access tokens live, in seconds, from its last {@code expires_in}; null when it never
     * said (or the connection has no OAuth sign-in).
     */
    @Column(name = "token_lifetime_seconds")
    public Long tokenLifetimeSeconds;

    /**
     * {@code ok}; {@code needs_reauthorization} once the provider refused to refresh its OAuth tokens or refused the
     * tokens; {@code needs_attention} once it refused a key or token a user entered. A later successful check or read
     * sets it back to {@code ok}.
     */
    @Column(name = "auth_status")
    public String authStatus = "ok";

    /** When a check or read through the connection last ended, whether it worked, and if not why; null before one. */
    @Column(name = "last_check_at")
    public Instant lastCheckAt;

    @Column(name = "last_check_ok")
    public Boolean lastCheckOk;

    @Column(name = "last_check_message")
    public String lastCheckMessage;
}
