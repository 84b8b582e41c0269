package io.rowflow.pipeline;

import static io.rowflow.pipeline.StagedTable.quote;

import io.rowflow.common.digest.Digests;
import io.rowflow.common.error.DataException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * A run's DuckDB database. Sources append their records to it as text through DuckDB's appender (columns may appear
 * mid-stream), then each column's type is decided from everything seen and the table is rewritten typed. Memory stays
 * bounded by DuckDB's memory limit; what does not fit spills to the run's folder.
 */
public final class StagingArea implements AutoCloseable {
    private static final String ROW_COLUMN = "__row";
    /** Columns a source may have: Excel's limit (16,384), which is also more than Google Sheets holds in one tab. */
    static final int MAX_COLUMNS = 16_384;

    private final DuckDBConnection connection;
    private int tables;

    private StagingArea(DuckDBConnection connection) {
        this.connection = connection;
    }

    /** Opens a staging database in {@code dir}, or in memory when {@code dir} is null (tests). */
    public static StagingArea open(Path dir, StagingSettings settings) throws SQLException {
        return open(dir == null ? "" : dir.resolve("stage.duckdb").toAbsolutePath().toString(),
                dir == null ? null : dir.resolve("spill"), settings);
    }

    /**
     * An in-memory database that spills to {@code spill} alone (a preview's own folder): DuckDB lets a locked-down
     * database read its temp folder, so a shared one would let one preview read another's spilled data.
     */
    public static StagingArea openInMemory(Path spill, StagingSettings settings) throws SQLException {
        return open("", spill, settings);
    }

    private static StagingArea open(String file, Path spill, StagingSettings settings) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("jdbc_stream_results", "true");
        properties.setProperty("memory_limit", settings.memoryLimit());
        properties.setProperty("threads", Integer.toString(settings.threads()));
        properties.setProperty("preserve_insertion_order", "true");
        properties.setProperty("autoinstall_known_extensions", "false");
        properties.setProperty("autoload_known_extensions", "false");
        String url = "jdbc:duckdb:" + file;
        if (spill != null) {
            properties.setProperty("temp_directory", spill.toAbsolutePath().toString());
            properties.setProperty("max_temp_directory_size", settings.maxSpill());
        }
        // The driver is asked directly: DriverManager only offers drivers of the caller's class loader, and Quarkus
        // (tests, dev mode) runs application code in a class loader of its own.
        DuckDBConnection connection = (DuckDBConnection) new DuckDBDriver().connect(url, properties);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
        } catch (SQLException noIcu) {
            // Without the ICU extension DuckDB's TIMESTAMP arithmetic is UTC already.
        }
        return new StagingArea(connection);
    }

    /** Opens a staging database file that stays as it is (a kept preview extract). */
    public static StagingArea openReadOnly(Path file, StagingSettings settings) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("duckdb.read_only", "true");
        properties.setProperty("memory_limit", settings.memoryLimit());
        properties.setProperty("autoinstall_known_extensions", "false");
        properties.setProperty("autoload_known_extensions", "false");
        return new StagingArea((DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:" + file.toAbsolutePath(),
                properties));
    }

    public Connection connection() {
        return connection;
    }

    /** Lets {@code source} emit its records into a new table, then types the table. */
    public StagedTable stage(TextInference inference, Consumer<RecordSink> source) throws SQLException {
        String raw = "raw_" + tables;
        String typed = "t_" + tables;
        tables++;
        try {
            RawTableWriter writer = new RawTableWriter(raw);
            // The source parses in this thread while a helper appends to DuckDB: two cores, one pass. The appender
            // belongs to the helper thread, which also closes it.
            // Batches of about 32,768 values: some thousand narrow rows, or two rows of 16,384 columns.
            Handoff<Map<String, Object>> appender = new Handoff<>("rowflow-stage", 32_768, 8, writer::accept,
                    writer::close, Map::size);
            try {
                source.accept(appender::put);
                appender.finish();
            } catch (RuntimeException | Error e) {
                appender.abort();
                throw e;
            }
            return type(raw, typed, writer, inference);
        } finally {
            try (Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE IF EXISTS " + quote(raw));
            }
        }
    }

    /**
     * Appends records as text, adding a column whenever a record brings a new field. The text table is temporary (it
     * is dropped once typed), so DuckDB keeps it out of the database file's write-ahead log.
     */
    private final class RawTableWriter implements RecordSink {
        private final String table;
        private final Map<String, Integer> indexByName = new HashMap<>();
        /** The columns' names: the source's own, made unique by {@link ColumnNames} ("name" beside "Name": "name (2)"). */
        private final List<String> names = new ArrayList<>();
        private final ColumnNames taken = new ColumnNames();
        private int[] kinds = new int[16];
        private DuckDBAppender appender;
        private long rows;

        RawTableWriter(String table) throws SQLException {
            this.table = table;
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TEMP TABLE " + quote(table) + " (" + quote(ROW_COLUMN) + " BIGINT)");
            }
        }

        @Override
        public void accept(Map<String, Object> record) {
            try {
                if (appender == null) {
                    appender = connection.createAppender("temp", DuckDBConnection.DEFAULT_SCHEMA, table);
                }
                List<String> added = null;
                for (String name : record.keySet()) {
                    if (!indexByName.containsKey(name)) {
                        if (added == null) {
                            added = new ArrayList<>();
                        }
                        added.add(name);
                    }
                }
                if (added != null) {
                    addColumns(added);
                }
                if (record instanceof ColumnsAnnouncement) {
                    return; // the columns exist now; it is no row
                }
                Object[] values = new Object[names.size()];
                record.forEach((name, value) -> values[indexByName.get(name)] = value);
                appender.beginRow();
                appender.append(rows++);
                for (int i = 0; i < values.length; i++) {
                    Object value = values[i];
                    if (value == null) {
                        appender.appendNull();
                    } else {
                        kinds[i] |= ValueKind.of(value);
                        appender.append(text(value));
                    }
                }
                appender.endRow();
            } catch (SQLException e) {
                throw new IllegalStateException("Staging a record failed: " + e.getMessage(), e);
            }
        }

        /**
         * Adds every new column of a record at once: one appender closed and reopened, one batch of ALTER TABLE,
         * however many columns — a wide source's first record (or header) costs one schema change, not one per column.
         */
        private void addColumns(List<String> added) throws SQLException {
            if (names.size() + added.size() > MAX_COLUMNS) {
                throw new DataException("The source has more than " + MAX_COLUMNS + " columns (" + (names.size()
                        + added.size()) + " so far), more than a spreadsheet holds; choose fewer fields or columns");
            }
            appender.close();
            // The schema changes below run in the appender's thread, between two appenders.
            StringBuilder sql = new StringBuilder();
            for (String name : added) {
                String sqlName = "c" + names.size();
                if (rows > 0) {
                    sql.append("ALTER TABLE ").append(quote(table)).append(" ADD COLUMN ").append(quote(sqlName))
                            .append(" VARCHAR;");
                }
                indexByName.put(name, names.size());
                names.add(taken.unique(name));
            }
            if (rows == 0) {
                // No row yet (a header, a first record): the table is made anew with every column in one statement,
                // which stays fast at thousands of columns where one ALTER TABLE each grows with the table.
                sql.append("CREATE OR REPLACE TEMP TABLE ").append(quote(table)).append(" (").append(quote(ROW_COLUMN))
                        .append(" BIGINT");
                for (int i = 0; i < names.size(); i++) {
                    sql.append(", ").append(quote("c" + i)).append(" VARCHAR");
                }
                sql.append(")");
            }
            try (Statement statement = connection.createStatement()) {
                Stoppable.execute(statement, sql.toString());
            }
            if (names.size() > kinds.length) {
                kinds = Arrays.copyOf(kinds, Math.max(kinds.length * 2, names.size()));
            }
            appender = connection.createAppender("temp", DuckDBConnection.DEFAULT_SCHEMA, table);
        }

        /** Flushes and closes the appender; called in the thread that appended. */
        void close() {
            if (appender != null) {
                try {
                    appender.close();
                } catch (SQLException e) {
                    throw new IllegalStateException("Staging the last records failed: " + e.getMessage(), e);
                }
            }
        }
    }

    private static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof JsonText j) {
            return j.json();
        }
        return value.toString();
    }

    /** Bit flags of the value kinds a column has held. */
    static final class ValueKind {
        static final int TEXT = 1;
        static final int INTEGER = 2;
        static final int DECIMAL = 4;
        static final int BOOLEAN = 8;
        static final int JSON = 16;

        static int of(Object value) {
            if (value instanceof Long) {
                return INTEGER;
            }
            if (value instanceof BigDecimal) {
                return DECIMAL;
            }
            if (value instanceof Boolean) {
                return BOOLEAN;
            }
            if (value instanceof JsonText) {
                return JSON;
            }
            return TEXT; // strings, and integers too large for 64 bits: kept exactly as text
        }
    }

    private StagedTable type(String raw, String typed, RawTableWriter writer, TextInference inference) throws SQLException {
        int count = writer.names.size();
        ColumnType[] types = new ColumnType[count];
        List<Integer> textColumns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int kinds = writer.kinds[i];
            types[i] = switch (kinds) {
                case 0 -> ColumnType.STRING;
                case ValueKind.INTEGER -> ColumnType.INTEGER;
                case ValueKind.DECIMAL, ValueKind.INTEGER | ValueKind.DECIMAL -> ColumnType.DECIMAL;
                case ValueKind.BOOLEAN -> ColumnType.BOOLEAN;
                case ValueKind.JSON -> ColumnType.JSON;
                case ValueKind.TEXT -> null; // decided from the text below
                default -> ColumnType.STRING;
            };
            if (types[i] == null) {
                textColumns.add(i);
                types[i] = ColumnType.STRING;
            }
        }
        TypeInference.infer(connection, raw, textColumns, inference, types);
        Map<Integer, String> decimals = TypeInference.decimalTypes(connection, raw, types);

        List<Column> columns = new ArrayList<>(count);
        List<String> selects = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String sqlName = "c" + i;
            columns.add(new Column(writer.names.get(i), types[i], sqlName));
            String cast = decimals.containsKey(i) ? "CAST(" + quote(sqlName) + " AS " + decimals.get(i) + ")"
                    : TypeInference.cast(quote(sqlName), types[i]);
            selects.add(cast + " AS " + quote(sqlName));
        }
        // Insertion order is preserved by DuckDB (preserve_insertion_order), so rows keep the source's order.
        String select = selects.isEmpty() ? quote(ROW_COLUMN) : String.join(", ", selects);
        try (Statement statement = connection.createStatement()) {
            Stoppable.execute(statement, "CREATE TABLE " + quote(typed) + " AS SELECT " + select + " FROM " + quote(raw));
        }
        return new StagedTable(typed, columns, writer.rows);
    }

    /**
     * A hash of a staged table's content: its columns, their types and every value, in order. Two results with the
     * same hash would produce the same destination content.
     */
    public String contentHash(StagedTable table) throws SQLException {
        StringBuilder header = new StringBuilder();
        table.columns().forEach(c -> header.append(c.name()).append('\u0001').append(c.type().id()).append('\u0002'));
        if (table.columns().isEmpty()) {
            return Digests.md5(header.toString());
        }
        String row = table.columns().stream().map(c -> "coalesce(CAST(" + quote(c.sqlName()) + " AS VARCHAR), '\u0003')")
                .reduce((a, b) -> a + " || '\u0001' || " + b).orElseThrow();
        try (Statement statement = connection.createStatement()) {
            return Stoppable.query(statement, "SELECT md5(coalesce(string_agg(md5(" + row + "), '' ORDER BY rowid), ''))"
                    + " FROM " + quote(table.sqlName()), rs -> {
                        rs.next();
                        return Digests.md5(header + rs.getString(1));
                    });
        }
    }

    /**
     * {@code table}'s rows in {@code shape}'s columns, matched by name, each converted to the shape's type (a value
     * that does not convert, or a column {@code table} lacks, is empty; a column only {@code table} has is left out):
     * records a source says were deleted, in the columns of what it read.
     */
    public StagedTable conform(StagedTable table, StagedTable shape) throws SQLException {
        Map<String, Column> byName = new HashMap<>();
        table.columns().forEach(c -> byName.putIfAbsent(c.name(), c));
        Map<String, String> types = duckDbTypes(shape.sqlName());
        List<String> selects = new ArrayList<>();
        for (Column c : shape.columns()) {
            Column from = byName.get(c.name());
            String type = types.get(c.sqlName());
            selects.add((from == null ? "CAST(NULL AS " + type + ")" : "TRY_CAST(" + quote(from.sqlName()) + " AS " + type
                    + ")") + " AS " + quote(c.sqlName()));
        }
        String conformed = "t_" + tables++;
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + quote(conformed) + " AS SELECT " + (selects.isEmpty() ? "1 AS "
                    + quote(ROW_COLUMN) : String.join(", ", selects)) + " FROM " + quote(table.sqlName()));
        }
        return new StagedTable(conformed, shape.columns(), table.rowCount());
    }

    /** A table with {@code shape}'s columns and no rows. */
    public StagedTable emptyLike(StagedTable shape) throws SQLException {
        String empty = "t_" + tables++;
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + quote(empty) + " AS SELECT * FROM " + quote(shape.sqlName())
                    + " WHERE false");
        }
        return new StagedTable(empty, shape.columns(), 0);
    }

    /** The DuckDB type of each column of a table, by its SQL name. */
    private Map<String, String> duckDbTypes(String table) throws SQLException {
        Map<String, String> types = new HashMap<>();
        try (var statement = connection.prepareStatement("SELECT column_name, data_type FROM information_schema.columns"
                + " WHERE table_name = ?")) {
            statement.setString(1, table);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return types;
    }

    /** Row count of a staged table, read from the database. */
    public long count(StagedTable table) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + quote(table.sqlName()))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
