package io.rowflow.notification;

import io.quarkus.security.Authenticated;
import io.rowflow.workspace.Caller;
import io.rowflow.workspace.RequiresRole;
import io.rowflow.workspace.Role;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Authenticated
@Path("/api/v1/notifications")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Notifications", description = "Where a workspace hears how its runs end")
public class NotificationResource {
    private final NotificationService notifications;
    private final Caller caller;

    public NotificationResource(NotificationService notifications, Caller caller) {
        this.notifications = notifications;
        this.caller = caller;
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Operation(summary = "The workspace's notification channels", description = "Each with the host of its address;"
            + " the address itself is a secret and is never shown again.")
    public List<NotificationService.ChannelView> list() {
        return notifications.list();
    }

    @RequiresRole(Role.ADMIN)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a webhook to notify", description = "`url`: a Slack incoming webhook or any address"
            + " that takes JSON ({text, event, flow, run}); `events`: `failures` (failed runs and the first success after"
            + " one, the default) or `all`. The address is stored encrypted.")
    public Response create(@Valid @NotNull NotificationService.ChannelRequest request, UriInfo uri) {
        NotificationService.ChannelView created = notifications.create(request, caller.userId());
        return Response.created(uri.getAbsolutePathBuilder().path(created.id().toString()).build()).entity(created).build();
    }

    @RequiresRole(Role.ADMIN)
    @POST
    @Path("{id}/signing-secret")
    @Operation(summary = "Replace a channel's signing secret", description = "Answers the channel with its new"
            + " `signingSecret`, shown this once; messages are signed with it from now on (docs/notifications.md says"
            + " how a receiver checks the Rowflow-Signature header).")
    public NotificationService.ChannelView replaceSigningSecret(@PathParam("id") UUID id) {
        return notifications.replaceSigningSecret(id);
    }

    @RequiresRole(Role.ADMIN)
    @DELETE
    @Path("{id}")
    @Operation(summary = "Remove a notification channel")
    public Response delete(@PathParam("id") UUID id) {
        notifications.delete(id);
        return Response.noContent().build();
    }

    @RequiresRole(Role.ADMIN)
    @POST
    @Path("{id}/test")
    @Operation(summary = "Send a test message", description = "Answers {ok, message}: how the receiver answered.")
    public NotificationService.Delivery test(@PathParam("id") UUID id) {
        return notifications.test(id);
    }
}
