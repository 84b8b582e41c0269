package io.rowflow.transform;

/** SQL text for DuckDB: quoted identifiers and string literals, the only way user text enters a statement. */
public final class Sql {
    private Sql() {
    }

    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** A string literal; DuckDB's strings know no backslash escapes, so doubling the quote is all it takes. */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
