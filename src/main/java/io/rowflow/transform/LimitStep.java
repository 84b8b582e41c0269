package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/** Keeps the first {@code count} rows in the current order. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "LimitStep", description = "Keeps the first rows",
        properties = @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = "limit"),
        requiredProperties = "type")
public record LimitStep(@Schema(required = true, minimum = "0", description = "How many rows to keep")
        @NotNull(message = LimitStep.SHAPE) @Min(value = 0, message = LimitStep.SHAPE) Long count) implements Step {
    static final String SHAPE = "how many rows to keep: a whole number, 0 or more";

    @Override
    public String select(Relation input, TransformClock clock, String path) {
        return "SELECT * FROM " + input.view() + " ORDER BY " + Relation.ROW + " LIMIT " + count;
    }
}
