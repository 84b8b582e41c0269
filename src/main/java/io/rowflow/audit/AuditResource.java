package io.rowflow.audit;

import io.quarkus.security.Authenticated;
import io.rowflow.workspace.Caller;
import io.rowflow.workspace.RequiresRole;
import io.rowflow.workspace.SignedIn;
import io.rowflow.workspace.Role;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "Audit", description = "Who did what in the workspace")
public class AuditResource {
    private final AuditLog audit;
    private final Caller caller;

    public AuditResource(AuditLog audit, Caller caller) {
        this.audit = audit;
        this.caller = caller;
    }

    public record Event(long id, Instant at, UUID actorUserId, String actor, String action, String target, String detail,
            String requestId, String clientRequestId) {
    }

    @GET
    @RequiresRole(Role.ADMIN)
    @Operation(summary = "Read the workspace's audit log", description = "Newest first; owners and admins only. Only"
            + " what happened in this workspace: account events (sign-ins, tokens) are in GET /api/v1/audit/mine.")
    public List<Event> list(@QueryParam("page") @DefaultValue("0") @Min(0) int page,
            @QueryParam("size") @DefaultValue("50") @Min(1) @Max(500) int size) {
        return audit.page(caller.workspaceId(), page, size).stream().map(AuditResource::event).toList();
    }

    @GET
    @Path("mine")
    @SignedIn
    @Operation(summary = "Read my account's audit log", description = "Newest first: my sign-ins (failed ones"
            + " included) and my API tokens' events.")
    public List<Event> mine(@QueryParam("page") @DefaultValue("0") @Min(0) int page,
            @QueryParam("size") @DefaultValue("50") @Min(1) @Max(500) int size) {
        return audit.accountPage(caller.userId(), page, size).stream().map(AuditResource::event).toList();
    }

    private static Event event(AuditEventEntity e) {
        return new Event(e.id, e.at, e.actorUserId, e.actor, e.action, e.target, e.detail, e.requestId,
                e.clientRequestId);
    }
}
