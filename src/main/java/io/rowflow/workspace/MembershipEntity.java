package io.rowflow.workspace;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** One person's role in one workspace. */
@Entity
@Table(name = "membership")
@IdClass(MembershipEntity.Key.class)
public class MembershipEntity {
    @Id
    @Column(name = "workspace_id")
    public UUID workspaceId;

    @Id
    @Column(name = "user_id")
    public UUID userId;

    @Convert(converter = RoleConverter.class)
    public Role role;

    @Column(name = "created_at")
    public Instant createdAt;

    public static class Key implements Serializable {
        public UUID workspaceId;
        public UUID userId;

        public Key() {
        }

        public Key(UUID workspaceId, UUID userId) {
            this.workspaceId = workspaceId;
            this.userId = userId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(workspaceId, k.workspaceId) && Objects.equals(userId, k.userId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(workspaceId, userId);
        }
    }
}
