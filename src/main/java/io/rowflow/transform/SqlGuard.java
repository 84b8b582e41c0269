package io.rowflow.transform;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Refuses a custom SQL step that calls DuckDB's introspection functions or reads its catalog views: they reveal the host
 * (absolute paths of the data folder and spill files, settings, environment variables, attached databases, loaded
 * extensions) to whoever writes the step. The sandbox ({@link TransformSession#lockDown}) already stops file, network
 * and extension access; this closes what stays readable without any of them.
 *
 * <p>It walks the tree DuckDB's own parser produced ({@code json_serialize_sql}), so that quoting, case, schema
 * qualification, nesting in subqueries, CTEs or table functions do not hide a name.
 */
public final class SqlGuard {
    /** Functions and table functions refused by exact name (DuckDB folds unquoted names to lower case). */
    private static final Set<String> FUNCTIONS = Set.of(
            "current_setting", "getenv", "which_secret",
            // run SQL text that this guard never saw
            "query", "query_table", "json_execute_serialized_sql",
            "checkpoint", "force_checkpoint", "enable_logging", "disable_logging", "truncate_duckdb_logs");
    /** Name prefixes refused for functions and tables alike: duckdb_settings(), pragma_database_list, … */
    private static final Set<String> PREFIXES = Set.of("duckdb_", "pragma_");
    /** Catalog views that are built on the functions above. */
    private static final Set<String> TABLES = Set.of("pg_settings", "pg_database", "pg_tablespace");

    private SqlGuard() {
    }

    /**
     * Throws a {@link TransformException} at {@code field} naming the first refused function or view in
     * {@code parsed}, the output of DuckDB's {@code json_serialize_sql}.
     */
    public static void check(JsonNode parsed, String field) {
        String refused = find(parsed);
        if (refused != null) {
            throw new TransformException(field, refused + " is not allowed in a SQL step: it reveals the server's"
                    + " settings, files or environment");
        }
    }

    /** The first refused name in the tree, as "the function x()" or "the table x"; null when there is none. */
    static String find(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            if ("FUNCTION".equals(node.path("class").asText()) && refusedFunction(node.path("function_name").asText())) {
                return "the function " + node.path("function_name").asText().toLowerCase(Locale.ROOT) + "()";
            }
            if ("BASE_TABLE".equals(node.path("type").asText()) && refusedTable(node.path("table_name").asText())) {
                return "the table " + node.path("table_name").asText().toLowerCase(Locale.ROOT);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                String found = find(it.next().getValue());
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                String found = find(child);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static boolean refusedFunction(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return FUNCTIONS.contains(n) || hasRefusedPrefix(n);
    }

    private static boolean refusedTable(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return TABLES.contains(n) || hasRefusedPrefix(n);
    }

    private static boolean hasRefusedPrefix(String name) {
        return PREFIXES.stream().anyMatch(name::startsWith);
    }
}
