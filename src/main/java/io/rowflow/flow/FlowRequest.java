package io.rowflow.flow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.schedule.Schedule;
import io.rowflow.transform.Step;
import io.rowflow.transform.Transform;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A flow as a client defines it: where rows come from, how they are shaped, where they go and when. {@code runAfter}
 * lists flows whose success starts this one; {@code timeout} (ISO-8601, e.g. PT30M) overrides rowflow.run.timeout;
 * {@code onlyIfChanged} skips writing on runs not started by hand when the result equals the last one written;
 * {@code retries} is how often a run that failed for a passing reason (an API down or rate-limiting for longer than the
 * request retries cover) starts again, with a doubling wait (default rowflow.run.max-retries); {@code emptyResult}
 * says whether a run that read no rows keeps the destinations' data ("keep", the default) or empties them ("write").
 */
public record FlowRequest(
        @NotBlank @Size(max = 200) @io.rowflow.common.validation.PlainText String name,
        @NotNull @Size(min = 1, max = 20) List<@Valid @NotNull Source> sources,
        @Schema(implementation = Transform.class) ObjectNode transform,
        @NotNull @Size(min = 1, max = 20) List<@Valid @NotNull Destination> destinations,
        @Schema(implementation = Schedule.class) ObjectNode schedule,
        @Size(max = 20) List<@NotNull UUID> runAfter,
        String timeout,
        Boolean onlyIfChanged,
        @Min(0) @Max(10) Integer retries,
        @Schema(description = "What a run whose sources return no"
                + " rows does: \"keep\" (default) leaves every destination as it was and says so in the run's log;"
                + " \"write\" writes an empty table with its header (appending destinations have nothing to add either way)")
        @jakarta.validation.constraints.Pattern(regexp = "keep|write", message = "must be keep or write") String emptyResult) {

    /**
     * A connection to read, with settings that override the connection's own for this flow (date macros such as
     * {@code {{yesterday}}} allowed in them), an optional name (for an append's source column and joined column names)
     * the steps that shape this source before it is combined with the others, and how it is read: {@code full} (the
     * default) or {@code incremental} (only what changed since the last successful run, for streams that can).
     */
    public record Source(@NotNull UUID connectionId, String stream, ObjectNode parameters,
            @Size(max = 100) @io.rowflow.common.validation.PlainText String name,
            // Read into Step records when checked and run (Step.read), so errors keep their paths and words.
            @Schema(type = SchemaType.ARRAY, implementation = Step.class) @Size(max = 100) List<@NotNull ObjectNode> steps,
            @jakarta.validation.constraints.Pattern(regexp = "full|incremental", message = "must be full or incremental")
            String sync) {
        public Source withParameters(ObjectNode resolved) {
            return new Source(connectionId, stream, resolved, name, steps, sync);
        }

        public boolean incremental() {
            return "incremental".equals(sync);
        }
    }

    /** A destination kind (see GET /api/v1/destinations) and its settings. */
    public record Destination(@NotBlank String type, ObjectNode settings) {
    }
}
