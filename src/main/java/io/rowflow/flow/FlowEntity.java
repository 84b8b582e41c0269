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

    @Column(name = "definition_json")
    public String definitionJson;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
