package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/** Keeps the columns listed, in the order listed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "SelectStep", description = "Keeps the columns listed, in that order",
        properties = @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = "select"),
        requiredProperties = "type")
public record SelectStep(@Schema(required = true, description = "The columns to keep")
        @NotEmpty(message = Steps.LIST_COLUMNS) List<String> columns) implements Step {
    @Override
    public String select(Relation input, TransformClock clock, String path) {
        List<String> keep = Steps.columns(columns, "columns", input, path);
        return Steps.keeping(keep, input);
    }
}
