package io.rowflow.writer;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.common.error.DataException;
import io.rowflow.common.error.FieldError;
import io.rowflow.pipeline.Column;
import io.rowflow.pipeline.StagedTable;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The key of a row under upsert: its key columns' values as one text. A sheet gives back numbers as doubles (10101.0)
 * where the staged rows hold longs or decimals (10101), so numbers are compared by their value, written plainly.
 * Shared by the writers that upsert by key (Excel, Google Sheets).
 */
public final class RowKeys {
    /** Between two key columns' values: a character no cell value of a key holds in practice. */
    private static final char SEPARATOR = '\u001f';

    private RowKeys() {
    }

    /** A destination's key columns, as its settings list them. */
    public static List<String> columns(JsonNode settings) {
        List<String> keys = new ArrayList<>();
        settings.path("keyColumns").forEach(k -> keys.add(k.asText()));
        return keys;
    }

    /** An upsert needs its key columns: a schema cannot say "required when mode is upsert". */
    public static List<FieldError> checkUpsert(JsonNode settings, String field) {
        if (settings != null && "upsert".equals(settings.path("mode").asText()) && settings.path("keyColumns").isEmpty()) {
            return List.of(new FieldError(field + ".keyColumns", "upsert needs the columns that identify a row, e.g."
                    + " [\"key\"]"));
        }
        return List.of();
    }

    public static String of(List<Object> values, int[] keyAt) {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < keyAt.length; i++) {
            if (i > 0) {
                key.append(SEPARATOR);
            }
            Object value = keyAt[i] < values.size() ? values.get(keyAt[i]) : null;
            key.append(text(value));
        }
        return key.toString();
    }

    public static String of(Object[] values, int[] keyAt) {
        return of(java.util.Arrays.asList(values), keyAt);
    }

    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            return d.toString();
        }
        if (value instanceof Number n) {
            BigDecimal exact = n instanceof BigDecimal b ? b : new BigDecimal(n.toString());
            return exact.signum() == 0 ? "0" : exact.stripTrailingZeros().toPlainString();
        }
        return value.toString();
    }

    /** Where each key column is among {@code names}; refused, naming what is there, when one is missing. */
    public static int[] positions(List<String> keyColumns, List<String> names, String where) {
        int[] at = new int[keyColumns.size()];
        for (int i = 0; i < at.length; i++) {
            at[i] = names.indexOf(keyColumns.get(i));
            if (at[i] < 0) {
                throw new DataException("The key column \"" + keyColumns.get(i) + "\" is not among the columns of "
                        + where + " " + names + ": choose key columns the flow's result has (keyColumns). Nothing was"
                        + " written.");
            }
        }
        return at;
    }

    /** The keys of the rows a source says were deleted, staged in the shape of the rows to write. */
    public static Set<String> ofDeleted(Connection staging, StagedTable deleted, List<String> keyColumns) throws SQLException {
        Set<String> keys = new HashSet<>();
        if (deleted == null || deleted.rowCount() == 0) {
            return keys;
        }
        List<Column> columns = deleted.columns();
        int[] keyAt = positions(keyColumns, columns.stream().map(Column::name).toList(), "the deleted records");
        try (Statement statement = staging.createStatement();
                ResultSet rs = statement.executeQuery(deleted.selectAll())) {
            while (rs.next()) {
                Object[] values = new Object[columns.size()];
                for (int k : keyAt) {
                    values[k] = columns.get(k).type().read(rs, k + 1);
                }
                keys.add(of(values, keyAt));
            }
        }
        return keys;
    }
}
