package io.rowflow.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A person who signs in. */
@Entity
@Table(name = "app_user")
public class UserEntity {
    @Id
    public UUID id;

    @Column(name = "organization_id")
    public UUID organizationId;

    /** Stored lower-case: sign-in ignores the case of the address. */
    public String email;

    @Column(name = "display_name")
    public String displayName;

    /** Argon2id in PHC string form; null for accounts that sign in through the identity provider only. */
    @Column(name = "password_hash")
    public String passwordHash;

    @Column(name = "failed_sign_ins")
    public int failedSignIns;

    @Column(name = "locked_until")
    public Instant lockedUntil;

    @Column(name = "created_at")
    public Instant createdAt;

    /** In the organization: {@value #ORG_OWNER}, {@value #ORG_ADMIN} or {@value #ORG_MEMBER}. */
    @Column(name = "organization_role")
    public String organizationRole = ORG_MEMBER;

    public static final String ORG_OWNER = "owner";
    public static final String ORG_ADMIN = "admin";
    public static final String ORG_MEMBER = "member";

    /** Creating workspaces is the organization's owners' and admins' to do. */
    public boolean mayCreateWorkspaces() {
        return ORG_OWNER.equals(organizationRole) || ORG_ADMIN.equals(organizationRole);
    }
}
