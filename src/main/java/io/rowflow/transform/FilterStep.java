package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/**
 * Keeps the rows that meet a condition: a test on one column {@code {"column", "op", "value"}} or a group
 * {@code {"all": […]}} / {@code {"any": […]}} of conditions, nested ({@link Condition}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "FilterStep", description = "Keeps the rows that meet a condition",
        properties = @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = "filter"),
        requiredProperties = "type")
public record FilterStep(@Schema(required = true, description = "A test on one column (the operators by column type:"
        + " see docs/flows.md), or a group {\"all\": [...]} or {\"any\": [...]}")
        @NotNull(message = Condition.SHAPE) @Valid @JsonDeserialize(using = Condition.Reader.class) Condition where)
        implements Step {
    @Override
    public String select(Relation input, TransformClock clock, String path) {
        return "SELECT * FROM " + input.view() + " WHERE " + where.sql(input, clock, path + ".where");
    }
}
