package io.rowflow.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import org.duckdb.DuckDBDriver;

/**
 * What a custom SQL step may be, decided by DuckDB's own parser: exactly one SELECT (WITH … SELECT, UNION …
 * included) that neither reveals the server ({@link SqlGuard}) nor builds values too large to hold
 * ({@link ValueSizeGuard}). Checked when the flow is saved — with a parser of its own, so a step that could never run
 * is refused then — and again right before it runs.
 */
final class SqlStepCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An empty, locked-down database used only to parse queries at save time; one caller at a time. */
    private static Connection parser;

    private SqlStepCheck() {
    }

    /** Checks the query with the parser of a flow that is only being saved or checked. */
    static void checkAlone(String query, String path) {
        synchronized (SqlStepCheck.class) {
            try {
                if (parser == null || parser.isClosed()) {
                    Properties properties = new Properties();
                    properties.setProperty("enable_external_access", "false");
                    properties.setProperty("autoinstall_known_extensions", "false");
                    properties.setProperty("autoload_known_extensions", "false");
                    parser = new DuckDBDriver().connect("jdbc:duckdb:", properties);
                }
                check(parser, query, path);
            } catch (SQLException e) {
                throw new IllegalStateException("The SQL parser is not available: " + e.getMessage(), e);
            }
        }
    }

    /** Checks the query with the run's (or preview's) own database. */
    static void check(Connection connection, String query, String path) throws SQLException {
        String parsed;
        try (var statement = connection.prepareStatement("SELECT json_serialize_sql(?)")) {
            statement.setString(1, query);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                parsed = rs.getString(1);
            }
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(parsed);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        if (tree.path("error").asBoolean()) {
            String message = tree.path("error_message").asText();
            throw new TransformException(path, message.startsWith("Only SELECT")
                    ? "a SQL step is one SELECT query (WITH … SELECT included); other statements are not allowed"
                    : "the query does not parse: " + message);
        }
        if (tree.path("statements").size() != 1) {
            throw new TransformException(path, "a SQL step is exactly one SELECT query, not "
                    + tree.path("statements").size());
        }
        SqlGuard.check(tree, path);
        ValueSizeGuard.check(tree).ifPresent(reason -> {
            throw new TransformException(path, reason);
        });
    }
}
