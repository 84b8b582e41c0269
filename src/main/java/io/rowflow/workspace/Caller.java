package io.rowflow.workspace;

import jakarta.enterprise.context.RequestScoped;
import java.util.UUID;

/** Who is calling in this request, and in which workspace with which role; filled in by {@link AccessCheck}. */
@RequestScoped
public class Caller {
    private UUID userId;
    private String email;
    private UUID workspaceId;
    private Role role;

    void signedIn(UUID userId, String email) {
        this.userId = userId;
        this.email = email;
    }

    void inWorkspace(UUID workspaceId, Role role) {
        this.workspaceId = workspaceId;
        this.role = role;
    }

    public boolean isSignedIn() {
        return userId != null;
    }

    public boolean hasWorkspace() {
        return workspaceId != null;
    }

    public UUID userId() {
        return userId;
    }

    public String email() {
        return email;
    }

    public UUID workspaceId() {
        if (workspaceId == null) {
            throw new IllegalStateException("This endpoint does not work inside a workspace");
        }
        return workspaceId;
    }

    public Role role() {
        return role;
    }
}
