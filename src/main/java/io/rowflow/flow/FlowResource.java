package io.rowflow.flow;

import io.quarkus.security.Authenticated;
import io.rowflow.audit.AuditLog;
import io.rowflow.common.error.NotFoundException;
import io.rowflow.run.FlowOverview;
import io.rowflow.run.PreviewService;
import io.rowflow.run.RunService;
import io.rowflow.run.RunStats;
import io.rowflow.run.RunView;
import io.rowflow.schedule.NextFires;
import io.rowflow.schedule.ScheduleCalculator;
import io.rowflow.storage.DataFolder;
import io.rowflow.workspace.RequiresRole;
import io.rowflow.workspace.Role;
import io.rowflow.writer.DestinationLink;
import io.rowflow.writer.DestinationWriter;
import io.rowflow.writer.WriterDescriptor;
import io.rowflow.writer.WriterRegistry;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Authenticated
@Path("/api/v1/flows")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Flows", description = "Sources, transform and destinations, run by hand or on a schedule")
public class FlowResource {

    private final FlowService flows;
    private final RunService runs;
    private final PreviewService previews;
    @jakarta.inject.Inject
    com.fasterxml.jackson.databind.ObjectMapper json;
    @jakarta.inject.Inject
    jakarta.validation.Validator validator;
    private final DataFolder dataFolder;
    private final AuditLog audit;
    private final io.rowflow.common.web.PublicUrl publicUrl;

    private final WriterRegistry writers;

    public FlowResource(FlowService flows, RunService runs, PreviewService previews, DataFolder dataFolder,
            AuditLog audit, io.rowflow.common.web.PublicUrl publicUrl, WriterRegistry writers) {
        this.flows = flows;
        this.writers = writers;
        this.publicUrl = publicUrl;
        this.audit = audit;
        this.runs = runs;
        this.previews = previews;
        this.dataFolder = dataFolder;
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Operation(summary = "List flows")
    public List<FlowView> list() {
        return flows.list();
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Path("overview")
    @Operation(summary = "List flows with their last run and next run", description = "The flows of the workspace as"
            + " GET /flows lists them, each with its newest run (absent before the first) and the next time its"
            + " schedule fires (absent without a schedule or while paused): what a list of flows shows, in one request.")
    public List<FlowOverview> overview() {
        List<FlowView> list = flows.list();
        Map<UUID, RunView> latest = runs.latest(list.stream().map(FlowView::id).toList());
        Instant now = Instant.now();
        return list.stream().map(flow -> new FlowOverview(flow, latest.get(flow.id()), nextRunAt(flow, now))).toList();
    }

    private static Instant nextRunAt(FlowView flow, Instant now) {
        if (flow.schedule() == null || flow.schedule().isNull()) {
            return null;
        }
        NextFires next = NextFires.of(ScheduleCalculator.parse(flow.schedule()), now, 1);
        return next.paused() || next.next().isEmpty() ? null : next.next().get(0).at();
    }

    @RequiresRole(Role.EDITOR)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a flow")
    public Response create(@Valid @NotNull FlowRequest request, UriInfo uri) {
        FlowView created = flows.create(request);
        return Response.created(uri.getAbsolutePathBuilder().path(created.id().toString()).build()).entity(created).build();
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Path("{id}")
    @Operation(summary = "Get a flow")
    public FlowView get(@PathParam("id") UUID id) {
        return flows.get(id);
    }

    @RequiresRole(Role.EDITOR)
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("{id}")
    @Operation(summary = "Change a flow")
    public FlowView update(@PathParam("id") UUID id, @Valid @NotNull FlowRequest request) {
        return flows.update(id, request);
    }

    @RequiresRole(Role.EDITOR)
    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a flow", description = "Its runs go with it (a running one is stopped), and so do the"
            + " files it wrote in the data folder.")
    public Response delete(@PathParam("id") UUID id) {
        flows.delete(id);
        return Response.noContent().build();
    }

    /** The address that starts this flow, with its secret: shown once, when made. */
    public record Webhook(String url, String secret) {
    }

    @POST
    @Path("{id}/webhook")
    @Operation(summary = "Make a new webhook address for the flow",
            description = "POSTing to the address starts the flow. The previous address stops working at once; the secret is shown only now.")
    @RequiresRole(Role.ADMIN)
    public Webhook rotateWebhook(@PathParam("id") UUID id, @jakarta.ws.rs.core.Context io.vertx.core.http.HttpServerRequest request) {
        // The address is built on the configured public URL, never the Host header; checked before the old one stops.
        String base = publicUrl.base(request.localAddress().port(), "a webhook address");
        String secret = flows.rotateWebhookSecret(id);
        return new Webhook(base + "/api/v1/hooks/" + secret, secret);
    }

    @RequiresRole(Role.ADMIN)
    @DELETE
    @Path("{id}/webhook")
    @Operation(summary = "Turn the flow's webhook off")
    public Response disableWebhook(@PathParam("id") UUID id) {
        flows.disableWebhook(id);
        return Response.noContent().build();
    }

    @RequiresRole(Role.EDITOR)
    @DELETE
    @Path("{id}/sync-state")
    @Operation(summary = "Read the flow's incremental sources in full again",
            description = "Forgets where they stopped: the next run reads everything, then only changes again.")
    public Response resetSync(@PathParam("id") UUID id) {
        runs.resetSync(id);
        return Response.noContent().build();
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Path("{id}/schedule/next")
    @Operation(summary = "Next fire times of a flow's schedule", description = "In its time zone, daylight saving included.")
    public NextFires nextFires(@PathParam("id") UUID id,
            @QueryParam("count") @DefaultValue("5") @Min(1) @Max(100) int count) {
        return NextFires.of(ScheduleCalculator.parse(flows.get(id).schedule()), Instant.now(), count);
    }

    @RequiresRole(Role.EDITOR)
    @POST
    @Path("{id}/preview")
    @Operation(summary = "Preview a flow's data at any step", description = "The first 100 rows of the step named by"
            + " `step` (`sources[0]` as read, `sources[0].steps[1]`, `transform.combine`, `transform.steps[2]`; the result"
            + " when absent), with its columns, their types and its total row count. With a body (a flow as for PUT),"
            + " previews that unsaved state instead of the saved flow. Sources are read once and kept for a while, so"
            + " editing a step answers from the kept extract.")
    @Consumes(MediaType.WILDCARD)
    public Preview preview(@PathParam("id") UUID id, @QueryParam("step") String step, String body)
            throws SQLException, com.fasterxml.jackson.core.JsonProcessingException {
        // The body is optional (a POST without one previews the saved flow), so it is read here rather than bound.
        FlowRequest draft = null;
        if (body != null && !body.isBlank()) {
            draft = json.readValue(body, FlowRequest.class);
            var violations = validator.validate(draft);
            if (!violations.isEmpty()) {
                throw new jakarta.validation.ConstraintViolationException(violations);
            }
        }
        return previews.preview(id, draft, step);
    }

    @RequiresRole(Role.EDITOR)
    @POST
    @Path("preview")
    @Operation(summary = "Preview a flow that is not saved yet", description = "As the preview of a saved flow, for a"
            + " flow given in the body (as for POST /api/v1/flows).")
    public Preview previewDraft(@QueryParam("step") String step, @Valid @NotNull FlowRequest draft) throws SQLException {
        return previews.preview(null, flows.checkedDraft(draft, null), step);
    }

    @RequiresRole(Role.EDITOR)
    @POST
    @Path("{id}/runs")
    @Operation(summary = "Run a flow now", description = "Answers 202 with the queued run; poll GET /api/v1/runs/{id}.")
    public Response run(@PathParam("id") UUID id, UriInfo uri) {
        RunView run = runs.start(id, "manual");
        return Response.accepted(run).location(uri.getBaseUriBuilder().path("api/v1/runs").path(run.id().toString()).build())
                .build();
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Path("{id}/runs")
    @Operation(summary = "List a flow's runs", description = "Newest first, by pages.")
    public RunView.Page runs(@PathParam("id") UUID id, @QueryParam("page") @DefaultValue("0") @Min(0) int page,
            @QueryParam("size") @DefaultValue("20") @Min(1) @Max(200) int size) {
        return runs.list(id, page, size);
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Path("{id}/destinations")
    @Operation(summary = "A flow's destinations, where to open them and what the last successful run wrote",
            description = "Per destination: its kind in words, a link to open it (the spreadsheet, the workbook's"
                    + " download, the published CSV; absent when there is nowhere yet), and the rows the newest"
                    + " successful run wrote, with when and which run (absent before one).")
    public List<DestinationState> destinations(@PathParam("id") UUID id,
            @jakarta.ws.rs.core.Context io.vertx.core.http.HttpServerRequest request) {
        FlowView flow = flows.get(id);
        Optional<RunView> written = runs.lastSucceeded(id);
        Optional<String> base = Optional.empty();
        try {
            base = Optional.of(publicUrl.base(request.localAddress().port(), "a published URL"));
        } catch (io.rowflow.common.error.NotConfiguredException unknown) {
            // Without Rowflow's address a published URL has no link here; the page still lists the destination.
        }
        List<DestinationState> states = new java.util.ArrayList<>();
        for (int i = 0; i < flow.destinations().size(); i++) {
            FlowRequest.Destination destination = flow.destinations().get(i);
            DestinationWriter writer = writers.require(destination.type(), "destinations[" + i + "].type");
            int index = i;
            Optional<RunStats.DestinationStats> stats = written.flatMap(run -> run.destinations().stream()
                    .filter(d -> d.index() == index).findFirst());
            states.add(new DestinationState(i, destination.type(), writer.descriptor().name(), writer.link(
                    new DestinationLink.Request(id, i, destination.settings(), dataFolder.destinationFile(id, i, ""), base)) // read only
                    .orElse(null), stats.map(RunStats.DestinationStats::rowsWritten).orElse(null),
                    stats.isPresent() ? written.get().endedAt() : null, stats.isPresent() ? written.get().id() : null));
        }
        return states;
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Path("{id}/destinations/{index}/file")
    @Produces({ MediaType.WILDCARD, "application/problem+json" })
    @Operation(summary = "Download the latest file a destination wrote", description = "For a destination kind whose"
            + " catalog entry has a `file` (an Excel workbook): the file its newest successful write left, named after"
            + " the flow, in the kind's media type.")
    public Response file(@PathParam("id") UUID id, @PathParam("index") @Min(0) int index) {
        FlowView flow = flows.get(id);
        if (index >= flow.destinations().size()) {
            throw new NotFoundException("Flow " + id + " has no destination " + index);
        }
        WriterDescriptor.FileOutput output = writers.find(flow.destinations().get(index).type())
                .map(w -> w.descriptor().file()).orElseThrow(() -> new NotFoundException("Destination " + index
                        + " of flow " + id + " does not write a file"));
        java.nio.file.Path file = dataFolder.destinationFile(id, index, output.fileName());
        if (!Files.exists(file)) {
            throw new NotFoundException("Destination " + index + " of flow " + id + " has not written a file yet");
        }
        String name = flow.name().replaceAll("[^\\p{L}\\p{N} ._-]", "_").strip() + output.extension();
        audit.record("file.downloaded", "flow:" + id, "destination " + index);
        return Response.ok(file.toFile(), output.mediaType())
                .header("Content-Disposition", io.rowflow.common.web.ContentDisposition.attachment(name))
                .header("Cache-Control", "no-store")
                .build();
    }
}
