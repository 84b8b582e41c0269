package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.rowflow.pipeline.StagedTable;
import jakarta.validation.constraints.NotEmpty;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/** Gives columns new names; the others keep theirs, and every column keeps its place. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "RenameStep", description = "Gives columns new names: {\"old name\": \"new name\"}",
        properties = @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = "rename"),
        requiredProperties = "type")
public record RenameStep(@Schema(required = true, description = "Old name to new name", type = SchemaType.OBJECT,
        additionalProperties = String.class) @NotEmpty(message = RenameStep.SHAPE) Map<String, String> columns)
        implements Step {
    static final String SHAPE = "map old names to new ones: {\"old name\": \"new name\"}";

    @Override
    public String select(Relation input, TransformClock clock, String path) {
        Map<String, String> renames = new LinkedHashMap<>();
        // A null new name reads as the text "null", as it did when steps were read as JSON.
        columns.forEach((from, to) -> renames.put(Steps.column(from, input, path + ".columns." + from),
                String.valueOf(to).strip()));
        if (!input.known()) {
            return "";
        }
        Set<String> seen = new HashSet<>();
        StringBuilder sql = new StringBuilder("SELECT " + Relation.ROW);
        for (String c : input.names()) {
            String renamed = renames.getOrDefault(c, c);
            if (renamed.isEmpty() || renamed.equalsIgnoreCase(Relation.ROW) || !seen.add(renamed.toLowerCase(Locale.ROOT))) {
                throw new TransformException(path + ".columns." + c, "\"" + renamed + "\" cannot be used: "
                        + (renamed.isEmpty() ? "a column needs a name" : "another column has that name"));
            }
            sql.append(", ").append(StagedTable.quote(c)).append(" AS ").append(StagedTable.quote(renamed));
        }
        return sql + " FROM " + input.view();
    }
}
