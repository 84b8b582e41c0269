package io.rowflow.transform;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps a custom SQL step from building values larger than the node can hold. DuckDB's memory limit governs its
 * buffers, not the strings and lists a function builds row by row: {@code repeat('x', 1e9)} takes a gigabyte outside
 * it, per row. So the functions that make a value of a size given as an argument must be given that size as a
 * number no larger than {@link #MAX_BUILT_SIZE}, and a recursive query (a value may double at each step) is refused.
 * Judged on DuckDB's own parse tree ({@code json_serialize_sql}), so spelling, case and nesting cannot hide a call.
 */
final class ValueSizeGuard {
    /** The largest string or list one call may build (characters or elements). */
    static final long MAX_BUILT_SIZE = 100_000;

    /** Functions whose result size is one of their arguments: the argument's position (0-based). */
    private static final Map<String, Integer> SIZED = Map.of("repeat", 1, "lpad", 1, "rpad", 1, "list_resize", 1,
            "array_resize", 1, "bar", 3);
    /** Functions whose result is a list as long as their arguments say: every numeric argument is bounded. */
    private static final Set<String> RANGES = Set.of("range", "generate_series");
    /** Functions whose format string holds widths (printf's %0100000000d). */
    private static final Set<String> FORMATS = Set.of("printf", "format");
    private static final Pattern LONG_NUMBER = Pattern.compile("\\d{6,}");

    private ValueSizeGuard() {
    }

    /** The reason the parsed statement is refused, or empty when it builds no oversized value. */
    static Optional<String> check(JsonNode tree) {
        return visit(tree, false);
    }

    private static Optional<String> visit(JsonNode node, boolean tableFunction) {
        if (node.isObject()) {
            if ("RECURSIVE_CTE_NODE".equals(node.path("type").asText())) {
                return Optional.of("a recursive query (WITH RECURSIVE) is not allowed in a transform: its rows and values"
                        + " can grow without bound");
            }
            if ("FUNCTION".equals(node.path("class").asText()) && !tableFunction) {
                Optional<String> refused = function(node);
                if (refused.isPresent()) {
                    return refused;
                }
            }
            boolean table = "TABLE_FUNCTION".equals(node.path("type").asText());
            for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
                // A table function such as range(…) in FROM streams its rows: only its arguments are judged.
                Optional<String> refused = visit(field.getValue(), table && field.getKey().equals("function"));
                if (refused.isPresent()) {
                    return refused;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                Optional<String> refused = visit(item, false);
                if (refused.isPresent()) {
                    return refused;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> function(JsonNode call) {
        String name = call.path("function_name").asText().toLowerCase(Locale.ROOT);
        JsonNode arguments = call.path("arguments");
        if (SIZED.containsKey(name)) {
            int position = SIZED.get(name);
            if (position < arguments.size() && !boundedNumber(arguments.get(position).path("expression"))) {
                return Optional.of(name + "(…) builds a value as large as its argument " + (position + 1) + ", which must"
                        + " be written as a number of at most " + MAX_BUILT_SIZE);
            }
        } else if (RANGES.contains(name)) {
            for (JsonNode argument : arguments) {
                if (!boundedNumber(argument.path("expression"))) {
                    return Optional.of(name + "(…) as a value builds a list; its arguments must be numbers of at most "
                            + MAX_BUILT_SIZE + " (in FROM, range(…) streams rows and has no such limit)");
                }
            }
        } else if (FORMATS.contains(name) && arguments.size() > 0) {
            JsonNode format = arguments.get(0).path("expression");
            boolean constant = "CONSTANT".equals(format.path("class").asText());
            Matcher width = LONG_NUMBER.matcher(format.path("literal").path("text").asText(""));
            if (!constant || width.find()) {
                return Optional.of(name + "(…) needs its format written as text with widths below " + MAX_BUILT_SIZE);
            }
        }
        return Optional.empty();
    }

    /** A constant number (negative ones build nothing) of at most {@link #MAX_BUILT_SIZE}. */
    private static boolean boundedNumber(JsonNode expression) {
        if (!"CONSTANT".equals(expression.path("class").asText())) {
            // -5 is parsed as a call of the "-" operator on a constant.
            if ("FUNCTION".equals(expression.path("class").asText()) && "-".equals(expression.path("function_name")
                    .asText()) && expression.path("arguments").size() == 1) {
                return boundedNumber(expression.path("arguments").get(0).path("expression"));
            }
            return false;
        }
        try {
            return new java.math.BigDecimal(expression.path("literal").path("text").asText()).abs()
                    .compareTo(java.math.BigDecimal.valueOf(MAX_BUILT_SIZE)) <= 0;
        } catch (NumberFormatException notANumber) {
            return false;
        }
    }
}
