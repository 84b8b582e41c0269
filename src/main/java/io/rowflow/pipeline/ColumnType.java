package io.rowflow.pipeline;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The value types a column can have, from source to destination. */
public enum ColumnType {
    STRING("VARCHAR"),
    INTEGER("BIGINT"),
    DECIMAL("DOUBLE"),
    BOOLEAN("BOOLEAN"),
    DATE("DATE"),
    TIMESTAMP("TIMESTAMP"),
    /** Nested arrays, kept as JSON text. */
    JSON("VARCHAR");

    private final String duckDbType;

    ColumnType(String duckDbType) {
        this.duckDbType = duckDbType;
    }

    public String duckDbType() {
        return duckDbType;
    }

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
