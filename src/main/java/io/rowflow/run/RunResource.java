package io.rowflow.run;

import io.quarkus.security.Authenticated;
import io.rowflow.workspace.RequiresRole;
import io.rowflow.workspace.Role;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

@Authenticated
@Path("/api/v1/runs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Runs", description = "Executions of flows")
public class RunResource {
    private final RunService runs;
    private final RunProgress progress;

    public RunResource(RunService runs, RunProgress progress) {
        this.runs = runs;
        this.progress = progress;
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Path("{id}")
    @Operation(summary = "Get a run", description = "Status, rows per source and destination, and on failure the step and cause.")
    public RunView get(@PathParam("id") UUID id) {
        return runs.get(id);
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Path("{id}/log")
    @Operation(summary = "Get a run's log", description = "Timestamped lines, oldest first.")
    public List<RunView.LogLine> log(@PathParam("id") UUID id) {
        return runs.log(id);
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Path("{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Blocking // the access check reads the database; the polling runs on worker threads too
    @Operation(summary = "Follow a run as it happens", description = "Server-sent events, each {run, log}: the run's"
            + " state and its log lines new since the previous event. The stream ends with the event of the finished run.")
    public Multi<RunProgress.Event> events(@PathParam("id") UUID id) {
        return progress.follow(id);
    }

    @RequiresRole(Role.EDITOR)
    @POST
    @Path("{id}/cancel")
    @Operation(summary = "Cancel a run", description = "A queued run is cancelled at once; a running one stops at its next checkpoint. 409 once it ended.")
    public RunView cancel(@PathParam("id") UUID id) {
        return runs.cancel(id);
    }
}
