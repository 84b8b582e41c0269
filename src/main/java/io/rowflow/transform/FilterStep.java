package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/**
 * Keeps the rows that meet a condition. The condition stays JSON ({@link Filters} reads it): a test
 * {@code {"column", "op", "value"}} or a group {@code {"all": […]}} / {@code {"any": […]}} of them, nested.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "FilterStep", description = "Keeps the rows that meet a condition",
        properties = @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = "filter"),
        requiredProperties = "type")
public record FilterStep(@Schema(required = true, type = SchemaType.OBJECT, description = "A test {\"column\": …, \"op\":"
        + " …, \"value\": …} (ops by column type: see docs/flows.md), or a group {\"all\": [...]} or {\"any\": [...]}")
        JsonNode where) implements Step {
    @Override
    public String select(Relation input, TransformClock clock, String path) {
        return "SELECT * FROM " + input.view() + " WHERE " + Filters.where(where, input, clock, path + ".where");
    }
}
