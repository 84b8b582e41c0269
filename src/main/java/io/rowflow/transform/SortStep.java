package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.rowflow.pipeline.StagedTable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/** Sorts the rows by one column or more; empty values go last either way, and ties keep their order. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "SortStep", description = "Sorts the rows",
        properties = @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = "sort"),
        requiredProperties = "type")
public record SortStep(@Schema(required = true) @NotEmpty(message = SortStep.SHAPE)
        List<@NotNull(message = Steps.REQUIRED) @Valid Key> by) implements Step {
    static final String SHAPE = "list the columns to sort by: [{\"column\": …, \"direction\": \"asc\"}]";

    /** A column to sort by; {@code direction} "asc" (the default) or "desc". */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "SortKey")
    public record Key(@Schema(required = true) @NotBlank(message = Steps.REQUIRED) String column,
            @Schema(enumeration = { "asc", "desc" }, description = "\"asc\" when left out")
            @Pattern(regexp = "^(asc|desc)$", message = "\"asc\" or \"desc\"") String direction) {
    }

    @Override
    public String select(Relation input, TransformClock clock, String path) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < by.size(); i++) {
            String at = path + ".by[" + i + "]";
            Key key = by.get(i);
            String column = Steps.column(key.column(), input, at + ".column");
            String direction = key.direction() == null ? "asc" : key.direction();
            keys.add(StagedTable.quote(column) + " " + direction.toUpperCase(Locale.ROOT) + " NULLS LAST");
        }
        keys.add(Relation.ROW);
        return "SELECT * REPLACE (row_number() OVER (ORDER BY " + String.join(", ", keys) + ") AS " + Relation.ROW + ") FROM "
                + input.view();
    }
}
