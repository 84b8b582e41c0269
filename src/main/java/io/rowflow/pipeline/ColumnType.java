package io.rowflow.pipeline;

import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Locale;

/** The value types a column can have, from source to destination. */
public enum ColumnType {
    STRING("VARCHAR"),
    INTEGER("BIGINT"),
    /**
     * An exact decimal where the source's text allows (DECIMAL with the column's own places, see {@link #decimal});
     * DOUBLE for measurements with exponents or too many digits. A cast to decimal without a known scale (a retype, an
     * average) uses {@link #GENERIC_SCALE} places.
     */
    DECIMAL("DECIMAL(38," + ColumnType.GENERIC_SCALE + ")"),
    BOOLEAN("BOOLEAN"),
    DATE("DATE"),
    TIMESTAMP("TIMESTAMP"),
    /** Nested arrays, kept as JSON text. */
    JSON("VARCHAR");

    private final String duckDbType;
    /** Places of a decimal made by a cast whose scale is not known (a retype, an average); trailing zeros are shown trimmed. */
    public static final int GENERIC_SCALE = 10;

    /** The DuckDB type holding decimals of this many digits in all, {@code scale} of them after the point. */
    public static String decimal(int digits, int scale) {
        return "DECIMAL(" + (digits <= 18 ? 18 : 38) + "," + scale + ")";
    }

    ColumnType(String duckDbType) {
        this.duckDbType = duckDbType;
    }

    public String duckDbType() {
        return duckDbType;
    }

    /**
     * Reads this column's value from a staged result as its Java type: Long, BigDecimal or Double, Boolean, LocalDate,
     * LocalDateTime or String; null for an empty value.
     */
    public Object read(ResultSet rs, int index) throws SQLException {
        Object value = switch (this) {
            case INTEGER -> rs.getLong(index);
            // BigDecimal for exact decimals, Double for measurements: a decimal is never rounded through a double.
            case DECIMAL -> rs.getObject(index) instanceof Number n ? (n instanceof BigDecimal || n instanceof Double
                    ? n : Double.valueOf(n.doubleValue())) : null;
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
