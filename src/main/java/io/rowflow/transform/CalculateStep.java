package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.rowflow.pipeline.StagedTable;
import jakarta.validation.constraints.NotBlank;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/**
 * Adds a column computed by a formula ({@link Expressions}), or replaces the column of that name when {@code replace}
 * is true.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "CalculateStep", description = "Adds (or replaces) a column computed by a formula",
        properties = @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = "calculate"),
        requiredProperties = "type")
public record CalculateStep(
        @Schema(required = true, description = "The new column's name") @NotBlank(message = Steps.REQUIRED) String column,
        @Schema(required = true, description = "A formula: see GET /api/v1/transform/functions")
        @NotBlank(message = Steps.REQUIRED) String expression,
        @Schema(description = "Replace the column of that name instead of refusing it") Boolean replace) implements Step {

    @Override
    public String select(Relation input, TransformClock clock, String path) {
        String replaced = Boolean.TRUE.equals(replace) ? column : null;
        String name = Steps.newName(column, "column", input, path, replaced);
        String sql;
        try {
            sql = Expressions.toSql(expression, input.names(), clock.todaySql(), clock.nowSql());
        } catch (ExpressionException e) {
            throw new TransformException(path + ".expression", e.getMessage());
        }
        if (input.known() && input.find(name).isPresent()) {
            return "SELECT * REPLACE (" + sql + " AS " + StagedTable.quote(input.find(name).get().name()) + ") FROM "
                    + input.view();
        }
        return "SELECT *, " + sql + " AS " + StagedTable.quote(name) + " FROM " + input.view();
    }
}
