package io.rowflow.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A browser session; the cookie holds a random id, this row its SHA-256. */
@Entity
@Table(name = "user_session")
public class SessionEntity {
    @Id
    @Column(name = "id_hash")
    public String idHash;

    @Column(name = "user_id")
    public UUID userId;

    /** Sent back by the browser in the X-CSRF-Token header of every change it makes with the cookie. */
    @Column(name = "csrf_token")
    public String csrfToken;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;
}
