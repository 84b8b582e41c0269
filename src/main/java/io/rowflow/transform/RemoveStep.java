package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.rowflow.pipeline.StagedTable;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/** Drops the columns listed and keeps the others; dropping every column is refused. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "RemoveStep", description = "Drops the columns listed",
        properties = @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = "remove"),
        requiredProperties = "type")
public record RemoveStep(@Schema(required = true, description = "The columns to drop") List<String> columns) implements Step {
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
        return "SELECT " + Relation.ROW + keep.stream().map(c -> ", " + StagedTable.quote(c)).collect(Collectors.joining())
                + " FROM " + input.view();
    }
}
