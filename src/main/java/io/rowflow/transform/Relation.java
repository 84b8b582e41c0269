package io.rowflow.transform;

import io.rowflow.pipeline.StagedTable;
import io.rowflow.pipeline.ColumnType;
import java.util.List;
import java.util.Optional;

/**
 * A step's output as the next step sees it: a view in the run's DuckDB database, its visible columns and their types
 * (unknown when a flow is only being checked before it is saved), plus the hidden {@link #ROW} column that keeps the
 * rows' order from step to step.
 */
public record Relation(String view, List<Col> columns) {
    /** Each row's place in its source order; steps that reorder (sort, join, append) number it anew. */
    public static final String ROW = "__rf_row";

    /** A column; {@code scale}: the places of an exact decimal (DuckDB DECIMAL), -1 for any other type. */
    public record Col(String name, ColumnType type, int scale) {
        public Col(String name, ColumnType type) {
            this(name, type, -1);
        }
    }

    public boolean known() {
        return columns != null;
    }

    public List<String> names() {
        return columns == null ? null : columns.stream().map(Col::name).toList();
    }

    /**
     * The column named exactly so. Names are unique without regard to case ({@code ColumnNames}), so the exact name
     * is also the one DuckDB resolves; "name" never stands for "Name".
     */
    public Optional<Col> find(String name) {
        return columns == null ? Optional.empty() : columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /**
     * The column a new name would clash with in DuckDB, which compares identifiers without regard to case: a new
     * "name" beside "Name" is refused, not silently merged.
     */
    public Optional<Col> clash(String name) {
        return columns == null ? Optional.empty()
                : columns.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
    }

    /** The column list as SQL, hidden row column first. */
    public String selectList() {
        StringBuilder sql = new StringBuilder(ROW);
        for (Col c : columns) {
            sql.append(", ").append(StagedTable.quote(c.name()));
        }
        return sql.toString();
    }
}
