package io.rowflow.transform;

import io.rowflow.pipeline.StagedTable;
import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.pipeline.ColumnType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A filter's condition as SQL. A condition is a group, {@code {"all": [...]}} or {@code {"any": [...]}}, or a test on
 * one column, {@code {"column": "Amount", "op": "gt", "value": 100}}. The operators depend on the column's type (see
 * README). An empty value (null) matches only {@code is_empty} and the negative operators ({@code not_equals},
 * {@code not_contains}, {@code not_in}); every other test is false for it.
 */
final class Filters {
    private Filters() {
    }

    static final Set<String> TEXT_OPS = Set.of("equals", "not_equals", "contains", "not_contains", "starts_with",
            "ends_with", "matches", "in", "not_in", "is_empty", "is_not_empty");
    static final Set<String> NUMBER_OPS = Set.of("equals", "not_equals", "gt", "gte", "lt", "lte", "between", "in",
            "not_in", "is_empty", "is_not_empty");
    static final Set<String> DATE_OPS = Set.of("equals", "not_equals", "before", "after", "between", "today", "yesterday",
            "last_days", "this_week", "last_week", "this_month", "last_month", "this_quarter", "last_quarter", "this_year",
            "last_year", "is_empty", "is_not_empty");
    static final Set<String> NEGATIVE = Set.of("not_equals", "not_contains", "not_in");

    static String where(JsonNode condition, Relation input, TransformClock clock, String path) {
        if (condition == null || !condition.isObject()) {
            throw new TransformException(path, "a condition is an object: {\"column\": …, \"op\": …, \"value\": …}, or a"
                    + " group {\"all\": […]} / {\"any\": […]}");
        }
        for (String group : List.of("all", "any")) {
            if (condition.has(group)) {
                JsonNode items = condition.get(group);
                if (!items.isArray() || items.isEmpty()) {
                    throw new TransformException(path + "." + group, "a group lists at least one condition");
                }
                List<String> parts = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) {
                    parts.add(where(items.get(i), input, clock, path + "." + group + "[" + i + "]"));
                }
                return "(" + String.join(group.equals("all") ? " AND " : " OR ", parts) + ")";
            }
        }
        String columnName = Steps.text(condition, "column", path);
        String op = Steps.text(condition, "op", path);
        Relation.Col column = input.known() ? input.find(columnName).orElseThrow(() -> Steps.noColumn(columnName, input,
                path + ".column")) : new Relation.Col(columnName, null);
        ColumnType type = column.type();
        Set<String> ops = type == null ? union() : switch (type) {
            case INTEGER, DECIMAL -> NUMBER_OPS;
            case DATE, TIMESTAMP -> DATE_OPS;
            case BOOLEAN -> Set.of("equals", "not_equals", "is_empty", "is_not_empty");
            default -> TEXT_OPS;
        };
        if (!ops.contains(op)) {
            throw new TransformException(path + ".op", type == null ? "unknown operator \"" + op + "\""
                    : "\"" + op + "\" does not apply to the " + type.id() + " column \"" + column.name() + "\"; it takes "
                            + String.join(", ", new java.util.TreeSet<>(ops)));
        }
        String col = StagedTable.quote(column.name());
        boolean ignoreCase = condition.path("ignoreCase").asBoolean(false);
        String test = switch (op) {
            case "is_empty" -> "(" + col + " IS NULL OR CAST(" + col + " AS VARCHAR) = '')";
            case "is_not_empty" -> "(" + col + " IS NOT NULL AND CAST(" + col + " AS VARCHAR) <> '')";
            case "contains", "not_contains" -> fold(col, ignoreCase, type) + " LIKE '%' || " + fold(literalText(condition,
                    path), ignoreCase, ColumnType.STRING) + " || '%' ESCAPE '\\'";
            case "starts_with" -> "starts_with(" + fold(col, ignoreCase, type) + ", " + fold(Sql.literal(Steps.text(
                    condition, "value", path)), ignoreCase, ColumnType.STRING) + ")";
            case "ends_with" -> "ends_with(" + fold(col, ignoreCase, type) + ", " + fold(Sql.literal(Steps.text(condition,
                    "value", path)), ignoreCase, ColumnType.STRING) + ")";
            case "matches" -> "regexp_matches(CAST(" + col + " AS VARCHAR), " + regex(condition, path, ignoreCase) + ")";
            case "in", "not_in" -> inList(condition, col, type, ignoreCase, path);
            case "gt" -> col + " > " + value(condition, "value", type, path);
            case "gte" -> col + " >= " + value(condition, "value", type, path);
            case "lt" -> col + " < " + value(condition, "value", type, path);
            case "lte" -> col + " <= " + value(condition, "value", type, path);
            case "equals", "not_equals" -> equality(condition, col, type, ignoreCase, clock, path);
            case "before" -> col + " < " + dateBound(condition, "value", type, clock, path, false);
            case "after" -> col + " >= " + dateBound(condition, "value", type, clock, path, true);
            case "between" -> isDate(type) ? "(" + col + " >= " + dateBound(condition, "from", type, clock, path, false)
                    + " AND " + col + " < " + dateBound(condition, "to", type, clock, path, true) + ")"
                    : "(" + col + " BETWEEN " + value(condition, "from", type, path) + " AND " + value(condition, "to", type,
                            path) + ")";
            default -> window(op, condition, col, type, clock, path);
        };
        if (op.startsWith("not_") && !op.equals("not_equals") || op.equals("not_equals")) {
            // Negative tests keep the rows whose value is empty (nothing to contradict them).
            String positive = test;
            return "(" + col + " IS NULL OR NOT (" + positive + "))";
        }
        return "(" + test + ")";
    }

    private static Set<String> union() {
        Set<String> all = new java.util.HashSet<>(TEXT_OPS);
        all.addAll(NUMBER_OPS);
        all.addAll(DATE_OPS);
        return all;
    }

    private static boolean isDate(ColumnType type) {
        return type == ColumnType.DATE || type == ColumnType.TIMESTAMP;
    }

    private static String fold(String sql, boolean ignoreCase, ColumnType type) {
        String text = type == null || type == ColumnType.STRING || type == ColumnType.JSON ? sql : "CAST(" + sql + " AS VARCHAR)";
        return ignoreCase ? "lower(" + text + ")" : text;
    }

    /** The value of a contains test, with LIKE's wildcards escaped so that % and _ are matched as themselves. */
    private static String literalText(JsonNode condition, String path) {
        String value = Steps.text(condition, "value", path);
        return Sql.literal(value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"));
    }

    private static String regex(JsonNode condition, String path, boolean ignoreCase) {
        String pattern = Steps.text(condition, "value", path);
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new TransformException(path + ".value", "not a valid regular expression: " + e.getDescription()
                    + " near position " + (e.getIndex() + 1));
        }
        return Sql.literal(pattern) + (ignoreCase ? ", 'i'" : "");
    }

    private static String inList(JsonNode condition, String col, ColumnType type, boolean ignoreCase, String path) {
        JsonNode values = condition.get("values");
        if (values == null || !values.isArray() || values.isEmpty()) {
            throw new TransformException(path + ".values", "list the values to look for");
        }
        List<String> items = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            items.add(type == ColumnType.INTEGER || type == ColumnType.DECIMAL
                    ? number(values.get(i), path + ".values[" + i + "]")
                    : fold(Sql.literal(values.get(i).asText()), ignoreCase, ColumnType.STRING));
        }
        return (type == ColumnType.INTEGER || type == ColumnType.DECIMAL ? col : fold(col, ignoreCase, type)) + " IN ("
                + String.join(", ", items) + ")";
    }

    private static String equality(JsonNode condition, String col, ColumnType type, boolean ignoreCase,
            TransformClock clock, String path) {
        if (isDate(type)) {
            // A date's day, or the exact moment when a time is given.
            String value = Steps.text(condition, "value", path);
            if (type == ColumnType.TIMESTAMP && value.length() == 10) {
                return "(" + col + " >= " + dateBound(condition, "value", type, clock, path, false) + " AND " + col + " < "
                        + dateBound(condition, "value", type, clock, path, true) + ")";
            }
            return col + " = " + dateBound(condition, "value", type, clock, path, false);
        }
        if (type == ColumnType.BOOLEAN) {
            JsonNode value = condition.get("value");
            if (value == null || !value.isBoolean()) {
                throw new TransformException(path + ".value", "true or false");
            }
            return col + " = " + value.asBoolean();
        }
        if (type == ColumnType.INTEGER || type == ColumnType.DECIMAL) {
            return col + " = " + value(condition, "value", type, path);
        }
        return fold(col, ignoreCase, type) + " = " + fold(Sql.literal(Steps.text(condition, "value", path)), ignoreCase,
                ColumnType.STRING);
    }

    private static String value(JsonNode condition, String field, ColumnType type, String path) {
        JsonNode value = condition.get(field);
        if (value == null || value.isNull()) {
            throw new TransformException(path + "." + field, "a value is required");
        }
        if (type == ColumnType.INTEGER || type == ColumnType.DECIMAL) {
            return number(value, path + "." + field);
        }
        return Sql.literal(value.asText());
    }

    private static String number(JsonNode value, String path) {
        try {
            return new BigDecimal(value.asText().strip()).toPlainString();
        } catch (NumberFormatException e) {
            throw new TransformException(path, "\"" + value.asText() + "\" is not a number");
        }
    }

    /**
     * A date or moment as SQL for comparing with the column: a day's start (or the next day's start, {@code end}) in the
     * flow's zone, for a timestamp column as UTC wall time; a time given with an offset is taken as it is.
     */
    private static String dateBound(JsonNode condition, String field, ColumnType type, TransformClock clock, String path,
            boolean end) {
        String text = Steps.text(condition, field, path);
        if (type == null) {
            return "NULL";
        }
        try {
            if (text.length() == 10) {
                LocalDate day = LocalDate.parse(text);
                LocalDate bound = end ? day.plusDays(1) : day;
                return type == ColumnType.DATE ? "DATE '" + bound + "'" : "TIMESTAMP '" + clock.utcStartOf(bound) + "'";
            }
            LocalDateTime utc;
            try {
                utc = OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
            } catch (DateTimeParseException noOffset) {
                utc = LocalDateTime.ofInstant(LocalDateTime.parse(text).atZone(clock.zone()).toInstant(), ZoneOffset.UTC);
            }
            if (type == ColumnType.DATE) {
                throw new TransformException(path + "." + field, "\"" + text + "\" has a time of day; the column holds dates"
                        + " (write " + text.substring(0, Math.min(10, text.length())) + ")");
            }
            return "TIMESTAMP '" + utc + "'";
        } catch (DateTimeParseException e) {
            throw new TransformException(path + "." + field, "\"" + text + "\" is not a date (2026-03-31) or a date and"
                    + " time (2026-03-31T14:00:00, or with an offset: 2026-03-31T14:00:00Z)");
        }
    }

    /** Relative windows, from one local day (included) to another (excluded), in the flow's zone. */
    private static String window(String op, JsonNode condition, String col, ColumnType type, TransformClock clock,
            String path) {
        LocalDate today = clock.today();
        LocalDate from;
        LocalDate to;
        switch (op) {
            case "today" -> {
                from = today;
                to = today.plusDays(1);
            }
            case "yesterday" -> {
                from = today.minusDays(1);
                to = today;
            }
            case "last_days" -> {
                JsonNode days = condition.get("days");
                if (days == null || !days.canConvertToInt() || days.asInt() < 1) {
                    throw new TransformException(path + ".days", "a whole number of days, 1 or more");
                }
                from = today.minusDays(days.asInt() - 1L);
                to = today.plusDays(1);
            }
            case "this_week" -> {
                from = clock.startOfWeek();
                to = from.plusWeeks(1);
            }
            case "last_week" -> {
                to = clock.startOfWeek();
                from = to.minusWeeks(1);
            }
            case "this_month" -> {
                from = clock.startOfMonth();
                to = from.plusMonths(1);
            }
            case "last_month" -> {
                to = clock.startOfMonth();
                from = to.minusMonths(1);
            }
            case "this_quarter" -> {
                from = clock.startOfQuarter();
                to = from.plusMonths(3);
            }
            case "last_quarter" -> {
                to = clock.startOfQuarter();
                from = to.minusMonths(3);
            }
            case "this_year" -> {
                from = clock.startOfYear();
                to = from.plusYears(1);
            }
            case "last_year" -> {
                to = clock.startOfYear();
                from = to.minusYears(1);
            }
            default -> throw new TransformException(path + ".op", "unknown operator \"" + op + "\"");
        }
        if (type == ColumnType.DATE) {
            return "(" + col + " >= DATE '" + from + "' AND " + col + " < DATE '" + to + "')";
        }
        return "(" + col + " >= TIMESTAMP '" + clock.utcStartOf(from) + "' AND " + col + " < TIMESTAMP '"
                + clock.utcStartOf(to) + "')";
    }

    static String describe(ColumnType type) {
        return type == null ? "?" : type.id().toLowerCase(Locale.ROOT);
    }
}
