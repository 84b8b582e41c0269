package io.rowflow.notification;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A webhook address a workspace's run outcomes are posted to. */
@Entity
@Table(name = "notification_channel")
public class NotificationChannelEntity {
    @Id
    public UUID id;

    @Column(name = "workspace_id")
    public UUID workspaceId;

    public String name;

    /** The address, encrypted and bound to this channel's workspace and id. */
    @Column(name = "url_ciphertext")
    public String urlCiphertext;

    /** The address's host, to show which address it is without showing the address. */
    @Column(name = "url_host")
    public String urlHost;

    /** {@code failures} (failed runs, and the first success after a failure) or {@code all} (every finished run). */
    public String events;

    /** The secret its messages are signed with, encrypted and bound to this channel; null for older channels. */
    @Column(name = "signing_secret_ciphertext")
    public String signingSecretCiphertext;

    @Column(name = "created_by")
    public UUID createdBy;

    @Column(name = "created_at")
    public Instant createdAt;
}
