package io.rowflow.writer.sheets;

import io.quarkus.security.Authenticated;
import io.rowflow.connection.ConnectionService;
import io.rowflow.google.GoogleSheetsSource;
import io.rowflow.writer.PickerOption;
import io.rowflow.writer.PickerRequest;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The spreadsheet picker of a Google connection as REST API v1 first published it (kept stable): the same choices as
 * the Google Sheets destination's pickers at /api/v1/destinations/google-sheets/pickers/…, which the UI uses.
 */
@Authenticated
@Path("/api/v1/connections/{id}/spreadsheets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Connections", description = "Accounts and endpoints Rowflow reads from")
public class SpreadsheetResource {
    private final ConnectionService connections;
    private final GoogleSheetsWriter sheets;

    public SpreadsheetResource(ConnectionService connections, GoogleSheetsWriter sheets) {
        this.connections = connections;
        this.sheets = sheets;
    }

    public record SpreadsheetView(String id, String name, String url) {
        static SpreadsheetView of(PickerOption option) {
            return new SpreadsheetView(option.value(), option.label(), "https://docs.google.com/spreadsheets/d/"
                    + option.value() + "/edit");
        }
    }

    public record NewSpreadsheet(@NotBlank @Size(max = 200) String title) {
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Operation(summary = "List the Google account's spreadsheets", description = "Those Rowflow created or the user opened"
            + " with it (Rowflow asks only for Drive's per-file access); any other can be given by URL.")
    public List<SpreadsheetView> list(@PathParam("id") UUID id) {
        return sheets.options("spreadsheet", request(id, Map.of())).stream().map(SpreadsheetView::of).toList();
    }

    @RequiresRole(Role.EDITOR)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a spreadsheet in the Google account", description = "Answers its id and URL, to use as a"
            + " Google Sheets destination's spreadsheet.")
    public Response create(@PathParam("id") UUID id, @Valid @NotNull NewSpreadsheet request) {
        return Response.status(201).entity(SpreadsheetView.of(sheets.create("spreadsheet", request(id, Map.of()),
                request.title().strip()))).build();
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Path("{spreadsheet}/tabs")
    @Operation(summary = "List a spreadsheet's tabs", description = "Their titles, in the spreadsheet's order (Rowflow's"
            + " hidden staging tabs left out), for the destination's tab picker.")
    public List<String> tabs(@PathParam("id") UUID id, @PathParam("spreadsheet") String spreadsheet) {
        return sheets.options("sheetName", request(id, Map.of("spreadsheet", spreadsheet))).stream()
                .map(PickerOption::value).toList();
    }

    private PickerRequest request(UUID id, Map<String, String> values) {
        return new PickerRequest(connections.access(id, GoogleSheetsSource.ID, "id"), values);
    }
}
