package io.rowflow.connector;

import io.quarkus.security.Authenticated;
import io.rowflow.common.error.NotFoundException;
import io.rowflow.connection.ConnectionService;
import io.rowflow.http.OutboundShares;
import io.rowflow.workspace.RequiresRole;
import io.rowflow.workspace.Role;
import io.rowflow.writer.PickerOption;
import io.rowflow.writer.WriterDescriptor;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The pickers a source connector declares ({@link ConnectorDescriptor#pickers()}), served as destinations' are
 * ({@link io.rowflow.writer.PickerResource}): the connection is resolved here for the caller (404 outside their
 * workspace), and the source lists with its stored credentials, which never leave the server.
 */
@Authenticated
@Path("/api/v1/connectors/{type}/pickers/{setting}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Catalog", description = "What Rowflow can read from and write to")
public class SourcePickerResource {
    private final ConnectorRegistry connectors;
    private final ConnectionService connections;

    public SourcePickerResource(ConnectorRegistry connectors, ConnectionService connections) {
        this.connectors = connectors;
        this.connections = connections;
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Operation(summary = "A source picker's options", description = "What the connection's account lists for the"
            + " setting (an Airtable base, then a table of it): `connectionId` names the connection, and the settings"
            + " the picker depends on (see the catalog's `pickers[].dependsOn`) are further query parameters.")
    public List<PickerOption> options(@PathParam("type") String type, @PathParam("setting") String setting,
            @QueryParam("connectionId") UUID connectionId, @Context UriInfo uri) {
        SourceConnector connector = connectors.find(type).orElseThrow(() -> NotFoundException.of("Source connector",
                type));
        WriterDescriptor.Picker picker = connector.descriptor().pickers().stream()
                .filter(p -> p.setting().equals(setting)).findFirst()
                .orElseThrow(() -> new NotFoundException(connector.descriptor().name() + " has no picker for \""
                        + setting + "\""));
        Map<String, String> values = new LinkedHashMap<>();
        for (String dependency : picker.dependsOn()) {
            values.put(dependency, uri.getQueryParameters().getFirst(dependency));
        }
        SourceContext context = connections.sourceContext(connectionId, connector.connectionType(), "connectionId");
        try (OutboundShares.Scope outbound = OutboundShares.as(context.workspaceId())) {
            return connector.options(setting, context, values);
        }
    }
}
