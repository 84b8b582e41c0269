package io.rowflow.flow;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.UUID;

/** Flow {@code flowId} runs right after flow {@code afterFlowId} succeeds. */
@Entity
@Table(name = "flow_trigger")
@IdClass(FlowTriggerEntity.Key.class)
public class FlowTriggerEntity {
    @Id
    @Column(name = "flow_id")
    public UUID flowId;

    @Id
    @Column(name = "after_flow_id")
    public UUID afterFlowId;

    public record Key(UUID flowId, UUID afterFlowId) implements Serializable {
        public Key() {
            this(null, null);
        }
    }
}
