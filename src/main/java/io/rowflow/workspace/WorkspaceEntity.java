package io.rowflow.workspace;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A shared space of connections and flows; people see it through their membership. */
@Entity
@Table(name = "workspace")
public class WorkspaceEntity {
    /** The workspace created by migration V5; the first admin owns it. */
    public static final UUID DEFAULT_ID = UUID.fromString("00000000-0000-0000-0000-000000000001");

    @Id
    public UUID id;

    @Column(name = "organization_id")
    public UUID organizationId;

    public String name;

    @Column(name = "created_at")
    public Instant createdAt;
}
