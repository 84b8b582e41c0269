package io.rowflow.workspace;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** The company using Rowflow: its people and its workspaces. */
@Entity
@Table(name = "organization")
public class OrganizationEntity {
    /** The organization of the embedded default (and of rows from before sign-in existed), created by migration V5. */
    public static final UUID DEFAULT_ID = UUID.fromString("00000000-0000-0000-0000-000000000001");

    @Id
    public UUID id;

    public String name;

    @Column(name = "created_at")
    public Instant createdAt;
}
