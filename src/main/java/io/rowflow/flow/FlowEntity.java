package io.rowflow.flow;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A flow: its sources, transform, destinations and schedule, kept as one JSON definition. */
@Entity
@Table(name = "flow")
public class FlowEntity {
    @Id
    public UUID id;

    public String name;

    @Column(name = "workspace_id")
    public UUID workspaceId;

    @Column(name = "definition_json")
    public String definitionJson;

    /** SHA-256 (hex) of the incoming-webhook secret; null when the webhook is off. */
    @Column(name = "webhook_secret_hash")
    public String webhookSecretHash;

    /** A webhook call arrived while the flow was running: one more run follows the current one. */
    @Column(name = "rerun_requested")
    public boolean rerunRequested;

    /** Content hash of the last result written to every destination (for "only if changed"). */
    @Column(name = "last_written_hash")
    public String lastWrittenHash;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
