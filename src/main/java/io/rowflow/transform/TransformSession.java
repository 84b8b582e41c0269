package io.rowflow.transform;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.common.cancel.InFlight;
import io.rowflow.common.error.DataException;
import io.rowflow.pipeline.Column;
import io.rowflow.pipeline.ColumnNames;
import io.rowflow.pipeline.ColumnType;
import io.rowflow.pipeline.RunCancelledException;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.pipeline.Stoppable;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs a flow's transform in one DuckDB database: every source becomes a view under its column names, every step a
 * view over the one before, the combine step a view over the sources, and the last view is written to a table the
 * destinations read. User text reaches SQL only as quoted identifiers, string literals, the expression language, or a
 * custom SQL step that must parse as one SELECT; and before any of it runs the database is locked down
 * ({@link #lockDown}) so that nothing can read or write files, reach the network, attach databases, load extensions or
 * change a setting. Every statement runs under the transform's time limit.
 */
public final class TransformSession {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "rowflow-transform-timer");
        thread.setDaemon(true);
        return thread;
    });

    private final Connection connection;
    private final TransformClock clock;
    private final Duration timeLimit;
    private final Instant deadline;
    /** Each stage's output by its place in the flow ({@code sources[0].steps[1]}), in the order they were made. */
    private final Map<String, Relation> stages = new LinkedHashMap<>();
    /** Source columns that hold JSON text: still JSON wherever a step passes them on under their name. */
    private final Set<String> jsonColumns = new HashSet<>();
    private final List<Relation> sources = new ArrayList<>();
    /** Retype steps that leave what does not convert empty, with their input: counted on request. */
    private final List<Lossy> lossyRetypes = new ArrayList<>();

    private record Lossy(Steps.LossyRetype retype, Relation input) {
    }
    private int views;
    /**
     * This session's own prefix for the views and tables it makes: a run shapes its rows and then the records its
     * source says were deleted in two sessions over one connection, and their names must not meet.
     */
    private final String prefix = "rf_s" + SESSIONS.incrementAndGet() + "_";
    private static final java.util.concurrent.atomic.AtomicLong SESSIONS = new java.util.concurrent.atomic.AtomicLong();

    private TransformSession(Connection connection, TransformClock clock, Duration timeLimit) {
        this.connection = connection;
        this.clock = clock;
        this.timeLimit = timeLimit;
        this.deadline = Instant.now().plus(timeLimit);
    }

    /**
     * Locks the database down for user SQL: no file, network or extension access, and no setting can change after
     * this (the memory limit included). Call once every source is staged: it cannot be undone.
     */
    public static void lockDown(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            // A second session over the same database (a run's deleted records after its result) finds it locked.
            try (var locked = s.executeQuery("SELECT current_setting('lock_configuration')")) {
                if (locked.next() && locked.getBoolean(1)) {
                    return;
                }
            }
            s.execute("SET enable_external_access = false");
            s.execute("SET lock_configuration = true");
        }
    }

    /**
     * Locks the database down and opens a session over the staged sources, each made stage {@code sources[i]}.
     * {@code schema} names the attached database holding source i ("s0"), or is null when they all lie in this one.
     */
    public static TransformSession over(Connection connection, TransformClock clock, Duration timeLimit,
            List<StagedTable> tables, java.util.function.IntFunction<String> schema) throws SQLException {
        lockDown(connection);
        TransformSession session = new TransformSession(connection, clock, timeLimit);
        for (int i = 0; i < tables.size(); i++) {
            String table = StagedTable.quote(tables.get(i).sqlName());
            session.sources.add(session.source(i, schema == null ? table : schema.apply(i) + "." + table, tables.get(i)));
        }
        return session;
    }

    /** Each source as read, in the flow's order. */
    public List<Relation> sources() {
        return sources;
    }

    public Map<String, Relation> stages() {
        return stages;
    }

    /** A staged source (at {@code table}, qualified if attached) under its column names, as stage {@code sources[i]}. */
    private Relation source(int index, String table, StagedTable staged) throws SQLException {
        StringBuilder select = new StringBuilder("SELECT row_number() OVER () AS " + Relation.ROW);
        // Staging named the columns by the same rule already; only a column named like the hidden row one moves.
        ColumnNames taken = new ColumnNames().reserve(Relation.ROW);
        for (Column c : staged.columns()) {
            String name = taken.unique(c.name());
            select.append(", ").append(StagedTable.quote(c.sqlName())).append(" AS ").append(StagedTable.quote(name));
            if (c.type() == ColumnType.JSON) {
                jsonColumns.add(name.toLowerCase(Locale.ROOT));
            }
        }
        return stage("sources[" + index + "]", select + " FROM " + table);
    }

    /** Applies the steps at {@code path} ({@code sources[0].steps}, {@code transform.steps}) to {@code input}. */
    public Relation steps(Relation input, JsonNode steps, String path, String stopAt) throws SQLException {
        Relation current = input;
        for (int i = 0; steps != null && i < steps.size(); i++) {
            String at = path + "[" + i + "]";
            Step step = Step.read(steps.get(i), at);
            if (step instanceof SqlStep sql) {
                current = sqlStep(current, sql, at);
            } else {
                Relation before = current;
                current = stage(at, step.select(before, clock, at));
                Steps.LossyRetype lossy = step instanceof RetypeStep retype ? retype.lossy(before, at) : null;
                if (lossy != null) {
                    lossyRetypes.add(new Lossy(lossy, before));
                }
            }
            if (at.equals(stopAt)) {
                break;
            }
        }
        return current;
    }

    /** A custom SQL step: one SELECT over {@code input} (the previous step) and the sources ({@code source_1}, …). */
    private Relation sqlStep(Relation input, SqlStep step, String path) throws SQLException {
        String query = step.query();
        SqlStepCheck.check(connection, query, path + ".query");
        execute("CREATE OR REPLACE TEMP VIEW input AS SELECT " + input.columns().stream().map(c -> StagedTable.quote(c.name()))
                .collect(Collectors.joining(", ")) + " FROM " + input.view() + " ORDER BY " + Relation.ROW, path);
        String table = prefix + "stage_" + (++views);
        // Materialised: a later SQL step redefines "input", and this step's result must not change with it.
        execute("CREATE TEMP TABLE " + table + " AS SELECT row_number() OVER () AS " + Relation.ROW + ", * FROM ("
                + query + ")", path + ".query");
        Relation relation = new Relation(table, describe(table, path));
        stages.put(path, relation);
        return relation;
    }

    /** Names every source under {@code source_1}, {@code source_2}… for custom SQL steps. */
    public void nameSources(List<Relation> sources) throws SQLException {
        for (int i = 0; i < sources.size(); i++) {
            Relation s = sources.get(i);
            execute("CREATE OR REPLACE TEMP VIEW source_" + (i + 1) + " AS SELECT " + s.columns().stream()
                    .map(c -> StagedTable.quote(c.name())).collect(Collectors.joining(", ")) + " FROM " + s.view() + " ORDER BY "
                    + Relation.ROW, "sources[" + i + "]");
        }
    }

    /** The combine step over every source's last stage: append, or joins from left to right. */
    public Relation combine(List<Relation> sources, List<String> names, JsonNode combine) throws SQLException {
        String path = "transform.combine";
        Combine typed = Steps.readCombine(combine, path);
        if (typed instanceof Combine.Append append) {
            String sourceColumn = append.sourceColumn() == null ? null : append.sourceColumn().strip();
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < sources.size(); i++) {
                parts.add("SELECT " + i + " AS __rf_source, " + (sourceColumn == null ? "" : Sql.literal(names.get(i))
                        + " AS " + StagedTable.quote(sourceColumn) + ", ") + "* FROM " + sources.get(i).view());
            }
            return stage(path, "SELECT * EXCLUDE (__rf_source) REPLACE (row_number() OVER (ORDER BY __rf_source, "
                    + Relation.ROW + ") AS " + Relation.ROW + ") FROM (" + String.join(" UNION ALL BY NAME ", parts) + ")");
        }
        List<Combine.SourceJoin> joins = ((Combine.Join) typed).joins();
        Relation left = sources.get(0);
        for (int j = 0; j < joins.size(); j++) {
            left = join(left, sources.get(j + 1), names.get(j + 1), joins.get(j), path + ".joins[" + j + "]",
                    j == joins.size() - 1 ? path : path + ".joins[" + j + "]");
        }
        return left;
    }

    private Relation join(Relation left, Relation right, String rightName, Combine.SourceJoin join, String path,
            String stageId) throws SQLException {
        String kind = join.kind() == null ? "left" : join.kind();
        List<String[]> keys = new ArrayList<>();
        for (int i = 0; i < join.on().size(); i++) {
            String at = path + ".on[" + i + "]";
            Combine.KeyPair pair = join.on().get(i);
            keys.add(new String[] { Steps.column(Steps.required(pair.left(), "left", at), left, at + ".left"),
                    Steps.column(Steps.required(pair.right(), "right", at), right, at + ".right") });
        }
        String rightKeys = keys.stream().map(k -> StagedTable.quote(k[1])).collect(Collectors.joining(", "));
        String rightView = right.view();
        if ("first".equals(join.duplicates())) {
            rightView = "(SELECT * FROM " + right.view() + " QUALIFY row_number() OVER (PARTITION BY " + rightKeys
                    + " ORDER BY " + Relation.ROW + ") = 1)";
        } else {
            // Rows of the left side must not silently repeat: a key the right side holds twice fails the run, naming it.
            List<String> duplicate = firstRow("SELECT " + keys.stream().map(k -> "CAST(" + StagedTable.quote(k[1])
                    + " AS VARCHAR)").collect(Collectors.joining(", ")) + ", count(*) FROM " + right.view()
                    + " WHERE " + keys.stream().map(k -> StagedTable.quote(k[1]) + " IS NOT NULL").collect(Collectors.joining(" AND "))
                    + " GROUP BY ALL HAVING count(*) > 1 LIMIT 1", path);
            if (duplicate != null) {
                String key = new ArrayList<>(duplicate.subList(0, keys.size())).toString();
                throw new TransformException(path + ".duplicates", "\"" + rightName + "\" has " + duplicate.get(keys.size())
                        + " rows with the key " + key + ", so a join would repeat the rows it matches. Remove the"
                        + " duplicates first (a deduplicate step), or set \"duplicates\": \"first\" to keep the first of them");
            }
        }
        boolean full = kind.equals("full");
        StringBuilder select = new StringBuilder("SELECT row_number() OVER (ORDER BY l." + Relation.ROW + " NULLS LAST, r."
                + Relation.ROW + ") AS " + Relation.ROW);
        Set<String> taken = new HashSet<>();
        for (Relation.Col c : left.columns()) {
            taken.add(c.name().toLowerCase(Locale.ROOT));
            String[] key = keys.stream().filter(k -> k[0].equals(c.name())).findFirst().orElse(null);
            String value = full && key != null ? "coalesce(l." + StagedTable.quote(c.name()) + ", r." + StagedTable.quote(key[1]) + ")"
                    : "l." + StagedTable.quote(c.name());
            select.append(", ").append(value).append(" AS ").append(StagedTable.quote(c.name()));
        }
        for (Relation.Col c : right.columns()) {
            if (keys.stream().anyMatch(k -> k[1].equals(c.name()))) {
                continue; // equal to the left key on every matched row
            }
            String name = c.name();
            if (taken.contains(name.toLowerCase(Locale.ROOT))) {
                name = rightName + "." + c.name();
            }
            for (int n = 2; !taken.add(name.toLowerCase(Locale.ROOT)); n++) {
                name = rightName + "." + c.name() + " (" + n + ")";
            }
            select.append(", r.").append(StagedTable.quote(c.name())).append(" AS ").append(StagedTable.quote(name));
        }
        String condition = keys.stream().map(k -> {
            boolean sameType = left.find(k[0]).get().type() == right.find(k[1]).get().type();
            // Keys of different types (an id as a number here, as text there) are compared as text.
            return sameType ? "l." + StagedTable.quote(k[0]) + " = r." + StagedTable.quote(k[1])
                    : "CAST(l." + StagedTable.quote(k[0]) + " AS VARCHAR) = CAST(r." + StagedTable.quote(k[1]) + " AS VARCHAR)";
        }).collect(Collectors.joining(" AND "));
        String joinSql = switch (kind) {
            case "inner" -> " INNER JOIN ";
            case "full" -> " FULL OUTER JOIN ";
            default -> " LEFT JOIN ";
        };
        return stage(stageId, select + " FROM " + left.view() + " l" + joinSql + rightView + " r ON " + condition);
    }

    /** Writes the stage to a table in its row order, each column in a type the destinations know. */
    public StagedTable materialize(Relation relation, String table) throws SQLException {
        StringBuilder select = new StringBuilder();
        List<Column> columns = new ArrayList<>();
        for (Relation.Col c : relation.columns()) {
            // Numbers typed decimal keep DuckDB's own type (an exact DECIMAL, or a DOUBLE measurement) as they are.
            String value = c.type() == ColumnType.DECIMAL ? StagedTable.quote(c.name()) : "CAST(" + StagedTable.quote(
                    c.name()) + " AS " + c.type().duckDbType() + ")";
            select.append(select.length() == 0 ? "" : ", ").append(value).append(" AS ").append(StagedTable.quote(c.name()));
            columns.add(new Column(c.name(), c.type(), c.name()));
        }
        try {
            execute("CREATE OR REPLACE TABLE " + table + " AS SELECT " + select + " FROM " + relation.view() + " ORDER BY "
                    + Relation.ROW, null);
        } catch (TransformException e) {
            throw locate(e);
        }
        long rows = count(table, null);
        return new StagedTable(table, columns, rows);
    }

    /**
     * A data error found while writing the result (a value that does not convert, a regex over an odd value) belongs
     * to a step, but views are only evaluated at the end: each stage is counted in turn to find the first that fails.
     */
    private TransformException locate(TransformException failure) throws SQLException {
        for (Map.Entry<String, Relation> stage : stages.entrySet()) {
            try {
                // Every value computed (a count alone lets DuckDB skip the columns, and with them the failing cast).
                firstRow("SELECT max(hash(COLUMNS(*))) FROM " + stage.getValue().view(), stage.getKey());
            } catch (TransformException e) {
                // The stage is found; the reason is the one the full statement gave (a streamed probe's is vaguer).
                return new TransformException(stage.getKey(), failure.fieldErrors().get(0).message());
            }
        }
        return failure;
    }

    /** How many examples of values that did not convert a {@link ConversionLoss} names. */
    static final int LOSS_EXAMPLES = 3;

    /**
     * The values each retype step with onError "empty" left empty because they did not convert (blank text aside),
     * for the steps that lead to the stage {@code shown} (every step made, when null); steps that lost nothing are left
     * out. A value is counted on the step's input, so a later filter does not hide it.
     */
    public List<ConversionLoss> conversionLosses(String shown) throws SQLException {
        List<ConversionLoss> losses = new ArrayList<>();
        for (Lossy lossy : lossyRetypes) {
            Steps.LossyRetype retype = lossy.retype();
            if (shown != null && !leadsTo(retype.step(), shown)) {
                continue;
            }
            String value = StagedTable.quote(retype.column());
            String lost = " FROM " + lossy.input().view() + " WHERE " + value + " IS NOT NULL AND trim(CAST(" + value
                    + " AS VARCHAR)) <> '' AND TRY_CAST(" + value + " AS " + retype.sqlType() + ") IS NULL";
            long count = Long.parseLong(firstRow("SELECT count(*)" + lost, retype.step()).get(0));
            if (count == 0) {
                continue;
            }
            List<String> examples = new ArrayList<>();
            try (Statement s = connection.createStatement(); ResultSet rs = query(s, "SELECT DISTINCT left(CAST("
                    + value + " AS VARCHAR), 60) AS v" + lost + " ORDER BY v LIMIT " + LOSS_EXAMPLES, retype.step())) {
                while (rs.next()) {
                    examples.add(rs.getString(1));
                }
            }
            losses.add(new ConversionLoss(retype.step(), retype.column(), retype.to(), count, examples));
        }
        return losses;
    }

    /**
     * Whether the step {@code step} is on the way to the stage {@code shown}: an earlier step of the same source or of
     * the final steps, or any source's step when the combine or a final step is shown.
     */
    static boolean leadsTo(String step, String shown) {
        int cut = step.lastIndexOf('[');
        String list = step.substring(0, cut);
        if (shown.startsWith(list + "[")) {
            return stepIndex(shown, cut) >= stepIndex(step, cut);
        }
        return step.startsWith("sources[") && shown.startsWith("transform.");
    }

    private static int stepIndex(String path, int open) {
        return Integer.parseInt(path.substring(open + 1, path.indexOf(']', open)));
    }

    /** Values a retype step left empty: how many, and the first few (sorted, each cut to 60 characters). */
    public record ConversionLoss(String step, String column, String to, long values, List<String> examples) {
    }

    /** The first {@code limit} rows of a stage, with its columns and its total row count. */
    public Sample sample(Relation relation, int limit) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        String columns = relation.columns().stream().map(c -> StagedTable.quote(c.name())).collect(Collectors.joining(", "));
        String path = stepOf(relation);
        long total = count(relation.view(), path);
        if (!relation.columns().isEmpty()) {
            try (Statement s = connection.createStatement(); ResultSet rs = query(s, "SELECT " + columns + " FROM "
                    + relation.view() + " ORDER BY " + Relation.ROW + " LIMIT " + limit, path)) {
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 0; i < relation.columns().size(); i++) {
                        row.add(forJson(relation.columns().get(i).type().read(rs, i + 1)));
                    }
                    rows.add(row);
                }
            } catch (DataException e) {
                throw e;
            } catch (TransformException e) {
                // A value that fails while rows stream reads only "Invalid result set": the stages are probed whole,
                // which names the value and the step, as the run would.
                throw e.getMessage().contains(VAGUE_STREAMING_FAILURE) ? probed(relation, path, e) : e;
            } catch (SQLException e) {
                throw probed(relation, path, new TransformException(path == null ? "transform" : path,
                        explain(e.getMessage())));
            }
        }
        return new Sample(relation.columns(), rows, total);
    }

    public record Sample(List<Relation.Col> columns, List<List<Object>> rows, long total) {
    }

    /** Integers JavaScript holds exactly (±2^53 - 1) stay numbers; larger ones travel as text. */
    private static final long LARGEST_JS_INTEGER = (1L << 53) - 1;

    /**
     * A value as a browser reads it back exactly: dates as ISO text; a decimal as its text with its own places
     * (527.50, not the number 527.5; those of a cast without a known scale trimmed); an integer beyond what a
     * JavaScript number holds as text, so a 19-digit id keeps its last digits.
     */
    static Object forJson(Object value) {
        if (value instanceof LocalDate || value instanceof LocalDateTime) {
            return value.toString();
        }
        if (value instanceof java.math.BigDecimal decimal) {
            return (decimal.scale() == ColumnType.GENERIC_SCALE ? decimal.stripTrailingZeros() : decimal).toPlainString();
        }
        if (value instanceof Long number && (number > LARGEST_JS_INTEGER || number < -LARGEST_JS_INTEGER)) {
            return number.toString();
        }
        return value;
    }

    /** What DuckDB's JDBC driver says when a streamed result fails: no value, no reason. */
    private static final String VAGUE_STREAMING_FAILURE = "Invalid result set";

    /** The first stage up to {@code relation} whose values fail, with DuckDB's full reason; else the given failure. */
    private TransformException probed(Relation relation, String path, TransformException streamed) throws SQLException {
        for (Map.Entry<String, Relation> stage : stages.entrySet()) {
            try {
                // Computed whole, not streamed: a failure here carries DuckDB's own reason (the value, the type).
                execute("CREATE OR REPLACE TEMP TABLE rf_probe AS SELECT max(hash(COLUMNS(*))) FROM "
                        + stage.getValue().view(), stage.getKey());
            } catch (TransformException e) {
                return e;
            }
            if (stage.getValue() == relation) {
                break;
            }
        }
        return streamed;
    }

    /** The name of the stage that made {@code relation} ({@code sources[0].steps[1]}…), null for none. */
    public String stepOf(Relation relation) {
        return stages.entrySet().stream().filter(e -> e.getValue() == relation).map(Map.Entry::getKey).findFirst()
                .orElse(null);
    }

    private Relation stage(String path, String select) throws SQLException {
        String view = prefix + "view_" + (++views);
        execute("CREATE TEMP VIEW " + view + " AS " + select, path);
        Relation relation = new Relation(view, describe(view, path));
        stages.put(path, relation);
        return relation;
    }

    private List<Relation.Col> describe(String view, String path) throws SQLException {
        List<Relation.Col> columns = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = query(s, "DESCRIBE " + view, path)) {
            while (rs.next()) {
                String name = rs.getString("column_name");
                if (!name.equals(Relation.ROW)) {
                    String duckDbType = rs.getString("column_type");
                    ColumnType type = typeOf(duckDbType);
                    if (type == ColumnType.STRING && jsonColumns.contains(name.toLowerCase(Locale.ROOT))) {
                        type = ColumnType.JSON;
                    }
                    columns.add(new Relation.Col(name, type, scaleOf(duckDbType)));
                }
            }
        }
        return columns;
    }

    /** The places of a DuckDB DECIMAL(p,s) type; -1 for any other type. */
    static int scaleOf(String duckDbType) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("DECIMAL\\(\\d+,\\s*(\\d+)\\)")
                .matcher(duckDbType.toUpperCase(Locale.ROOT));
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** DuckDB's type as one of Rowflow's; what has no counterpart (intervals, lists, structs…) is written as text. */
    static ColumnType typeOf(String duckDbType) {
        String t = duckDbType.toUpperCase(Locale.ROOT);
        if (t.matches("(U?(BIG|SMALL|TINY|HUGE)?INT(EGER)?)")) {
            return ColumnType.INTEGER;
        }
        if (t.equals("DOUBLE") || t.equals("FLOAT") || t.equals("REAL") || t.startsWith("DECIMAL")) {
            return ColumnType.DECIMAL;
        }
        if (t.equals("BOOLEAN")) {
            return ColumnType.BOOLEAN;
        }
        if (t.equals("DATE")) {
            return ColumnType.DATE;
        }
        if (t.startsWith("TIMESTAMP")) {
            return ColumnType.TIMESTAMP;
        }
        return ColumnType.STRING;
    }

    private long count(String view, String path) throws SQLException {
        List<String> row = firstRow("SELECT count(*) FROM " + view, path);
        return Long.parseLong(row.get(0));
    }

    private List<String> firstRow(String sql, String path) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = query(s, sql, path)) {
            if (!rs.next()) {
                return null;
            }
            List<String> row = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                row.add(rs.getString(i));
            }
            return row;
        } catch (TransformException | DataException e) {
            throw e;
        } catch (SQLException e) {
            // Results stream: a value that fails may only fail while rows are fetched.
            throw new TransformException(path == null ? "transform" : path, explain(e.getMessage()));
        }
    }

    private void execute(String sql, String path) throws SQLException {
        try (Statement s = connection.createStatement()) {
            guarded(s, path, () -> {
                s.execute(sql);
                return null;
            });
        }
    }

    private ResultSet query(Statement s, String sql, String path) throws SQLException {
        return guarded(s, path, () -> s.executeQuery(sql));
    }

    private interface SqlCall<T> {
        T call() throws SQLException;
    }

    /** Runs a statement under what is left of the time limit; DuckDB's errors become the step's error. */
    private <T> T guarded(Statement statement, String path, SqlCall<T> call) throws SQLException {
        long left = Duration.between(Instant.now(), deadline).toMillis();
        if (left <= 0) {
            throw timedOut(path);
        }
        boolean[] fired = { false };
        ScheduledFuture<?> alarm = TIMER.schedule(() -> {
            fired[0] = true;
            Stoppable.cancelQuietly(statement);
        }, left, TimeUnit.MILLISECONDS);
        // A cancel, the run's own time limit or a deleted flow interrupts the thread: the native query stops too.
        try (InFlight.Registration inFlight = Stoppable.abortsOnStop(statement)) {
            return call.call();
        } catch (SQLException e) {
            if (fired[0]) {
                throw timedOut(path);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new RunCancelledException();
            }
            throw new TransformException(path == null ? "transform" : path, explain(e.getMessage()));
        } finally {
            alarm.cancel(false);
        }
    }

    private DataException timedOut(String path) {
        return new DataException("The transform took longer than its limit of " + timeLimit.toSeconds() + " s"
                + (path == null ? "" : " (at " + path + ")") + "; simplify the steps or raise rowflow.transform.time-limit");
    }

    /** DuckDB's message without its internals: the first line, the error class kept as a short hint. */
    static String explain(String message) {
        if (message == null) {
            return "the database gave no reason";
        }
        String first = message.lines().findFirst().orElse(message).strip();
        return first.replaceFirst("^(Binder|Parser|Conversion|Invalid Input|Catalog|Permission|Not implemented|Out of Range)"
                + " Error: ", "").replaceFirst("^java\\.sql\\.SQLException: ", "");
    }
}
