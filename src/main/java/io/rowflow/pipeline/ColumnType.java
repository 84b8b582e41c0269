package io.rowflow.pipeline;

import com.fasterxml.jackson.annotation.JsonValue;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
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

    /**
     * Reads this column's value from a staged result as its Java type: Long, Double, Boolean, LocalDate,
     * LocalDateTime or String; null for an empty value.
     */
    public Object read(ResultSet rs, int index) throws SQLException {
        Object value = switch (this) {
            case INTEGER -> rs.getLong(index);
            case DECIMAL -> rs.getDouble(index);
            case BOOLEAN -> rs.getBoolean(index);
            case DATE -> rs.getObject(index, LocalDate.class);
            case TIMESTAMP -> rs.getObject(index, LocalDateTime.class);
            case STRING, JSON -> rs.getString(index);
        };
        return rs.wasNull() ? null : value;
    }

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
