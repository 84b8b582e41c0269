package io.rowflow.transform;

import io.rowflow.pipeline.StagedTable;
import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.pipeline.ColumnType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Each transform step as one SELECT over the previous step's view. Every step keeps the hidden row column, so the
 * rows keep their order unless a step means to change it. With the input's columns unknown (a flow checked before it is
 * saved) the same code checks a step's shape without its column names.
 */
final class Steps {
    private Steps() {
    }

    static final List<String> TYPES = List.of("select", "remove", "rename", "retype", "filter", "sort", "calculate",
            "aggregate", "deduplicate", "limit", "sql");
    static final Map<String, ColumnType> RETYPES = Map.of("text", ColumnType.STRING, "integer", ColumnType.INTEGER,
            "decimal", ColumnType.DECIMAL, "boolean", ColumnType.BOOLEAN, "date", ColumnType.DATE, "timestamp",
            ColumnType.TIMESTAMP);
    static final Set<String> AGGREGATES = Set.of("sum", "count", "count_distinct", "average", "min", "max");

    /** The step's SELECT over {@code input}; {@code sql} steps are run by {@link TransformSession} instead. */
    static String select(JsonNode step, Relation input, TransformClock clock, String path) {
        String type = type(step, path);
        String from = " FROM " + input.view();
        return switch (type) {
            case "select" -> {
                List<String> keep = columns(step, "columns", input, path);
                yield "SELECT " + Relation.ROW + keep.stream().map(c -> ", " + StagedTable.quote(c)).collect(Collectors.joining())
                        + from;
            }
            case "remove" -> {
                List<String> drop = columns(step, "columns", input, path);
                if (!input.known()) {
                    yield "";
                }
                List<String> keep = input.names().stream().filter(c -> !drop.contains(c)).toList();
                if (keep.isEmpty()) {
                    throw new TransformException(path + ".columns", "removing every column leaves nothing to write");
                }
                yield "SELECT " + Relation.ROW + keep.stream().map(c -> ", " + StagedTable.quote(c)).collect(Collectors.joining())
                        + from;
            }
            case "rename" -> rename(step, input, path) + from;
            case "retype" -> retype(step, input, path) + from;
            case "filter" -> "SELECT *" + from + " WHERE " + Filters.where(step.get("where"), input, clock, path + ".where");
            case "sort" -> sort(step, input, path) + from;
            case "calculate" -> calculate(step, input, clock, path) + from;
            case "aggregate" -> aggregate(step, input, path, from);
            case "deduplicate" -> deduplicate(step, input, path, from);
            case "limit" -> {
                JsonNode count = step.get("count");
                if (count == null || !count.canConvertToLong() || count.asLong() < 0) {
                    throw new TransformException(path + ".count", "how many rows to keep: a whole number, 0 or more");
                }
                yield "SELECT *" + from + " ORDER BY " + Relation.ROW + " LIMIT " + count.asLong();
            }
            case "sql" -> throw new IllegalStateException("sql steps are run by the session");
            default -> throw new IllegalStateException(type);
        };
    }

    static String type(JsonNode step, String path) {
        if (step == null || !step.isObject()) {
            throw new TransformException(path, "a step is an object with a \"type\": one of " + String.join(", ", TYPES));
        }
        String type = step.path("type").asText("");
        if (!TYPES.contains(type)) {
            throw new TransformException(path + ".type", (type.isEmpty() ? "missing" : "unknown step type \"" + type + "\"")
                    + "; the types are " + String.join(", ", TYPES));
        }
        return type;
    }

    static String text(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.isContainerNode() || value.asText().isEmpty()) {
            throw new TransformException(path + "." + field, "required");
        }
        return value.asText();
    }

    static TransformException noColumn(String name, Relation input, String path) {
        return new TransformException(path, "no column \"" + name + "\" here; the columns are "
                + input.names().stream().map(c -> "\"" + c + "\"").collect(Collectors.joining(", ")));
    }

    /** A column the input has, in the input's own spelling. */
    static String column(String name, Relation input, String path) {
        return input.known() ? input.find(name).orElseThrow(() -> noColumn(name, input, path)).name() : name;
    }

    static List<String> columns(JsonNode step, String field, Relation input, String path) {
        JsonNode list = step.get(field);
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new TransformException(path + "." + field, "list at least one column");
        }
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String name = column(list.get(i).asText(), input, path + "." + field + "[" + i + "]");
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                throw new TransformException(path + "." + field + "[" + i + "]", "\"" + name + "\" is listed twice");
            }
            names.add(name);
        }
        return names;
    }

    /** Checks a new column name: not empty, not the hidden row column, not taken (unless it replaces {@code replaced}). */
    static String newName(JsonNode node, String field, Relation input, String path, String replaced) {
        String name = text(node, field, path).strip();
        if (name.isEmpty() || name.equalsIgnoreCase(Relation.ROW)) {
            throw new TransformException(path + "." + field, "\"" + name + "\" cannot be a column name");
        }
        if (input.known() && input.clash(name).isPresent() && (replaced == null || !replaced.equals(name)
                || input.find(name).isEmpty())) {
            throw new TransformException(path + "." + field, "there is already a column \""
                    + input.clash(name).get().name() + "\"" + (input.find(name).isEmpty()
                            ? " (names differing only in case count as one)" : ""));
        }
        return name;
    }

    private static String rename(JsonNode step, Relation input, String path) {
        JsonNode map = step.get("columns");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new TransformException(path + ".columns", "map old names to new ones: {\"old name\": \"new name\"}");
        }
        Map<String, String> renames = new LinkedHashMap<>();
        map.fields().forEachRemaining(e -> renames.put(column(e.getKey(), input, path + ".columns." + e.getKey()),
                e.getValue().asText().strip()));
        if (!input.known()) {
            return "";
        }
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        StringBuilder sql = new StringBuilder("SELECT " + Relation.ROW);
        for (String c : input.names()) {
            String renamed = renames.getOrDefault(c, c);
            if (renamed.isEmpty() || renamed.equalsIgnoreCase(Relation.ROW) || !seen.add(renamed.toLowerCase(Locale.ROOT))) {
                throw new TransformException(path + ".columns." + c, "\"" + renamed + "\" cannot be used: "
                        + (renamed.isEmpty() ? "a column needs a name" : "another column has that name"));
            }
            out.add(renamed);
            sql.append(", ").append(StagedTable.quote(c)).append(" AS ").append(StagedTable.quote(renamed));
        }
        return sql.toString();
    }

    private static String retype(JsonNode step, Relation input, String path) {
        String column = column(text(step, "column", path), input, path + ".column");
        String to = text(step, "to", path);
        ColumnType type = RETYPES.get(to);
        if (type == null) {
            throw new TransformException(path + ".to", "one of " + String.join(", ", new java.util.TreeSet<>(RETYPES.keySet())));
        }
        String onError = step.path("onError").asText("fail");
        if (!Set.of("fail", "empty").contains(onError)) {
            throw new TransformException(path + ".onError", "\"fail\" (the run fails on a value that does not convert)"
                    + " or \"empty\" (such a value becomes empty)");
        }
        if (!input.known()) {
            return "";
        }
        String cast = (onError.equals("empty") ? "TRY_CAST(" : "CAST(") + StagedTable.quote(column) + " AS " + type.duckDbType() + ")";
        return "SELECT * REPLACE (" + cast + " AS " + StagedTable.quote(column) + ")";
    }

    /**
     * A retype step that leaves a value which does not convert empty (onError "empty"): the column in the input's
     * spelling, the type asked for, and the DuckDB type; null for any other step. The preview and the run count such
     * values, so that a conversion never blanks data unsaid.
     */
    static LossyRetype lossyRetype(JsonNode step, Relation input, String path) {
        if (!"retype".equals(step.path("type").asText()) || !"empty".equals(step.path("onError").asText("fail"))
                || !input.known()) {
            return null;
        }
        String to = step.path("to").asText();
        return new LossyRetype(path, column(text(step, "column", path), input, path + ".column"), to,
                RETYPES.get(to).duckDbType());
    }

    record LossyRetype(String step, String column, String to, String sqlType) {
    }

    private static String averageOf(String column, Relation.Col col) {
        if (col == null || col.type() != ColumnType.DECIMAL || col.scale() < 0) {
            return "avg(" + column + ")";
        }
        int places = Math.min(col.scale() + 4, 18);
        return "CAST(round(avg(" + column + "), " + places + ") AS DECIMAL(38," + places + "))";
    }

    private static String sort(JsonNode step, Relation input, String path) {
        JsonNode by = step.get("by");
        if (by == null || !by.isArray() || by.isEmpty()) {
            throw new TransformException(path + ".by", "list the columns to sort by: [{\"column\": …, \"direction\": \"asc\"}]");
        }
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < by.size(); i++) {
            String at = path + ".by[" + i + "]";
            String column = column(text(by.get(i), "column", at), input, at + ".column");
            String direction = by.get(i).path("direction").asText("asc");
            if (!Set.of("asc", "desc").contains(direction)) {
                throw new TransformException(at + ".direction", "\"asc\" or \"desc\"");
            }
            // Empty values last either way; ties keep their order.
            keys.add(StagedTable.quote(column) + " " + direction.toUpperCase(Locale.ROOT) + " NULLS LAST");
        }
        keys.add(Relation.ROW);
        return "SELECT * REPLACE (row_number() OVER (ORDER BY " + String.join(", ", keys) + ") AS " + Relation.ROW + ")";
    }

    private static String calculate(JsonNode step, Relation input, TransformClock clock, String path) {
        String expression = text(step, "expression", path);
        String replaced = step.path("replace").asBoolean(false) ? step.path("column").asText() : null;
        String name = newName(step, "column", input, path, replaced);
        String sql;
        try {
            sql = Expressions.toSql(expression, input.names(), clock.todaySql(), clock.nowSql());
        } catch (ExpressionException e) {
            throw new TransformException(path + ".expression", e.getMessage());
        }
        if (input.known() && input.find(name).isPresent()) {
            return "SELECT * REPLACE (" + sql + " AS " + StagedTable.quote(input.find(name).get().name()) + ")";
        }
        return "SELECT *, " + sql + " AS " + StagedTable.quote(name);
    }

    private static String aggregate(JsonNode step, Relation input, String path, String from) {
        List<String> groups = step.has("groupBy") && step.get("groupBy").size() > 0 ? columns(step, "groupBy", input, path)
                : List.of();
        JsonNode aggregates = step.get("aggregates");
        if (aggregates == null || !aggregates.isArray() || aggregates.isEmpty()) {
            throw new TransformException(path + ".aggregates", "list at least one: [{\"function\": \"sum\", \"column\":"
                    + " \"Amount\", \"as\": \"Total\"}]");
        }
        StringBuilder sql = new StringBuilder("SELECT min(" + Relation.ROW + ") AS " + Relation.ROW);
        Set<String> names = new HashSet<>();
        groups.forEach(g -> {
            names.add(g.toLowerCase(Locale.ROOT));
            sql.append(", ").append(StagedTable.quote(g));
        });
        for (int i = 0; i < aggregates.size(); i++) {
            String at = path + ".aggregates[" + i + "]";
            JsonNode aggregate = aggregates.get(i);
            String function = text(aggregate, "function", at);
            if (!AGGREGATES.contains(function)) {
                throw new TransformException(at + ".function", "one of " + String.join(", ", new java.util.TreeSet<>(AGGREGATES)));
            }
            String column = aggregate.hasNonNull("column") ? column(aggregate.get("column").asText(), input, at + ".column")
                    : null;
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
            String as = aggregate.hasNonNull("as") ? aggregate.get("as").asText().strip()
                    : function + (column == null ? "" : " of " + column);
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
        sql.append(from);
        if (!groups.isEmpty()) {
            sql.append(" GROUP BY ").append(groups.stream().map(StagedTable::quote).collect(Collectors.joining(", ")));
        }
        return sql.toString();
    }

    private static String deduplicate(JsonNode step, Relation input, String path, String from) {
        List<String> keys = columns(step, "keys", input, path);
        String order = Relation.ROW;
        if (step.hasNonNull("latestBy")) {
            order = StagedTable.quote(column(step.get("latestBy").asText(), input, path + ".latestBy")) + " DESC NULLS LAST, "
                    + Relation.ROW;
        }
        return "SELECT *" + from + " QUALIFY row_number() OVER (PARTITION BY " + keys.stream().map(StagedTable::quote)
                .collect(Collectors.joining(", ")) + " ORDER BY " + order + ") = 1";
    }
}
