package io.rowflow.workspace;

import io.quarkus.security.Authenticated;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/workspaces")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "Workspaces", description = "Shared spaces of connections and flows, and their members")
public class WorkspaceResource {
    private final WorkspaceService workspaces;
    private final Caller caller;

    public WorkspaceResource(WorkspaceService workspaces, Caller caller) {
        this.workspaces = workspaces;
        this.caller = caller;
    }

    public record WorkspaceRequest(@NotBlank @Size(max = 200) String name) {
    }

    public record MemberRequest(@NotBlank String email, @NotNull Role role, String password) {
    }

    public record RoleRequest(@NotNull Role role) {
    }

    @GET
    @SignedIn
    @Operation(summary = "List my workspaces", description = "Send a workspace's id in the Rowflow-Workspace header to"
            + " work in it; without the header, requests work in the first one listed here.")
    public List<WorkspaceService.WorkspaceView> mine() {
        return workspaces.mine(caller.userId());
    }

    @POST
    @SignedIn
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a workspace", description = "Organization owners and admins only (403 for others);"
            + " the creator becomes its owner.")
    public Response create(@Valid @NotNull WorkspaceRequest body) {
        return Response.status(201).entity(workspaces.create(body.name())).build();
    }

    @GET
    @Path("{workspaceId}/members")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "List a workspace's members")
    public List<WorkspaceService.MemberView> members(@PathParam("workspaceId") UUID workspaceId) {
        return workspaces.members(workspaceId);
    }

    @POST
    @Path("{workspaceId}/members")
    @RequiresRole(Role.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Invite a member", description = "Creates a pending invitation (201, the same answer whether"
            + " or not the email has an account); the person becomes a member once they accept it, signed in"
            + " (POST /api/v1/invitations/{id}/accept). Admins invite viewers, editors and admins; only owners invite"
            + " owners. With a password, an email without an account gets a local account.")
    public Response add(@PathParam("workspaceId") UUID workspaceId, @Valid @NotNull MemberRequest body) {
        return Response.status(201).entity(workspaces.invite(workspaceId, body.email(), body.role(), body.password()))
                .build();
    }

    @GET
    @Path("{workspaceId}/invitations")
    @RequiresRole(Role.ADMIN)
    @Operation(summary = "List a workspace's pending invitations")
    public List<WorkspaceService.InvitationView> invitations(@PathParam("workspaceId") UUID workspaceId) {
        return workspaces.invitations(workspaceId);
    }

    @DELETE
    @Path("{workspaceId}/invitations/{invitationId}")
    @RequiresRole(Role.ADMIN)
    @Operation(summary = "Revoke a pending invitation")
    public Response revokeInvitation(@PathParam("workspaceId") UUID workspaceId,
            @PathParam("invitationId") UUID invitationId) {
        workspaces.revokeInvitation(workspaceId, invitationId);
        return Response.noContent().build();
    }

    @PUT
    @Path("{workspaceId}/members/{userId}")
    @RequiresRole(Role.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a member's role")
    public WorkspaceService.MemberView changeRole(@PathParam("workspaceId") UUID workspaceId,
            @PathParam("userId") UUID userId, @Valid @NotNull RoleRequest body) {
        return workspaces.changeRole(workspaceId, userId, body.role());
    }

    @DELETE
    @Path("{workspaceId}/members/{userId}")
    @RequiresRole(Role.ADMIN)
    @Operation(summary = "Remove a member")
    public Response remove(@PathParam("workspaceId") UUID workspaceId, @PathParam("userId") UUID userId) {
        workspaces.remove(workspaceId, userId);
        return Response.noContent().build();
    }
}
