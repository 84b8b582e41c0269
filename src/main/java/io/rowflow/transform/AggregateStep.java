package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.rowflow.pipeline.ColumnType;
import io.rowflow.pipeline.StagedTable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/** Groups the rows by some columns (or none: one row) and computes sums, counts and the like per group. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "AggregateStep", description = "Groups rows and computes sums, counts, averages… per group",
        properties = @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = "aggregate"),
        requiredProperties = "type")
public record AggregateStep(
        @Schema(description = "The columns to group by; none makes one row") List<String> groupBy,
        @Schema(required = true) @NotEmpty(message = AggregateStep.SHAPE)
        List<@NotNull(message = Steps.REQUIRED) @Valid Aggregate> aggregates) implements Step {
    static final String SHAPE = "list at least one: [{\"function\": \"sum\", \"column\": \"Amount\", \"as\": \"Total\"}]";

    /** One computed column: a function of a column ({@code count} needs none), named {@code as} or after both. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "Aggregate")
    public record Aggregate(
            @Schema(required = true, enumeration = { "average", "count", "count_distinct", "max", "min", "sum" })
            @NotNull(message = Steps.REQUIRED) @Pattern(regexp = "^(sum|count|count_distinct|average|min|max)$",
                    message = "one of average, count, count_distinct, max, min, sum") String function,
            @Schema(description = "Required for every function but count") String column,
            @Schema(description = "The result column's name; \"sum of Amount\" and the like when left out") String as) {
    }

    @Override
    public String select(Relation input, TransformClock clock, String path) {
        List<String> groups = groupBy != null && !groupBy.isEmpty() ? Steps.columns(groupBy, "groupBy", input, path)
                : List.of();
        StringBuilder sql = new StringBuilder("SELECT min(" + Relation.ROW + ") AS " + Relation.ROW);
        Set<String> names = new HashSet<>();
        groups.forEach(g -> {
            names.add(g.toLowerCase(Locale.ROOT));
            sql.append(", ").append(StagedTable.quote(g));
        });
        for (int i = 0; i < aggregates.size(); i++) {
            String at = path + ".aggregates[" + i + "]";
            Aggregate aggregate = aggregates.get(i);
            String function = aggregate.function();
            String column = aggregate.column() != null ? Steps.column(aggregate.column(), input, at + ".column") : null;
            if (column == null && !function.equals("count")) {
                throw new TransformException(at + ".column", function + " needs a column");
            }
            if (input.known() && column != null && Set.of("sum", "average").contains(function)) {
                ColumnType type = input.find(column).get().type();
                if (type != ColumnType.INTEGER && type != ColumnType.DECIMAL) {
                    throw new TransformException(at + ".column", function + " needs a number column; \"" + column
                            + "\" is " + Filters.describe(type) + " (retype it first)");
                }
            }
            String as = aggregate.as() != null ? aggregate.as().strip() : function + (column == null ? "" : " of " + column);
            if (as.isEmpty() || !names.add(as.toLowerCase(Locale.ROOT))) {
                throw new TransformException(at + ".as", "\"" + as + "\" is already a column of the result");
            }
            String q = column == null ? "*" : StagedTable.quote(column);
            String sqlFunction = switch (function) {
                case "count_distinct" -> "count(DISTINCT " + q + ")";
                // DuckDB averages decimals as a double: rounded back to the column's places and four more, exact.
                case "average" -> averageOf(q, input.known() && column != null ? input.find(column).get() : null);
                default -> function + "(" + q + ")";
            };
            sql.append(", ").append(sqlFunction).append(" AS ").append(StagedTable.quote(as));
        }
        sql.append(" FROM ").append(input.view());
        if (!groups.isEmpty()) {
            sql.append(" GROUP BY ").append(groups.stream().map(StagedTable::quote).collect(Collectors.joining(", ")));
        }
        return sql.toString();
    }

    private static String averageOf(String column, Relation.Col col) {
        if (col == null || col.type() != ColumnType.DECIMAL || col.scale() < 0) {
            return "avg(" + column + ")";
        }
        int places = Math.min(col.scale() + 4, 18);
        return "CAST(round(avg(" + column + "), " + places + ") AS DECIMAL(38," + places + "))";
    }
}
