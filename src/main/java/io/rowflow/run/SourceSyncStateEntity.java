package io.rowflow.run;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

/** Where an incremental source of a flow stopped, as the last run that committed every destination left it. */
@Entity
@Table(name = "source_sync_state")
@IdClass(SourceSyncStateEntity.Key.class)
public class SourceSyncStateEntity {
    @Id
    @Column(name = "flow_id")
    public UUID flowId;

    @Id
    @Column(name = "source_index")
    public int sourceIndex;

    /** The source as it was read (connection, stream, settings): another one starts again from a full read. */
    public String fingerprint;

    @Column(name = "state_json")
    public String stateJson;

    @Column(name = "run_id")
    public UUID runId;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public record Key(UUID flowId, int sourceIndex) implements Serializable {
        public Key() {
            this(null, 0);
        }
    }
}
