package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/** Drops the columns listed and keeps the others; dropping every column is refused. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "RemoveStep", description = "Drops the columns listed",
        properties = @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = "remove"),
        requiredProperties = "type")
public record RemoveStep(@Schema(required = true, description = "The columns to drop")
        @NotEmpty(message = Steps.LIST_COLUMNS) List<String> columns) implements Step {
    @Override
    public String select(Relation input, TransformClock clock, String path) {
        List<String> drop = Steps.columns(columns, "columns", input, path);
        if (!input.known()) {
            return "";
        }
        List<String> keep = input.names().stream().filter(c -> !drop.contains(c)).toList();
        if (keep.isEmpty()) {
            throw new TransformException(path + ".columns", "removing every column leaves nothing to write");
        }
        return Steps.keeping(keep, input);
    }
}
