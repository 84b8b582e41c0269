package io.rowflow.transform;

/**
 * SQL string literals for DuckDB: with quoted identifiers ({@link io.rowflow.pipeline.StagedTable#quote}) the only way
 * user text enters a statement.
 */
public final class Sql {
    private Sql() {
    }

    /** A string literal; DuckDB's strings know no backslash escapes, so doubling the quote is all it takes. */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
