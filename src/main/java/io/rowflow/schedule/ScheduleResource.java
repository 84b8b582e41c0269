package io.rowflow.schedule;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.security.Authenticated;
import io.rowflow.common.error.FieldError;
import io.rowflow.common.error.InvalidInputException;
import io.rowflow.workspace.RequiresRole;
import io.rowflow.workspace.Role;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Schedules before they are saved: the flow builder shows a schedule's next fire times as the user edits it. */
@Authenticated
@Path("/api/v1/schedules")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Flows")
public class ScheduleResource {
    @RequiresRole(Role.VIEWER)
    @POST
    @Path("next")
    @Operation(summary = "Next fire times of a schedule not saved yet", description = "The body is a flow's `schedule`;"
            + " invalid ones are refused with the field named, as when a flow is saved.")
    public NextFires next(@NotNull ObjectNode schedule,
            @QueryParam("count") @DefaultValue("5") @Min(1) @Max(100) int count) {
        List<FieldError> errors = ScheduleCalculator.errors(schedule, "schedule");
        if (!errors.isEmpty()) {
            throw InvalidInputException.of(errors);
        }
        return NextFires.of(ScheduleCalculator.parse(schedule), Instant.now(), count);
    }
}
