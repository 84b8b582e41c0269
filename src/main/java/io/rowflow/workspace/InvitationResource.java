package io.rowflow.workspace;

import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/invitations")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@SignedIn
@Tag(name = "Invitations", description = "Invitations to workspaces waiting for the signed-in person's answer")
public class InvitationResource {
    private final WorkspaceService workspaces;
    private final Caller caller;

    public InvitationResource(WorkspaceService workspaces, Caller caller) {
        this.workspaces = workspaces;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "List my pending invitations", description = "Those sent to my account's email.")
    public List<WorkspaceService.InvitationView> mine() {
        return workspaces.invitationsFor(caller.email());
    }

    @POST
    @Path("{invitationId}/accept")
    @Operation(summary = "Accept an invitation", description = "I become a member of the workspace with the invited"
            + " role. Someone else's invitation answers 404.")
    public WorkspaceService.MemberView accept(@PathParam("invitationId") UUID invitationId) {
        return workspaces.accept(invitationId);
    }

    @POST
    @Path("{invitationId}/decline")
    @Operation(summary = "Decline an invitation")
    public Response decline(@PathParam("invitationId") UUID invitationId) {
        workspaces.decline(invitationId);
        return Response.noContent().build();
    }
}
