package io.rowflow.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A personal access token; only its SHA-256 is kept. */
@Entity
@Table(name = "api_token")
public class ApiTokenEntity {
    @Id
    public UUID id;

    @Column(name = "user_id")
    public UUID userId;

    public String name;

    @Column(name = "token_hash")
    public String tokenHash;

    /** The token's first characters, shown in lists so a user can tell tokens apart. */
    public String prefix;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;
}
