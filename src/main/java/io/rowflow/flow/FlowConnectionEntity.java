package io.rowflow.flow;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.UUID;

/** Which connections a flow uses, so that a connection in use cannot be deleted from under a flow. */
@Entity
@Table(name = "flow_connection")
@IdClass(FlowConnectionEntity.Key.class)
public class FlowConnectionEntity {
    @Id
    @Column(name = "flow_id")
    public UUID flowId;

    @Id
    @Column(name = "connection_id")
    public UUID connectionId;

    public record Key(UUID flowId, UUID connectionId) implements Serializable {
        public Key() {
            this(null, null);
        }
    }
}
