package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.rowflow.pipeline.StagedTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/** Sorts the rows by one column or more; empty values go last either way, and ties keep their order. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "SortStep", description = "Sorts the rows",
        properties = @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = "sort"),
        requiredProperties = "type")
public record SortStep(@Schema(required = true) List<Key> by) implements Step {
    static final String SHAPE = "list the columns to sort by: [{\"column\": …, \"direction\": \"asc\"}]";

    /** A column to sort by; {@code direction} "asc" (the default) or "desc". */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "SortKey")
    public record Key(@Schema(required = true) String column,
            @Schema(enumeration = { "asc", "desc" }, description = "\"asc\" when left out") String direction) {
    }

    @Override
    public String select(Relation input, TransformClock clock, String path) {
        if (by == null || by.isEmpty()) {
            throw new TransformException(path + ".by", SHAPE);
        }
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < by.size(); i++) {
            String at = path + ".by[" + i + "]";
            Key key = by.get(i) == null ? new Key(null, null) : by.get(i);
            String column = Steps.column(Steps.required(key.column(), "column", at), input, at + ".column");
            String direction = key.direction() == null ? "asc" : key.direction();
            if (!Set.of("asc", "desc").contains(direction)) {
                throw new TransformException(at + ".direction", "\"asc\" or \"desc\"");
            }
            keys.add(StagedTable.quote(column) + " " + direction.toUpperCase(Locale.ROOT) + " NULLS LAST");
        }
        keys.add(Relation.ROW);
        return "SELECT * REPLACE (row_number() OVER (ORDER BY " + String.join(", ", keys) + ") AS " + Relation.ROW + ") FROM "
                + input.view();
    }
}
