package io.rowflow.pipeline;

import static io.rowflow.pipeline.StagedTable.quote;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides the type of text columns from all their values, in one SQL pass over the staged table. A column takes a type
 * only when every non-null value reads as that type without loss: {@code 00123} stays text (the leading zero would be
 * lost), a 20-digit number stays text (it does not fit 64 bits), and a decimal needing more than 15 significant digits
 * stays text (a double would round it).
 */
final class TypeInference {
    private static final String INTEGER = "regexp_full_match(%1$s, '-?(0|[1-9][0-9]{0,18})') AND TRY_CAST(%1$s AS BIGINT) IS NOT NULL";
    private static final String DECIMAL = "regexp_full_match(%1$s, '-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]{1,3})?')"
            + " AND length(regexp_replace(regexp_replace(%1$s, '[eE].*$', ''), '[^0-9]', '', 'g')) <= 15"
            + " AND TRY_CAST(%1$s AS DOUBLE) IS NOT NULL";
    private static final String BOOLEAN = "lower(%1$s) IN ('true', 'false')";
    private static final String DATE = "regexp_full_match(%1$s, '[0-9]{4}-[0-9]{2}-[0-9]{2}') AND TRY_CAST(%1$s AS DATE) IS NOT NULL";
    private static final String TIMESTAMP = "regexp_full_match(%1$s, '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?')"
            + " AND TRY_CAST(%1$s AS TIMESTAMPTZ) IS NOT NULL";

    private record Candidate(ColumnType type, String condition) {
    }

    private static final List<Candidate> ALL = List.of(new Candidate(ColumnType.INTEGER, INTEGER),
            new Candidate(ColumnType.DECIMAL, DECIMAL), new Candidate(ColumnType.BOOLEAN, BOOLEAN),
            new Candidate(ColumnType.DATE, DATE), new Candidate(ColumnType.TIMESTAMP, TIMESTAMP));
    private static final List<Candidate> TEMPORAL = List.of(new Candidate(ColumnType.DATE, DATE),
            new Candidate(ColumnType.TIMESTAMP, TIMESTAMP));

    private TypeInference() {
    }

    /** Sets {@code types[i]} for each text column {@code i} whose values all read as a more specific type. */
    static void infer(Connection connection, String table, List<Integer> textColumns, TextInference inference,
            ColumnType[] types) throws SQLException {
        if (textColumns.isEmpty()) {
            return;
        }
        List<Candidate> candidates = inference == TextInference.ALL ? ALL : TEMPORAL;
        // A pass judges a bounded number of columns: DuckDB's memory for one query grows faster than its aggregates
        // (2,000 columns in one pass took gigabytes), so a wide source is judged in several short passes instead.
        for (int from = 0; from < textColumns.size(); from += COLUMNS_PER_PASS) {
            inferPass(connection, table, textColumns.subList(from, Math.min(textColumns.size(), from + COLUMNS_PER_PASS)),
                    candidates, types);
        }
    }

    /** Columns one inference pass judges. */
    static final int COLUMNS_PER_PASS = 64;

    private static void inferPass(Connection connection, String table, List<Integer> textColumns,
            List<Candidate> candidates, ColumnType[] types) throws SQLException {
        List<String> aggregates = new ArrayList<>();
        for (int column : textColumns) {
            String sql = quote("c" + column);
            aggregates.add("count(" + sql + ")");
            for (Candidate candidate : candidates) {
                aggregates.add("count(" + sql + ") FILTER (WHERE NOT (" + candidate.condition().formatted(sql) + "))");
            }
        }
        String query = "SELECT " + String.join(", ", aggregates) + " FROM " + quote(table);
        try (Statement statement = connection.createStatement()) {
            Stoppable.query(statement, query, rs -> {
                read(rs, textColumns, candidates, types);
                return null;
            });
        }
    }

    private static void read(ResultSet rs, List<Integer> textColumns, List<Candidate> candidates, ColumnType[] types)
            throws SQLException {
        rs.next();
        int position = 1;
        for (int column : textColumns) {
            long nonNull = rs.getLong(position++);
            ColumnType chosen = null;
            for (Candidate candidate : candidates) {
                long misfits = rs.getLong(position++);
                if (chosen == null && nonNull > 0 && misfits == 0) {
                    chosen = candidate.type();
                }
            }
            if (chosen != null) {
                types[column] = chosen;
            }
        }
    }

    /**
     * The exact type of each decimal column: DECIMAL with as many places as its longest fraction, so that 527.50 stays
     * 527.50 and sums stay exact. A column with an exponent (1.5e-7) or more digits than DECIMAL holds keeps DOUBLE.
     * One pass over the staged text for all decimal columns.
     */
    static Map<Integer, String> decimalTypes(Connection connection, String table, ColumnType[] types) throws SQLException {
        List<Integer> decimal = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            if (types[i] == ColumnType.DECIMAL) {
                decimal.add(i);
            }
        }
        Map<Integer, String> chosen = new HashMap<>();
        for (int from = 0; from < decimal.size(); from += COLUMNS_PER_PASS) {
            decimalPass(connection, table, decimal.subList(from, Math.min(decimal.size(), from + COLUMNS_PER_PASS)),
                    chosen);
        }
        return chosen;
    }

    private static void decimalPass(Connection connection, String table, List<Integer> decimal,
            Map<Integer, String> chosen) throws SQLException {
        List<String> aggregates = new ArrayList<>();
        for (int column : decimal) {
            String sql = quote("c" + column);
            aggregates.add("coalesce(max(length(regexp_extract(" + sql + ", '\\.([0-9]+)$', 1))), 0)");
            aggregates.add("coalesce(max(length(regexp_extract(" + sql + ", '^[-+]?0*([0-9]+)', 1))), 0)");
            aggregates.add("count(" + sql + ") FILTER (WHERE " + sql + " SIMILAR TO '.*[eEnN].*')");
        }
        try (Statement statement = connection.createStatement()) {
            Stoppable.query(statement, "SELECT " + String.join(", ", aggregates) + " FROM " + quote(table), rs -> {
                rs.next();
                int position = 1;
                for (int column : decimal) {
                    int scale = rs.getInt(position++);
                    int integerDigits = rs.getInt(position++);
                    long exponents = rs.getLong(position++);
                    if (exponents == 0 && scale <= MAX_SCALE && integerDigits + scale <= 38) {
                        chosen.put(column, ColumnType.decimal(Math.max(integerDigits + scale, 1), scale));
                    }
                }
                return null;
            });
        }
    }

    /** Places a staged decimal keeps at most; a longer fraction is a measurement, kept as DOUBLE. */
    static final int MAX_SCALE = 18;

    /** The SQL that turns a staged text value into its column's type. */
    static String cast(String sql, ColumnType type) {
        return switch (type) {
            case STRING, JSON -> sql;
            case BOOLEAN -> "(lower(" + sql + ") = 'true')";
            // An offset, when present, is applied: timestamps are stored in UTC.
            case TIMESTAMP -> "CAST(CAST(" + sql + " AS TIMESTAMPTZ) AS TIMESTAMP)";
            case DECIMAL -> "CAST(" + sql + " AS DOUBLE)"; // an exact one is chosen by decimalTypes where it fits
            default -> "CAST(" + sql + " AS " + type.duckDbType() + ")";
        };
    }
}
