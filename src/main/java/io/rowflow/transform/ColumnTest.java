package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.rowflow.pipeline.ColumnType;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.transform.Filters.Kind;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A filter test on one column: {@code {"column": "Amount", "op": "gt", "value": 100}}. Each record holds the
 * operators that take the same fields and compiles them to SQL; which column types an operator applies to is
 * {@link Filters}' table. The column and its type are known when a flow is previewed or run; before it is saved only
 * the test's own fields are checked.
 */
public sealed interface ColumnTest extends Condition permits ColumnTest.Equality, ColumnTest.Emptiness,
        ColumnTest.TextMatch, ColumnTest.InList, ColumnTest.Comparison, ColumnTest.Range, ColumnTest.DateComparison,
        ColumnTest.RelativeDate, ColumnTest.LastDays {
    String VALUE_REQUIRED = "a value is required";

    /** The column tested, as the flow names it. */
    String column();

    Operator op();

    /**
     * The test as SQL once its column is known: {@code col} is the column quoted, {@code type} its type (null while
     * unknown); {@link #sql} adds what empty values do.
     */
    String test(String col, ColumnType type, TransformClock clock, String path);

    @Override
    default String sql(Relation input, TransformClock clock, String path) {
        Relation.Col column = input.known() ? input.find(column()).orElseThrow(() -> Steps.noColumn(column(), input,
                path + ".column")) : new Relation.Col(column(), null);
        ColumnType type = column.type();
        if (type != null && !Filters.applies(this, Kind.of(type))) {
            throw new TransformException(path + ".op", "\"" + op().name() + "\" does not apply to the " + type.id()
                    + " column \"" + column.name() + "\"; it takes " + String.join(", ", Filters.operatorsFor(Kind.of(type))));
        }
        String col = StagedTable.quote(column.name());
        String test = test(col, type, clock, path);
        // Negative tests keep the rows whose value is empty (nothing to contradict them).
        return op().negative() ? "(" + col + " IS NULL OR NOT (" + test + "))" : "(" + test + ")";
    }

    /**
     * An operator: a constant of its test's enum, named as flows write it ("not_equals"), so that Jackson and the API
     * description use the name as it is.
     */
    interface Operator {
        String name();

        /** not_equals, not_contains, not_in: the tests that keep empty values. */
        default boolean negative() {
            return name().startsWith("not_");
        }
    }

    /** Equal to a text, a number, true or false, a day (a timestamp on that day) or a moment; any column type. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "EqualityTest", description = "Equal (or not) to a value: text, a number, true or false, a day or a"
            + " moment")
    record Equality(@Schema(required = true) @NotBlank(message = Steps.REQUIRED) String column,
            @Schema(required = true) Op op,
            @Schema(required = true) @NotNull(message = VALUE_REQUIRED) Operand value,
            @Schema(description = "Compare text without regard to case") Boolean ignoreCase) implements ColumnTest {
        @Schema(name = "EqualityOp")
        public enum Op implements Operator { equals, not_equals }

        @Override
        public String test(String col, ColumnType type, TransformClock clock, String path) {
            String at = path + ".value";
            Kind kind = Kind.of(type);
            if (kind == Kind.DATE) {
                String text = value.text(at);
                if (type == ColumnType.TIMESTAMP && text.length() == 10) {
                    // A day, for a timestamp: any moment of that day in the flow's zone.
                    return "(" + col + " >= " + Filters.dateBound(text, type, clock, at, false) + " AND " + col + " < "
                            + Filters.dateBound(text, type, clock, at, true) + ")";
                }
                return col + " = " + Filters.dateBound(text, type, clock, at, false);
            }
            if (kind == Kind.BOOLEAN) {
                if (!value.json().isBoolean()) {
                    throw new TransformException(at, "true or false");
                }
                return col + " = " + value.json().asBoolean();
            }
            if (kind == Kind.NUMBER) {
                return col + " = " + Filters.number(value.text(), at);
            }
            boolean fold = Boolean.TRUE.equals(ignoreCase);
            return Filters.fold(col, fold, type) + " = " + Filters.fold(Sql.literal(value.text(at)), fold, ColumnType.STRING);
        }
    }

    /** Empty (no value, or empty text) or not; any column type. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "EmptinessTest", description = "Empty (no value or empty text), or not")
    record Emptiness(@Schema(required = true) @NotBlank(message = Steps.REQUIRED) String column,
            @Schema(required = true) Op op) implements ColumnTest {
        @Schema(name = "EmptinessOp")
        public enum Op implements Operator { is_empty, is_not_empty }

        @Override
        public String test(String col, ColumnType type, TransformClock clock, String path) {
            return switch (op) {
                case is_empty -> "(" + col + " IS NULL OR CAST(" + col + " AS VARCHAR) = '')";
                case is_not_empty -> "(" + col + " IS NOT NULL AND CAST(" + col + " AS VARCHAR) <> '')";
            };
        }
    }

    /** A text column containing, starting or ending with a text, or matching a regular expression. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "TextMatchTest", description = "Text containing (or not), starting or ending with a text, or matching"
            + " a regular expression")
    record TextMatch(@Schema(required = true) @NotBlank(message = Steps.REQUIRED) String column,
            @Schema(required = true) Op op,
            @Schema(required = true, description = "The text; for matches, a regular expression")
            @NotEmpty(message = VALUE_REQUIRED) String value,
            @Schema(description = "Compare without regard to case") Boolean ignoreCase) implements ColumnTest {
        @Schema(name = "TextMatchOp")
        public enum Op implements Operator { contains, not_contains, starts_with, ends_with, matches }

        @Override
        public String test(String col, ColumnType type, TransformClock clock, String path) {
            boolean fold = Boolean.TRUE.equals(ignoreCase);
            String text = Filters.fold(col, fold, type);
            return switch (op) {
                // LIKE's wildcards in the value are escaped, so that % and _ are matched as themselves.
                case contains, not_contains -> text + " LIKE '%' || " + Filters.fold(Sql.literal(value.replace("\\", "\\\\")
                        .replace("%", "\\%").replace("_", "\\_")), fold, ColumnType.STRING) + " || '%' ESCAPE '\\'";
                case starts_with -> "starts_with(" + text + ", " + Filters.fold(Sql.literal(value), fold, ColumnType.STRING) + ")";
                case ends_with -> "ends_with(" + text + ", " + Filters.fold(Sql.literal(value), fold, ColumnType.STRING) + ")";
                case matches -> "regexp_matches(CAST(" + col + " AS VARCHAR), " + regex(path + ".value") + (fold ? ", 'i'" : "")
                        + ")";
            };
        }

        /** The expression as a literal, once Java's parser accepts it (DuckDB's RE2 takes the common syntax). */
        private String regex(String path) {
            try {
                Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                throw new TransformException(path, "not a valid regular expression: " + e.getDescription() + " near position "
                        + (e.getIndex() + 1));
            }
            return Sql.literal(value);
        }
    }

    /** One of a list of texts or numbers (or none of them). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "InListTest", description = "One of the values listed (or none of them)")
    record InList(@Schema(required = true) @NotBlank(message = Steps.REQUIRED) String column,
            @Schema(required = true) Op op,
            @Schema(required = true) @NotEmpty(message = SHAPE) List<@NotNull(message = VALUE_REQUIRED) Operand> values,
            @Schema(description = "Compare text without regard to case") Boolean ignoreCase) implements ColumnTest {
        static final String SHAPE = "list the values to look for";

        @Schema(name = "InListOp")
        public enum Op implements Operator { in, not_in }

        @Override
        public String test(String col, ColumnType type, TransformClock clock, String path) {
            boolean numbers = Kind.of(type) == Kind.NUMBER;
            boolean fold = Boolean.TRUE.equals(ignoreCase);
            List<String> items = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                String text = values.get(i).text();
                items.add(numbers ? Filters.number(text, path + ".values[" + i + "]")
                        : Filters.fold(Sql.literal(text), fold, ColumnType.STRING));
            }
            return (numbers ? col : Filters.fold(col, fold, type)) + " IN (" + String.join(", ", items) + ")";
        }
    }

    /** A number column greater or less than a number. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "ComparisonTest", description = "A number greater or less than a value")
    record Comparison(@Schema(required = true) @NotBlank(message = Steps.REQUIRED) String column,
            @Schema(required = true) Op op,
            @Schema(required = true) @NotNull(message = VALUE_REQUIRED) Operand value) implements ColumnTest {
        @Schema(name = "ComparisonOp")
        public enum Op implements Operator {
            gt(">"), gte(">="), lt("<"), lte("<=");

            private final String sql;

            Op(String sql) {
                this.sql = sql;
            }
        }

        @Override
        public String test(String col, ColumnType type, TransformClock clock, String path) {
            return col + " " + op.sql + " " + Filters.scalar(value, type, path + ".value");
        }
    }

    /** A number in a range, or a date in a range of days; both ends included. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "RangeTest", description = "A number or a date from one value to another, both included")
    record Range(@Schema(required = true) @NotBlank(message = Steps.REQUIRED) String column,
            @Schema(required = true) Op op,
            @Schema(required = true) @NotNull(message = VALUE_REQUIRED) Operand from,
            @Schema(required = true) @NotNull(message = VALUE_REQUIRED) Operand to) implements ColumnTest {
        @Schema(name = "RangeOp")
        public enum Op implements Operator { between }

        @Override
        public String test(String col, ColumnType type, TransformClock clock, String path) {
            if (Kind.of(type) == Kind.DATE) {
                return "(" + col + " >= " + Filters.dateBound(from.text(path + ".from"), type, clock, path + ".from", false)
                        + " AND " + col + " < " + Filters.dateBound(to.text(path + ".to"), type, clock, path + ".to", true)
                        + ")";
            }
            return "(" + col + " BETWEEN " + Filters.scalar(from, type, path + ".from") + " AND "
                    + Filters.scalar(to, type, path + ".to") + ")";
        }
    }

    /** A date or timestamp column before a day (or moment), or on or after the day after it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "DateComparisonTest", description = "A date before a day or moment, or after it")
    record DateComparison(@Schema(required = true) @NotBlank(message = Steps.REQUIRED) String column,
            @Schema(required = true) Op op,
            @Schema(required = true, description = "A day (2026-03-31) or a moment (2026-03-31T14:00:00, with an offset"
                    + " or in the flow's zone)") @NotEmpty(message = VALUE_REQUIRED) String value) implements ColumnTest {
        @Schema(name = "DateComparisonOp")
        public enum Op implements Operator { before, after }

        @Override
        public String test(String col, ColumnType type, TransformClock clock, String path) {
            return switch (op) {
                case before -> col + " < " + Filters.dateBound(value, type, clock, path + ".value", false);
                case after -> col + " >= " + Filters.dateBound(value, type, clock, path + ".value", true);
            };
        }
    }

    /** A date or timestamp in a window of days around today, in the flow's zone; weeks start on Monday. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "RelativeDateTest", description = "A date in a window around today, in the flow's time zone")
    record RelativeDate(@Schema(required = true) @NotBlank(message = Steps.REQUIRED) String column,
            @Schema(required = true) Op op) implements ColumnTest {
        /** Each window: the start of the current one, its length, and whether it is the one before. */
        @Schema(name = "RelativeDateOp")
        public enum Op implements Operator {
            today(TransformClock::today, Period.ofDays(1), false),
            yesterday(TransformClock::today, Period.ofDays(1), true),
            this_week(TransformClock::startOfWeek, Period.ofWeeks(1), false),
            last_week(TransformClock::startOfWeek, Period.ofWeeks(1), true),
            this_month(TransformClock::startOfMonth, Period.ofMonths(1), false),
            last_month(TransformClock::startOfMonth, Period.ofMonths(1), true),
            this_quarter(TransformClock::startOfQuarter, Period.ofMonths(3), false),
            last_quarter(TransformClock::startOfQuarter, Period.ofMonths(3), true),
            this_year(TransformClock::startOfYear, Period.ofYears(1), false),
            last_year(TransformClock::startOfYear, Period.ofYears(1), true);

            private final Function<TransformClock, LocalDate> current;
            private final Period length;
            private final boolean previous;

            Op(Function<TransformClock, LocalDate> current, Period length, boolean previous) {
                this.current = current;
                this.length = length;
                this.previous = previous;
            }

            LocalDate from(TransformClock clock) {
                return previous ? current.apply(clock).minus(length) : current.apply(clock);
            }
        }

        @Override
        public String test(String col, ColumnType type, TransformClock clock, String path) {
            LocalDate from = op.from(clock);
            return Filters.window(col, type, from, from.plus(op.length), clock);
        }
    }

    /** A date or timestamp in the last days, today included. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "LastDaysTest", description = "A date in the last days, today included, in the flow's time zone")
    record LastDays(@Schema(required = true) @NotBlank(message = Steps.REQUIRED) String column,
            @Schema(required = true) Op op,
            @Schema(required = true, minimum = "1") @NotNull(message = SHAPE) @Min(value = 1, message = SHAPE) Integer days)
            implements ColumnTest {
        static final String SHAPE = "a whole number of days, 1 or more";

        @Schema(name = "LastDaysOp")
        public enum Op implements Operator { last_days }

        @Override
        public String test(String col, ColumnType type, TransformClock clock, String path) {
            LocalDate today = clock.today();
            return Filters.window(col, type, today.minusDays(days - 1L), today.plusDays(1), clock);
        }
    }
}
