package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.rowflow.pipeline.StagedTable;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/**
 * Keeps one row per key: the first in the current order, or the one with the latest value of {@code latestBy}
 * (empty values count as earliest).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "DeduplicateStep", description = "Keeps one row per key",
        properties = @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = "deduplicate"),
        requiredProperties = "type")
public record DeduplicateStep(
        @Schema(required = true, description = "The columns that together make a row's key")
        @NotEmpty(message = Steps.LIST_COLUMNS) List<String> keys,
        @Schema(description = "Keep the row with the latest value of this column instead of the first row")
        String latestBy) implements Step {

    @Override
    public String select(Relation input, TransformClock clock, String path) {
        List<String> columns = Steps.columns(keys, "keys", input, path);
        String order = Relation.ROW;
        if (latestBy != null) {
            order = StagedTable.quote(Steps.column(latestBy, input, path + ".latestBy")) + " DESC NULLS LAST, " + Relation.ROW;
        }
        return "SELECT * FROM " + input.view() + " QUALIFY row_number() OVER (PARTITION BY " + columns.stream()
                .map(StagedTable::quote).collect(Collectors.joining(", ")) + " ORDER BY " + order + ") = 1";
    }
}
