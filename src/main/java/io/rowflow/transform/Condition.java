package io.rowflow.transform;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A filter's condition: a test on one column ({@link ColumnTest}: {@code {"column": "Amount", "op": "gt", "value":
 * 100}}), or a group of conditions that must all hold ({@code {"all": [...]}}) or one of which must
 * ({@code {"any": [...]}}), nested as deep as wanted. Each compiles itself to a SQL boolean ({@link #sql}). The JSON
 * has no "type": a group is told by its key and a test by its {@code op} ({@link Reader}), as flows have always
 * stored them.
 */
@Schema(name = "Condition", description = "A test on one column, or a group {\"all\": [...]} / {\"any\": [...]}",
        oneOf = { Condition.All.class, Condition.Any.class, ColumnTest.Equality.class, ColumnTest.Emptiness.class,
                ColumnTest.TextMatch.class, ColumnTest.InList.class, ColumnTest.Comparison.class, ColumnTest.Range.class,
                ColumnTest.DateComparison.class, ColumnTest.RelativeDate.class, ColumnTest.LastDays.class })
public sealed interface Condition permits Condition.All, Condition.Any, ColumnTest {
    String SHAPE = "a condition is an object: {\"column\": …, \"op\": …, \"value\": …}, or a group {\"all\": […]} /"
            + " {\"any\": […]}";
    String GROUP_SHAPE = "a group lists at least one condition";

    /**
     * The condition as SQL over {@code input}'s columns; {@code path} is its place in the flow
     * ({@code transform.steps[2].where.all[0]}), for errors. With the columns unknown it checks what it can.
     */
    String sql(Relation input, TransformClock clock, String path);

    /** Rows for which every condition holds. */
    @Schema(name = "AllConditions", description = "Every condition holds")
    record All(@Schema(required = true) @NotEmpty(message = GROUP_SHAPE) @JsonDeserialize(contentUsing = Reader.class)
            List<@NotNull(message = SHAPE) @Valid Condition> all) implements Condition {
        @Override
        public String sql(Relation input, TransformClock clock, String path) {
            return group(all, " AND ", input, clock, path + ".all");
        }
    }

    /** Rows for which at least one condition holds. */
    @Schema(name = "AnyCondition", description = "At least one condition holds")
    record Any(@Schema(required = true) @NotEmpty(message = GROUP_SHAPE) @JsonDeserialize(contentUsing = Reader.class)
            List<@NotNull(message = SHAPE) @Valid Condition> any) implements Condition {
        @Override
        public String sql(Relation input, TransformClock clock, String path) {
            return group(any, " OR ", input, clock, path + ".any");
        }
    }

    private static String group(List<Condition> conditions, String joiner, Relation input, TransformClock clock,
            String path) {
        StringBuilder sql = new StringBuilder("(");
        for (int i = 0; i < conditions.size(); i++) {
            sql.append(i == 0 ? "" : joiner).append(conditions.get(i).sql(input, clock, path + "[" + i + "]"));
        }
        return sql.append(")").toString();
    }

    /**
     * What a field of a condition holds, for a value of the wrong shape (a list where one value belongs); the fields
     * not named here are "required".
     */
    Map<String, String> SHAPES = Map.of(
            "all", GROUP_SHAPE,
            "any", GROUP_SHAPE,
            "value", Operand.SHAPE,
            "from", Operand.SHAPE,
            "to", Operand.SHAPE,
            "values", ColumnTest.InList.SHAPE,
            "days", ColumnTest.LastDays.SHAPE,
            "ignoreCase", "true or false");

    /**
     * Reads a condition into its record: a group by its key ("all" first, as before), a test by the record its
     * {@code op} belongs to ({@link Filters#RECORDS}). An unknown operator is refused here, naming them all; an
     * operator the column's type does not take is refused when the column is known ({@link ColumnTest#sql}).
     */
    final class Reader extends StdDeserializer<Condition> {
        Reader() {
            super(Condition.class);
        }

        @Override
        public Condition deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonNode node = context.readTree(parser);
            if (!node.isObject()) {
                throw new Steps.Refusal(parser, null, SHAPE);
            }
            if (node.has("all")) {
                return context.readTreeAsValue(node, All.class);
            }
            if (node.has("any")) {
                return context.readTreeAsValue(node, Any.class);
            }
            JsonNode op = node.get("op");
            if (op == null || !op.isTextual() || op.asText().isEmpty()) {
                throw new Steps.Refusal(parser, "op", Steps.REQUIRED);
            }
            Class<? extends ColumnTest> record = Filters.RECORDS.get(op.asText());
            if (record == null) {
                throw new Steps.Refusal(parser, "op", "unknown operator \"" + op.asText() + "\"; the operators are "
                        + String.join(", ", Filters.operators()));
            }
            return context.readTreeAsValue(node, record);
        }
    }
}
