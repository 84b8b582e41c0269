package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.rowflow.pipeline.ColumnType;
import io.rowflow.pipeline.StagedTable;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/**
 * Converts a column to another type. A value that does not convert fails the run ({@code onError} "fail", the
 * default) or becomes empty ("empty"); the preview and the run count the values so emptied ({@link #lossy}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "RetypeStep", description = "Converts a column to another type",
        properties = @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = "retype"),
        requiredProperties = "type")
public record RetypeStep(
        @Schema(required = true, description = "The column to convert") @NotBlank(message = Steps.REQUIRED) String column,
        @Schema(required = true, enumeration = { "text", "integer", "decimal", "boolean", "date", "timestamp" })
        @NotNull(message = Steps.REQUIRED) @Pattern(regexp = "^(text|integer|decimal|boolean|date|timestamp)$",
                message = "one of boolean, date, decimal, integer, text, timestamp") String to,
        @Schema(description = "What a value that does not convert does: \"fail\" (the default) fails the run, \"empty\""
                + " leaves it empty", enumeration = { "fail", "empty" })
        @Pattern(regexp = "^(fail|empty)$", message = "\"fail\" (the run fails on a value that does not convert) or \"empty\""
                + " (such a value becomes empty)") String onError) implements Step {

    @Override
    public String select(Relation input, TransformClock clock, String path) {
        String name = Steps.column(column, input, path + ".column");
        ColumnType type = Steps.RETYPES.get(to);
        if (!input.known()) {
            return "";
        }
        String cast = (emptiesFailures() ? "TRY_CAST(" : "CAST(") + StagedTable.quote(name) + " AS " + type.duckDbType() + ")";
        return "SELECT * REPLACE (" + cast + " AS " + StagedTable.quote(name) + ") FROM " + input.view();
    }

    /** "fail" unless the step says otherwise (the accessor keeps an absent field absent in the stored JSON). */
    String failureMode() {
        return onError == null ? "fail" : onError;
    }

    boolean emptiesFailures() {
        return "empty".equals(failureMode());
    }

    /**
     * What this step leaves empty when a value does not convert, for the preview and the run to count: null unless
     * the step empties such values and its input is known.
     */
    Steps.LossyRetype lossy(Relation input, String path) {
        if (!emptiesFailures() || !input.known()) {
            return null;
        }
        return new Steps.LossyRetype(path, Steps.column(column, input, path + ".column"),
                to, Steps.RETYPES.get(to).duckDbType());
    }
}
