package io.rowflow.connection;

import io.quarkus.security.Authenticated;
import io.rowflow.workspace.RequiresRole;
import io.rowflow.workspace.Role;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
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
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Authenticated
@Path("/api/v1/connections")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Connections", description = "Accounts and endpoints Rowflow reads from")
public class ConnectionResource {
    private final ConnectionService connections;

    public ConnectionResource(ConnectionService connections) {
        this.connections = connections;
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Operation(summary = "List connections")
    public List<ConnectionView> list() {
        return connections.list();
    }

    @RequiresRole(Role.EDITOR)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a connection", description = "Secrets in config are stored encrypted and never returned.")
    public Response create(@Valid @NotNull ConnectionRequest request, UriInfo uri) {
        ConnectionView created = connections.create(request);
        return Response.created(uri.getAbsolutePathBuilder().path(created.id().toString()).build()).entity(created).build();
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Path("{id}")
    @Operation(summary = "Get a connection")
    public ConnectionView get(@PathParam("id") UUID id) {
        return connections.get(id);
    }

    @RequiresRole(Role.EDITOR)
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("{id}")
    @Operation(summary = "Change a connection", description = "A secret left out of config keeps its stored value.")
    public ConnectionView update(@PathParam("id") UUID id, @Valid @NotNull ConnectionRequest request) {
        return connections.update(id, request);
    }

    @RequiresRole(Role.EDITOR)
    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a connection", description = "Refused (409) while a flow uses it.")
    public Response delete(@PathParam("id") UUID id) {
        connections.delete(id);
        return Response.noContent().build();
    }

    @RequiresRole(Role.EDITOR)
    @POST
    @Path("{id}/check")
    @Operation(summary = "Test a connection", description = "Reads the first record; says what failed if it could not.")
    public CheckResult check(@PathParam("id") UUID id) {
        return connections.check(id);
    }
}
