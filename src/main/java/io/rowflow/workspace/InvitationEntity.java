package io.rowflow.workspace;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** An invitation to join a workspace, pending until the holder of the email accepts or declines it. */
@Entity
@Table(name = "workspace_invitation")
public class InvitationEntity {
    @Id
    public UUID id;

    @Column(name = "workspace_id")
    public UUID workspaceId;

    /** Lower-case, like accounts' emails. */
    public String email;

    @Convert(converter = RoleConverter.class)
    public Role role;

    @Column(name = "invited_by")
    public UUID invitedBy;

    @Column(name = "created_at")
    public Instant createdAt;
}
