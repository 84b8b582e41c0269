package io.rowflow.oauth;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A sign-in in progress; only the state's hash is stored, and the PKCE verifier encrypted. */
@Entity
@Table(name = "oauth_state")
public class OAuthStateEntity {
    @Id
    @Column(name = "state_hash")
    public String stateHash;

    @Column(name = "user_id")
    public UUID userId;

    @Column(name = "session_hash")
    public String sessionHash;

    @Column(name = "workspace_id")
    public UUID workspaceId;

    @Column(name = "connector_id")
    public String connectorId;

    @Column(name = "connection_id")
    public UUID connectionId;

    @Column(name = "connection_name")
    public String connectionName;

    @Column(name = "verifier_ciphertext")
    public String verifierCiphertext;

    @Column(name = "redirect_uri")
    public String redirectUri;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "used_at")
    public Instant usedAt;
}
