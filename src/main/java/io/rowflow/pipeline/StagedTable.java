package io.rowflow.pipeline;

import java.util.List;
import java.util.stream.Collectors;

/** A source's records, typed and stored in the staging database. */
public record StagedTable(String sqlName, List<Column> columns, long rowCount) {
    /** {@code SELECT "c0", "c1" … FROM table}, in column order. */
    public String selectAll() {
        return "SELECT " + columns.stream().map(c -> quote(c.sqlName())).collect(Collectors.joining(", "))
                + " FROM " + quote(sqlName);
    }

    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
