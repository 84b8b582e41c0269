package io.rowflow.workspace;

import io.quarkus.arc.Arc;
import io.rowflow.common.error.NotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/**
 * Scopes lookups to the caller's workspace. Inside a request made by a member, a record of another workspace is
 * answered like one that does not exist (404), so ids leak nothing. Work the server starts on its own (scheduled and
 * chained runs, webhooks) has no caller and is not scoped.
 */
@ApplicationScoped
public class WorkspaceScope {
    private final Caller caller;

    public WorkspaceScope(Caller caller) {
        this.caller = caller;
    }

    /** The caller in a workspace, or empty outside any member's request. */
    public Optional<Caller> current() {
        if (!Arc.container().requestContext().isActive() || !caller.hasWorkspace()) {
            return Optional.empty();
        }
        return Optional.of(caller);
    }

    /** Throws not-found unless the record lies in the caller's workspace (or there is no caller). */
    public void check(UUID recordWorkspace, String kind, Object id) {
        current().ifPresent(c -> {
            if (!c.workspaceId().equals(recordWorkspace)) {
                throw NotFoundException.of(kind, id);
            }
        });
    }

    /** The caller's workspace, for records created in this request. */
    public UUID require() {
        return current().map(Caller::workspaceId)
                .orElseThrow(() -> new IllegalStateException("No workspace in this request"));
    }
}
