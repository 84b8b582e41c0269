package io.rowflow.writer.sheets;

import com.google.api.services.sheets.v4.model.Spreadsheet;
import com.google.api.services.sheets.v4.model.SpreadsheetProperties;
import io.quarkus.security.Authenticated;
import io.rowflow.common.error.InvalidInputException;
import io.rowflow.connection.ConnectionEntity;
import io.rowflow.connection.ConnectionService;
import io.rowflow.connector.SourceContext;
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
import java.io.IOException;
import java.util.List;

import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The spreadsheet picker of a Google connection: the spreadsheets it can pick from, and a new one. */
@Authenticated
@Path("/api/v1/connections/{id}/spreadsheets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Connections", description = "Accounts and endpoints Rowflow reads from")
public class SpreadsheetResource {
    private final ConnectionService connections;
    private final GoogleApis google;

    public SpreadsheetResource(ConnectionService connections, GoogleApis google) {
        this.connections = connections;
        this.google = google;
    }

    public record SpreadsheetView(String id, String name, String url) {
    }

    public record NewSpreadsheet(@NotBlank @Size(max = 200) String title) {
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Operation(summary = "List the Google account's spreadsheets", description = "Those Rowflow created or the user opened"
            + " with it (Rowflow asks only for Drive's per-file access); any other can be given by URL.")
    public List<SpreadsheetView> list(@PathParam("id") UUID id) {
        GoogleApis.Session session = session(id);
        try {
            return google.spreadsheets(session).stream().map(f -> new SpreadsheetView(String.valueOf(f.get("id")),
                    String.valueOf(f.get("name")), "https://docs.google.com/spreadsheets/d/" + f.get("id") + "/edit"))
                    .toList();
        } catch (IOException e) {
            throw GoogleApis.translate(e, "listing the spreadsheets");
        }
    }

    @RequiresRole(Role.EDITOR)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a spreadsheet in the Google account", description = "Answers its id and URL, to use as a"
            + " Google Sheets destination's spreadsheet.")
    public Response create(@PathParam("id") UUID id, @Valid @NotNull NewSpreadsheet request) {
        GoogleApis.Session session = session(id);
        try {
            Spreadsheet made = session.sheets().spreadsheets().create(new Spreadsheet().setProperties(
                    new SpreadsheetProperties().setTitle(request.title().strip()))).execute();
            return Response.status(201).entity(new SpreadsheetView(made.getSpreadsheetId(), made.getProperties()
                    .getTitle(), "https://docs.google.com/spreadsheets/d/" + made.getSpreadsheetId() + "/edit")).build();
        } catch (IOException e) {
            throw GoogleApis.translate(e, "creating the spreadsheet");
        }
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Path("{spreadsheet}/tabs")
    @Operation(summary = "List a spreadsheet's tabs", description = "Their titles, in the spreadsheet's order (Rowflow's"
            + " hidden staging tabs left out), for the destination's tab picker.")
    public List<String> tabs(@PathParam("id") UUID id, @PathParam("spreadsheet") String spreadsheet) {
        GoogleApis.Session session = session(id);
        try {
            Spreadsheet found = session.sheets().spreadsheets().get(GoogleSheetsWriter.spreadsheetId(spreadsheet))
                    .setFields("sheets.properties(title,hidden)").execute();
            return found.getSheets() == null ? List.of() : found.getSheets().stream().map(s -> s.getProperties())
                    .filter(p -> !Boolean.TRUE.equals(p.getHidden())).map(p -> p.getTitle()).toList();
        } catch (IOException e) {
            throw GoogleApis.translate(e, "reading the spreadsheet's tabs");
        }
    }

    private GoogleApis.Session session(UUID id) {
        ConnectionEntity connection = connections.find(id);
        if (!connection.connectorId.equals(GoogleSheetsSource.ID)) {
            throw InvalidInputException.field("id", "not a Google Sheets connection");
        }
        SourceContext access = connections.sourceContext(connection, null);
        return google.open(id, access.config(), access.accessTokens());
    }

}
