package io.rowflow.writer;

import io.quarkus.security.Authenticated;
import io.rowflow.common.error.NotFoundException;
import io.rowflow.connection.ConnectionService;
import io.rowflow.workspace.RequiresRole;
import io.rowflow.workspace.Role;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The pickers every destination declares ({@link WriterDescriptor#pickers()}), served the same way for all: the UI
 * finds them in the catalog and draws them without knowing the destination. The connection is resolved here, for the
 * caller, and handed to the writer.
 */
@Authenticated
@Path("/api/v1/destinations/{type}/pickers/{setting}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Catalog", description = "What Rowflow can read from and write to")
public class PickerResource {
    private final WriterRegistry writers;
    private final ConnectionService connections;

    public PickerResource(WriterRegistry writers, ConnectionService connections) {
        this.writers = writers;
        this.connections = connections;
    }

    /**
     * A new choice: its title, and the destination's other settings as they stand ({@code values}, optional): what it
     * belongs to (a dataset's project) or is made with (its location).
     */
    public record NewChoice(@NotNull UUID connectionId, @NotBlank @Size(max = 200) String title,
            @Size(max = 50) Map<@NotBlank @Size(max = 100) String, @Size(max = 2000) String> values) {
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Operation(summary = "A destination picker's options", description = "What the connection offers for the setting"
            + " (spreadsheets, tabs, datasets…): `connectionId` names the connection, and the settings the picker depends"
            + " on (see the catalog's `pickers[].dependsOn`) are further query parameters.")
    public List<PickerOption> options(@PathParam("type") String type, @PathParam("setting") String setting,
            @QueryParam("connectionId") UUID connectionId, @Context UriInfo uri) {
        WriterDescriptor.Picker picker = picker(type, setting);
        Map<String, String> values = new LinkedHashMap<>();
        for (String dependency : picker.dependsOn()) {
            values.put(dependency, uri.getQueryParameters().getFirst(dependency));
        }
        return writer(type).options(setting, new PickerRequest(connections.access(connectionId,
                writer(type).descriptor().connectionType(), "connectionId"), values));
    }

    @RequiresRole(Role.EDITOR)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Make a new choice for a picker", description = "For a picker the catalog marks `creatable` (a"
            + " new spreadsheet): made in the connection's account, titled as asked, and answered as an option.")
    public Response create(@PathParam("type") String type, @PathParam("setting") String setting,
            @Valid @NotNull NewChoice choice) {
        if (!picker(type, setting).creatable()) {
            throw new NotFoundException(writer(type).descriptor().name() + " cannot create a \"" + setting + "\"");
        }
        return Response.status(201).entity(writer(type).create(setting, new PickerRequest(connections.access(
                choice.connectionId(), writer(type).descriptor().connectionType(), "connectionId"),
                given(choice.values())),
                choice.title().strip())).build();
    }

    /** The settings a new choice was asked with, those without a value left out. */
    private static Map<String, String> given(Map<String, String> values) {
        Map<String, String> given = new LinkedHashMap<>();
        if (values != null) {
            values.forEach((name, value) -> {
                if (value != null) {
                    given.put(name, value);
                }
            });
        }
        return given;
    }

    private DestinationWriter writer(String type) {
        return writers.find(type).orElseThrow(() -> NotFoundException.of("Destination kind", type));
    }

    private WriterDescriptor.Picker picker(String type, String setting) {
        return writer(type).descriptor().pickers().stream().filter(p -> p.setting().equals(setting)).findFirst()
                .orElseThrow(() -> new NotFoundException(writer(type).descriptor().name() + " has no picker for \""
                        + setting + "\""));
    }
}
