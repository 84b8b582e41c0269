package io.rowflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A stateful fake of the BigQuery REST API v2, after Google's reference and shared/reference/apis.md §2, served on a
 * loopback port for Google's generated client ({@code Bigquery.Builder#setRootUrl(rootUrl())}).
 *
 * <p>State lives in an in-memory DuckDB: for each BigQuery table a row of {@code bq_tables} (its schema as Google's JSON,
 * with canonical type names: INT64 is kept as INTEGER, FLOAT64 as FLOAT, BOOL as BOOLEAN, as tables.get answers them)
 * and a DuckDB table of its rows. Types: STRING→VARCHAR, BYTES→BLOB, INTEGER→BIGINT, FLOAT→DOUBLE,
 * NUMERIC→DECIMAL(38,9) (BigQuery's own precision and scale, so exact), BIGNUMERIC→DECIMAL(38,18) (exact for 20 integer
 * and 18 fraction digits; BigQuery takes 38 and 38: a value beyond DECIMAL(38,18) fails its load or DML here),
 * BOOLEAN→BOOLEAN, DATE→DATE, TIME→TIME, DATETIME→TIMESTAMP, TIMESTAMP→TIMESTAMPTZ (UTC), JSON→JSON,
 * GEOGRAPHY→VARCHAR (WKT). RECORD and REPEATED fields are refused (400): this fake does not hold nested data. Metadata
 * and rows are in the same database, so a load or a script transaction changes both or neither.
 *
 * <p>Served: datasets list/get/insert/delete; tables list/get/insert/patch/update/delete (with expirationTime, after
 * which the table is gone); tabledata.list and insertAll; jobs.insert for load jobs through a resumable upload (308 and
 * Range for chunks, {@code bytes *}{@code /total} status queries, gzip request bodies) or a multipart one, and for query
 * jobs; jobs.get; jobs.query; jobs.getQueryResults. Queries are GoogleSQL (useLegacySql must be false, as BigQuery's
 * default is legacy SQL) run in DuckDB after {@link FakeBigQuerySql} rewrites names and types; scripts of several
 * statements, BEGIN/COMMIT/ROLLBACK TRANSACTION, DROP TABLE and CREATE TABLE (column list or AS SELECT) are handled
 * here. A job's effects appear when it is DONE: with {@link #jobsRunFor(int)} a job answers PENDING then RUNNING for that
 * many polls and runs at the poll that answers DONE. Every error is Google's JSON error body.
 */
public final class FakeBigQuery implements AutoCloseable {
    /** A field of a table's schema; the type is kept canonical (INT64→INTEGER...), the mode defaults to NULLABLE. */
    public record Field(String name, String type, String mode) {
        public Field {
            Objects.requireNonNull(name, "name");
            type = canonicalType(type);
            mode = mode == null || mode.isBlank() ? "NULLABLE" : mode.toUpperCase(Locale.ROOT);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TYPES = Set.of("STRING", "BYTES", "INTEGER", "FLOAT", "NUMERIC", "BIGNUMERIC",
            "BOOLEAN", "TIMESTAMP", "DATE", "TIME", "DATETIME", "GEOGRAPHY", "JSON");
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final Pattern DROP = Pattern.compile("(?is)\\s*DROP\\s+TABLE\\s+(IF\\s+EXISTS\\s+)?(\\S+)\\s*");
    private static final Pattern CREATE = Pattern.compile(
            "(?is)\\s*CREATE\\s+(OR\\s+REPLACE\\s+)?TABLE\\s+(IF\\s+NOT\\s+EXISTS\\s+)?([`\\w.-]+)\\s*(\\((.*)\\))?\\s*(AS\\s+(.*))?");
    private static final Pattern TRANSACTION = Pattern.compile("(?is)\\s*(BEGIN|COMMIT|ROLLBACK)(\\s+TRANSACTION)?\\s*");
    private static final Pattern RANGE = Pattern.compile("bytes\\s+(?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)");

    private final Connection db;
    private final Path temp;
    private final HttpServer server;
    private final String root;
    private final List<String> requests = new ArrayList<>();
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final List<String> jobIds = new ArrayList<>();
    private final Map<String, Upload> uploads = new HashMap<>();
    private final List<Failure> failures = new ArrayList<>();
    private int failChunks;
    private int failChunkStatus;
    private int loadJobsDone;
    private int uploadChunks;
    private int runFor;
    private final Map<String, String> projects = new java.util.LinkedHashMap<>();
    private long nextStore;

    private FakeBigQuery() {
        try {
            // The driver itself, not DriverManager: a Quarkus test resource starts in a class loader DriverManager
            // does not trust with a driver it registered from another.
            db = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
            temp = Files.createTempDirectory("fake-bigquery");
            exec("SET TimeZone='UTC'");
            exec("CREATE TABLE bq_datasets (project VARCHAR, dataset VARCHAR, location VARCHAR, created BIGINT)");
            exec("CREATE TABLE bq_tables (project VARCHAR, dataset VARCHAR, tbl VARCHAR, store VARCHAR, schema VARCHAR,"
                    + " props VARCHAR, created BIGINT, modified BIGINT, expiration BIGINT)");
        } catch (SQLException | IOException e) {
            throw new IllegalStateException(e);
        }
        server = FakeHttp.serve(this::handle);
        root = FakeHttp.baseUrl(server) + "/";
    }

    public static FakeBigQuery start() {
        return new FakeBigQuery();
    }

    /** The root URL for {@code Bigquery.Builder#setRootUrl}: the API is under bigquery/v2/, uploads under upload/. */
    public String rootUrl() {
        return root;
    }

    @Override
    public synchronized void close() {
        server.stop(0);
        try {
            db.close();
            try (var files = Files.walk(temp)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- what tests set up and look at

    /** A project the account can see, listed by projects.list with its friendly name (besides those with datasets). */
    public synchronized void addProject(String project, String friendlyName) {
        projects.put(project, friendlyName);
    }

    /** projects.list: the projects added, and every project that has a dataset, in id order. */
    private synchronized ObjectNode listProjects() throws SQLException {
        java.util.TreeMap<String, String> all = new java.util.TreeMap<>(projects);
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT DISTINCT project FROM bq_datasets")) {
            while (rs.next()) {
                all.putIfAbsent(rs.getString(1), rs.getString(1));
            }
        }
        ObjectNode out = JSON.createObjectNode().put("kind", "bigquery#projectList").put("totalItems", all.size());
        ArrayNode list = out.putArray("projects");
        int n = 0;
        for (Map.Entry<String, String> p : all.entrySet()) {
            ObjectNode project = list.addObject().put("kind", "bigquery#project").put("id", p.getKey())
                    .put("numericId", String.valueOf(100000000000L + n++)).put("friendlyName", p.getValue());
            project.putObject("projectReference").put("projectId", p.getKey());
        }
        return out;
    }

    /**
     * The BigQuery writer's settings for this fake: uploads in chunks of {@code chunkBytes}, jobs polled and refusals
     * waited out every {@code wait} (tests and benchmarks need not wait a second).
     */
    public static io.rowflow.writer.bigquery.BigQueryConfig writerConfig(String rootUrl, int chunkBytes,
            java.time.Duration wait) {
        return new io.rowflow.writer.bigquery.BigQueryConfig() {
            @Override
            public String rootUrl() {
                return rootUrl;
            }

            @Override
            public int uploadChunkBytes() {
                return chunkBytes;
            }

            @Override
            public java.time.Duration pollInterval() {
                return wait;
            }

            @Override
            public java.time.Duration initialBackoff() {
                return wait;
            }

            @Override
            public int attempts() {
                return 6;
            }
        };
    }

    /**
     * The fake as a Quarkus test resource: one instance for the app under test, whose BigQuery root URL points at it
     * ({@link #running()} is that instance).
     */
    public static final class Resource implements io.quarkus.test.common.QuarkusTestResourceLifecycleManager {
        private static FakeBigQuery running;

        public static FakeBigQuery running() {
            return running;
        }

        @Override
        public Map<String, String> start() {
            running = FakeBigQuery.start();
            return Map.of("rowflow.bigquery.root-url", running.rootUrl(), "rowflow.bigquery.poll-interval", "20ms",
                    "rowflow.bigquery.initial-backoff", "20ms");
        }

        @Override
        public void stop() {
            if (running != null) {
                running.close();
            }
        }
    }

    public synchronized void createDataset(String project, String dataset, String location) {
        if (datasetLocation(project, dataset) != null) {
            throw new IllegalStateException("Already Exists: Dataset " + project + ":" + dataset);
        }
        sqlDo(() -> exec("INSERT INTO bq_datasets VALUES (?, ?, ?, ?)", project, dataset,
                location == null ? "US" : location, System.currentTimeMillis()));
    }

    public synchronized void createTable(String project, String dataset, String table, List<Field> schema) {
        ArrayNode fields = JSON.createArrayNode();
        schema.forEach(f -> fields.addObject().put("name", f.name()).put("type", f.type()).put("mode", f.mode()));
        ObjectNode resource = JSON.createObjectNode();
        resource.putObject("tableReference").put("projectId", project).put("datasetId", dataset).put("tableId", table);
        resource.putObject("schema").set("fields", fields);
        insertTable(project, dataset, resource);
    }

    /** Rows as a user would add them: keys are field names; values String, Long, BigDecimal, Double, Boolean, LocalDate, Instant... */
    public synchronized void insertRows(String project, String dataset, String table, List<Map<String, Object>> rows) {
        Table t = requireTable(project, dataset, table);
        sqlDo(() -> {
            for (Map<String, Object> row : rows) {
                insertRow(t, row);
            }
        });
    }

    public synchronized List<String> datasets(String project) {
        return sql(() -> select("SELECT dataset FROM bq_datasets WHERE project = ? ORDER BY dataset", rs -> rs.getString(1), project));
    }

    public synchronized List<String> tables(String project, String dataset) {
        purgeExpired();
        return sql(() -> select("SELECT tbl FROM bq_tables WHERE project = ? AND dataset = ? ORDER BY tbl",
                rs -> rs.getString(1), project, dataset));
    }

    public synchronized List<Field> schema(String project, String dataset, String table) {
        return requireTable(project, dataset, table).fields();
    }

    /** When the table expires (ms since the epoch), or null. */
    public synchronized Long expirationTime(String project, String dataset, String table) {
        return requireTable(project, dataset, table).expiration;
    }

    /**
     * The rows, {@code orderBy} being a DuckDB ORDER BY list of column names (null: as stored). Values: String (STRING,
     * JSON, GEOGRAPHY), Long, BigDecimal (NUMERIC, BIGNUMERIC, without trailing zeros), Double, Boolean, LocalDate,
     * Instant (TIMESTAMP), LocalDateTime (DATETIME), LocalTime, byte[].
     */
    public synchronized List<Map<String, Object>> rows(String project, String dataset, String table, String orderBy) {
        Table t = requireTable(project, dataset, table);
        List<Field> fields = t.fields();
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<Object> row : sql(() -> readRows(t, orderBy, 0, Long.MAX_VALUE))) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < fields.size(); i++) {
                map.put(fields.get(i).name(), row.get(i));
            }
            out.add(map);
        }
        return out;
    }

    public synchronized long rowCount(String project, String dataset, String table) {
        Table t = requireTable(project, dataset, table);
        return sql(() -> count(t));
    }

    /** Every job created, in order of creation (an upload's job is created when its last byte arrives). */
    public synchronized List<String> jobIds() {
        return List.copyOf(jobIds);
    }

    /** Load jobs that ended DONE without an error. */
    public synchronized int loadJobsDone() {
        return loadJobsDone;
    }

    /** Upload PUT requests that carried bytes (those failed on purpose included; status queries not). */
    public synchronized int uploadChunks() {
        return uploadChunks;
    }

    /**
     * The next {@code times} requests whose method is {@code method} and whose path (no query) contains a match of
     * {@code pathRegex} answer {@code status} with Google's error body of this reason, doing nothing else.
     */
    public synchronized void failNext(String method, String pathRegex, int times, int status, String reason) {
        failures.add(new Failure(method.toUpperCase(Locale.ROOT), Pattern.compile(pathRegex), times, status, reason));
    }

    /** The next {@code times} upload PUTs that carry bytes answer {@code status}; their bytes are dropped, the session kept. */
    public synchronized void failNextUploadChunk(int times, int status) {
        failChunks = times;
        failChunkStatus = status;
    }

    /** Jobs created from now on answer PENDING, then RUNNING for this many jobs.get polls, then run and answer DONE. */
    public synchronized void jobsRunFor(int polls) {
        runFor = polls;
    }

    /** "METHOD /path?query" of every request, in order. */
    public synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    // ---------------------------------------------------------------- the model

    private record Failure(String method, Pattern path, int[] left, int status, String reason) {
        Failure(String method, Pattern path, int times, int status, String reason) {
            this(method, path, new int[] { times }, status, reason);
        }
    }

    /** An error as Google answers it: HTTP status, reason, message (and where, for queries). */
    static final class BqError extends RuntimeException {
        final int code;
        final String reason;
        final String location;

        BqError(int code, String reason, String message) {
            this(code, reason, message, null);
        }

        BqError(int code, String reason, String message, String location) {
            super(message);
            this.code = code;
            this.reason = reason;
            this.location = location;
        }

        ObjectNode proto() {
            ObjectNode e = JSON.createObjectNode().put("reason", reason);
            if (location != null) {
                e.put("location", location);
            }
            return e.put("message", getMessage());
        }
    }

    private static BqError notFound(String what) {
        return new BqError(404, "notFound", "Not found: " + what);
    }

    private static BqError invalid(String message) {
        return new BqError(400, "invalid", message);
    }

    private record Table(String project, String dataset, String table, String store, ArrayNode schema, ObjectNode props,
            long created, long modified, Long expiration) {
        List<Field> fields() {
            List<Field> out = new ArrayList<>();
            schema.forEach(f -> out.add(new Field(f.get("name").asText(), f.get("type").asText(), f.get("mode").asText())));
            return out;
        }

        String ref() {
            return project + ":" + dataset + "." + table;
        }
    }

    private static final class Upload {
        String project;
        ObjectNode job;
        Path file;
        long received;
        String jobKey;
        BqError error;
    }

    private final class Job {
        String project;
        String id;
        String location;
        String type;
        ObjectNode configuration;
        String state = "PENDING";
        int pollsLeft;
        BqError error;
        long created = System.currentTimeMillis();
        Long started;
        Long ended;
        Path data;
        long dataBytes;
        long outputRows;
        Result result;

        String key() {
            return project + ":" + location + "." + id;
        }

        ObjectNode json() {
            ObjectNode j = JSON.createObjectNode().put("kind", "bigquery#job").put("id", key())
                    .put("selfLink", root + "bigquery/v2/projects/" + project + "/jobs/" + id + "?location=" + location)
                    .put("user_email", "rowflow-test@rowflow-test.iam.gserviceaccount.com");
            j.set("configuration", configuration);
            j.putObject("jobReference").put("projectId", project).put("jobId", id).put("location", location);
            ObjectNode stats = j.putObject("statistics").put("creationTime", Long.toString(created));
            if (started != null) {
                stats.put("startTime", Long.toString(started));
            }
            if (ended != null) {
                stats.put("endTime", Long.toString(ended));
            }
            if ("DONE".equals(state) && error == null && "LOAD".equals(type)) {
                stats.putObject("load").put("inputFiles", "1").put("inputFileBytes", Long.toString(dataBytes))
                        .put("outputRows", Long.toString(outputRows)).put("badRecords", "0");
            }
            if ("DONE".equals(state) && error == null && result != null) {
                ObjectNode q = stats.putObject("query").put("statementType", result.statementType)
                        .put("totalBytesProcessed", "0").put("cacheHit", false);
                if (result.affected != null) {
                    q.put("numDmlAffectedRows", Long.toString(result.affected));
                }
                if (result.schema != null) {
                    q.putObject("schema").set("fields", result.schema);
                }
            }
            ObjectNode status = j.putObject("status").put("state", state);
            if (error != null) {
                status.set("errorResult", error.proto());
                status.putArray("errors").add(error.proto());
            }
            return j;
        }
    }

    /** What a query answered: a schema and rows (SELECT), or a count of rows changed (DML). */
    private static final class Result {
        String statementType;
        ArrayNode schema;
        List<String> types = List.of();
        List<List<Object>> rows = List.of();
        Long affected;
    }

    // ---------------------------------------------------------------- HTTP

    private void handle(HttpExchange ex) throws IOException {
        try {
            synchronized (this) {
                String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
                String override = ex.getRequestHeaders().getFirst("X-HTTP-Method-Override");
                if (method.equals("POST") && override != null) {
                    method = override.toUpperCase(Locale.ROOT); // how java.net clients send PATCH
                }
                String path = ex.getRequestURI().getRawPath();
                String rawQuery = ex.getRequestURI().getRawQuery();
                requests.add(method + " " + path + (rawQuery == null ? "" : "?" + rawQuery));
                purgeExpired();
                for (Failure f : failures) {
                    if (f.left[0] > 0 && f.method.equals(method) && f.path.matcher(path).find()) {
                        f.left[0]--;
                        throw new BqError(f.status, f.reason, failureMessage(f.status, f.reason));
                    }
                }
                route(ex, method, path, FakeHttp.query(rawQuery));
            }
        } catch (BqError e) {
            drain(ex);
            error(ex, e);
        } catch (Exception e) {
            drain(ex);
            error(ex, new BqError(500, "backendError", "FakeBigQuery failed: " + e));
        } finally {
            ex.close();
        }
    }

    private static String failureMessage(int status, String reason) {
        return switch (reason) {
            case "rateLimitExceeded" -> "Exceeded rate limits: too many api requests per user per method for this user_method.";
            case "quotaExceeded" -> "Quota exceeded: Your table exceeded quota for imports or query appends per table.";
            case "backendError" -> "Error encountered during execution. Retrying may solve the problem.";
            default -> "Request failed with status " + status + " (" + reason + ")";
        };
    }

    private static void error(HttpExchange ex, BqError e) throws IOException {
        String domain = e.reason.equals("rateLimitExceeded") || e.reason.equals("quotaExceeded") ? "usageLimits" : "global";
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error").put("code", e.code).put("message", e.getMessage());
        ObjectNode item = error.putArray("errors").addObject().put("message", e.getMessage()).put("domain", domain)
                .put("reason", e.reason);
        if (e.location != null) {
            item.put("location", e.location).put("locationType", "other");
        }
        error.put("status", statusName(e.code));
        FakeHttp.json(ex, e.code, body, Map.of());
    }

    private static String statusName(int code) {
        return switch (code) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ALREADY_EXISTS";
            case 412 -> "FAILED_PRECONDITION";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 501 -> "NOT_IMPLEMENTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> code >= 500 ? "INTERNAL" : "UNKNOWN";
        };
    }

    private static InputStream in(HttpExchange ex) throws IOException {
        String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
        InputStream body = ex.getRequestBody();
        return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("gzip") ? new GZIPInputStream(body) : body;
    }

    private static void drain(HttpExchange ex) {
        try {
            ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private static ObjectNode body(HttpExchange ex) throws IOException {
        byte[] bytes = in(ex).readAllBytes();
        if (bytes.length == 0) {
            return JSON.createObjectNode();
        }
        JsonNode node = JSON.readTree(bytes);
        if (!(node instanceof ObjectNode o)) {
            throw invalid("Invalid JSON payload received.");
        }
        return o;
    }

    private static void ok(HttpExchange ex, JsonNode body) throws IOException {
        FakeHttp.json(ex, 200, body, Map.of());
    }

    private static void noContent(HttpExchange ex) throws IOException {
        ex.sendResponseHeaders(204, -1);
    }

    private void route(HttpExchange ex, String method, String path, Map<String, String> q) throws Exception {
        List<String> s = new ArrayList<>();
        for (String part : path.substring(1).split("/")) {
            s.add(URLDecoder.decode(part, StandardCharsets.UTF_8));
        }
        if (s.size() == 6 && s.get(0).equals("upload") && s.get(1).equals("bigquery") && s.get(2).equals("v2")
                && s.get(3).equals("projects") && s.get(5).equals("jobs")) {
            upload(ex, method, s.get(4), q);
            return;
        }
        if (s.size() == 3 && method.equals("GET") && s.get(0).equals("bigquery") && s.get(2).equals("projects")) {
            ok(ex, listProjects());
            return;
        }
        if (s.size() < 5 || !s.get(0).equals("bigquery") || !s.get(1).equals("v2") || !s.get(2).equals("projects")) {
            throw notFound("URL " + path);
        }
        String p = s.get(3);
        List<String> r = s.subList(4, s.size());
        String head = r.get(0);
        if (head.equals("datasets")) {
            switch (method + " " + r.size() + (r.size() > 2 ? r.get(2) : "") + (r.size() > 4 ? r.get(4) : "")) {
                case "GET 1" -> ok(ex, listDatasets(p));
                case "POST 1" -> ok(ex, insertDataset(p, body(ex)));
                case "GET 2" -> ok(ex, datasetJson(p, r.get(1)));
                case "DELETE 2" -> {
                    deleteDataset(p, r.get(1), "true".equals(q.get("deleteContents")));
                    noContent(ex);
                }
                case "GET 3tables" -> ok(ex, listTables(p, r.get(1), q));
                case "POST 3tables" -> ok(ex, tableJson(insertTable(p, r.get(1), body(ex))));
                case "GET 4tables" -> ok(ex, tableJson(requireTable(p, r.get(1), r.get(3))));
                case "PATCH 4tables", "PUT 4tables" -> ok(ex, tableJson(patchTable(p, r.get(1), r.get(3), body(ex))));
                case "DELETE 4tables" -> {
                    deleteTable(requireTable(p, r.get(1), r.get(3)));
                    noContent(ex);
                }
                case "GET 5tablesdata" -> ok(ex, tableData(requireTable(p, r.get(1), r.get(3)), q));
                case "POST 5tablesinsertAll" -> ok(ex, insertAll(requireTable(p, r.get(1), r.get(3)), body(ex)));
                default -> throw notFound("URL " + path);
            }
            return;
        }
        if (head.equals("jobs") && r.size() == 1 && method.equals("POST")) {
            ObjectNode job = body(ex);
            if (job.path("configuration").has("load")) {
                throw invalid("FakeBigQuery: a load job needs its data uploaded (upload/bigquery/v2/...); sourceUris are not read");
            }
            ok(ex, createJob(p, job, null, 0).json());
            return;
        }
        if (head.equals("jobs") && r.size() == 2 && method.equals("GET")) {
            Job job = findJob(p, r.get(1), q.get("location"));
            advance(job);
            ok(ex, job.json());
            return;
        }
        if (head.equals("queries") && r.size() == 1 && method.equals("POST")) {
            ok(ex, query(p, body(ex)));
            return;
        }
        if (head.equals("queries") && r.size() == 2 && method.equals("GET")) {
            Job job = findJob(p, r.get(1), q.get("location"));
            advance(job);
            ok(ex, queryResponse(job, "bigquery#getQueryResultsResponse", q.containsKey("maxResults")
                    ? Long.parseLong(q.get("maxResults")) : Long.MAX_VALUE, q.containsKey("startIndex")
                    ? Long.parseLong(q.get("startIndex")) : q.containsKey("pageToken") ? Long.parseLong(q.get("pageToken")) : 0,
                    timestampFormat(q.get("formatOptions.useInt64Timestamp"), q.get("formatOptions.timestampOutputFormat"))));
            return;
        }
        throw notFound("URL " + path);
    }

    // ---------------------------------------------------------------- datasets and tables

    private String datasetLocation(String project, String dataset) {
        List<String> found = sql(() -> select("SELECT location FROM bq_datasets WHERE project = ? AND dataset = ?",
                rs -> rs.getString(1), project, dataset));
        return found.isEmpty() ? null : found.get(0);
    }

    private String requireDataset(String project, String dataset) {
        String location = datasetLocation(project, dataset);
        if (location == null) {
            throw notFound("Dataset " + project + ":" + dataset);
        }
        return location;
    }

    private ObjectNode datasetJson(String project, String dataset) {
        String location = requireDataset(project, dataset);
        long created = sql(() -> select("SELECT created FROM bq_datasets WHERE project = ? AND dataset = ?",
                rs -> rs.getLong(1), project, dataset)).get(0);
        ObjectNode d = JSON.createObjectNode().put("kind", "bigquery#dataset").put("id", project + ":" + dataset)
                .put("selfLink", root + "bigquery/v2/projects/" + project + "/datasets/" + dataset);
        d.putObject("datasetReference").put("datasetId", dataset).put("projectId", project);
        return d.put("location", location).put("creationTime", Long.toString(created))
                .put("lastModifiedTime", Long.toString(created)).put("type", "DEFAULT");
    }

    private ObjectNode listDatasets(String project) {
        ObjectNode out = JSON.createObjectNode().put("kind", "bigquery#datasetList");
        List<String> names = datasets(project);
        if (!names.isEmpty()) {
            ArrayNode list = out.putArray("datasets");
            for (String d : names) {
                ObjectNode full = datasetJson(project, d);
                ObjectNode item = list.addObject().put("kind", "bigquery#dataset").put("id", project + ":" + d);
                item.set("datasetReference", full.get("datasetReference"));
                item.put("location", full.get("location").asText()).put("type", "DEFAULT");
            }
        }
        return out;
    }

    private ObjectNode insertDataset(String project, ObjectNode body) {
        JsonNode ref = body.get("datasetReference");
        if (ref == null || !ref.hasNonNull("datasetId")) {
            throw invalid("Required parameter is missing: datasetReference.datasetId");
        }
        String dataset = ref.get("datasetId").asText();
        String p = ref.path("projectId").asText(project);
        if (datasetLocation(p, dataset) != null) {
            throw new BqError(409, "duplicate", "Already Exists: Dataset " + p + ":" + dataset);
        }
        createDataset(p, dataset, body.path("location").asText("US"));
        return datasetJson(p, dataset);
    }

    private void deleteDataset(String project, String dataset, boolean contents) {
        requireDataset(project, dataset);
        List<String> names = tables(project, dataset);
        if (!names.isEmpty() && !contents) {
            throw new BqError(400, "resourceInUse", "Dataset " + project + ":" + dataset + " is still in use");
        }
        sqlDo(() -> {
            for (String t : names) {
                dropTable(requireTable(project, dataset, t));
            }
            exec("DELETE FROM bq_datasets WHERE project = ? AND dataset = ?", project, dataset);
        });
    }

    private Table findTable(String project, String dataset, String table) {
        List<Table> found = sql(() -> select("SELECT project, dataset, tbl, store, schema, props, created, modified, expiration"
                + " FROM bq_tables WHERE project = ? AND dataset = ? AND tbl = ?", rs -> new Table(rs.getString(1),
                        rs.getString(2), rs.getString(3), rs.getString(4), (ArrayNode) JSON.readTree(rs.getString(5)),
                        (ObjectNode) JSON.readTree(rs.getString(6)), rs.getLong(7), rs.getLong(8),
                        rs.getObject(9) == null ? null : rs.getLong(9)), project, dataset, table));
        return found.isEmpty() ? null : found.get(0);
    }

    private Table requireTable(String project, String dataset, String table) {
        purgeExpired();
        requireDataset(project, dataset);
        Table t = findTable(project, dataset, table);
        if (t == null) {
            throw notFound("Table " + project + ":" + dataset + "." + table);
        }
        return t;
    }

    private void purgeExpired() {
        sqlDo(() -> {
            for (String store : select("SELECT store FROM bq_tables WHERE expiration IS NOT NULL AND expiration <= ?",
                    rs -> rs.getString(1), System.currentTimeMillis())) {
                exec("DROP TABLE IF EXISTS " + FakeBigQuerySql.quote(store));
                exec("DELETE FROM bq_tables WHERE store = ?", store);
            }
        });
    }

    private ObjectNode tableJson(Table t) {
        ObjectNode j = JSON.createObjectNode().put("kind", "bigquery#table").put("id", t.ref())
                .put("selfLink", root + "bigquery/v2/projects/" + t.project + "/datasets/" + t.dataset + "/tables/" + t.table);
        j.putObject("tableReference").put("projectId", t.project).put("datasetId", t.dataset).put("tableId", t.table);
        j.setAll(t.props.deepCopy());
        j.putObject("schema").set("fields", t.schema.deepCopy());
        long rows = sql(() -> count(t));
        j.put("numRows", Long.toString(rows)).put("numBytes", "0").put("creationTime", Long.toString(t.created))
                .put("lastModifiedTime", Long.toString(t.modified)).put("type", "TABLE")
                .put("location", datasetLocation(t.project, t.dataset));
        if (t.expiration != null) {
            j.put("expirationTime", Long.toString(t.expiration));
        }
        return j;
    }

    private ObjectNode listTables(String project, String dataset, Map<String, String> q) {
        requireDataset(project, dataset);
        List<String> names = tables(project, dataset);
        int from = q.containsKey("pageToken") ? Integer.parseInt(q.get("pageToken")) : 0;
        int max = q.containsKey("maxResults") ? Integer.parseInt(q.get("maxResults")) : Integer.MAX_VALUE;
        ObjectNode out = JSON.createObjectNode().put("kind", "bigquery#tableList").put("totalItems", names.size());
        int to = (int) Math.min(names.size(), (long) from + max);
        if (to > from) {
            ArrayNode list = out.putArray("tables");
            for (String name : names.subList(from, to)) {
                Table t = findTable(project, dataset, name);
                ObjectNode item = list.addObject().put("kind", "bigquery#table").put("id", t.ref());
                item.putObject("tableReference").put("projectId", project).put("datasetId", dataset).put("tableId", name);
                item.put("type", "TABLE").put("creationTime", Long.toString(t.created));
                if (t.expiration != null) {
                    item.put("expirationTime", Long.toString(t.expiration));
                }
            }
        }
        if (to < names.size()) {
            out.put("nextPageToken", Integer.toString(to));
        }
        return out;
    }

    /** Properties kept as sent and echoed by tables.get. */
    private static ObjectNode props(ObjectNode resource, ObjectNode into) {
        for (String key : List.of("description", "friendlyName", "labels", "timePartitioning", "clustering")) {
            if (resource.has(key)) {
                into.set(key, resource.get(key));
            }
        }
        return into;
    }

    private static Long expiration(JsonNode resource, Long otherwise) {
        JsonNode e = resource.get("expirationTime");
        return e == null ? otherwise : e.isNull() ? null : Long.valueOf(e.asText());
    }

    private Table insertTable(String project, String dataset, ObjectNode resource) {
        JsonNode ref = resource.get("tableReference");
        if (ref == null || !ref.hasNonNull("tableId")) {
            throw invalid("Required parameter is missing: tableReference.tableId");
        }
        String p = ref.path("projectId").asText(project);
        String d = ref.path("datasetId").asText(dataset);
        String name = ref.get("tableId").asText();
        requireDataset(p, d);
        if (findTable(p, d, name) != null) {
            throw new BqError(409, "duplicate", "Already Exists: Table " + p + ":" + d + "." + name);
        }
        ArrayNode schema = normalize(resource.path("schema").get("fields"));
        ObjectNode props = props(resource, JSON.createObjectNode());
        Long expiration = expiration(resource, null);
        return sql(() -> createTableNow(p, d, name, schema, props, expiration));
    }

    private Table createTableNow(String p, String d, String name, ArrayNode schema, ObjectNode props, Long expiration)
            throws SQLException {
        String store = "bq_t" + (++nextStore);
        createStore(store, schema);
        long now = System.currentTimeMillis();
        exec("INSERT INTO bq_tables VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", p, d, name, store, schema.toString(),
                props.toString(), now, now, expiration);
        return findTable(p, d, name);
    }

    private void createStore(String store, ArrayNode schema) throws SQLException {
        List<String> columns = new ArrayList<>();
        for (JsonNode f : schema) {
            columns.add(FakeBigQuerySql.quote(f.get("name").asText()) + " " + duckType(f.get("type").asText())
                    + ("REQUIRED".equals(f.get("mode").asText()) ? " NOT NULL" : ""));
        }
        if (columns.isEmpty()) {
            columns.add("\"_fake_no_schema\" BOOLEAN");
        }
        exec("CREATE TABLE " + FakeBigQuerySql.quote(store) + " (" + String.join(", ", columns) + ")");
    }

    private void dropTable(Table t) throws SQLException {
        exec("DROP TABLE IF EXISTS " + FakeBigQuerySql.quote(t.store));
        exec("DELETE FROM bq_tables WHERE store = ?", t.store);
    }

    private void deleteTable(Table t) {
        sqlDo(() -> dropTable(t));
    }

    private void saveSchema(Table t, ArrayNode schema, ObjectNode props, Long expiration) throws SQLException {
        exec("UPDATE bq_tables SET schema = ?, props = ?, modified = ?, expiration = ? WHERE store = ?", schema.toString(),
                props.toString(), System.currentTimeMillis(), expiration, t.store);
    }

    private Table patchTable(String project, String dataset, String table, ObjectNode resource) {
        Table t = requireTable(project, dataset, table);
        ArrayNode schema = t.schema;
        if (resource.has("schema")) {
            ArrayNode wanted = normalize(resource.path("schema").get("fields"));
            Map<String, JsonNode> now = byName(t.schema);
            Set<String> kept = new HashSet<>();
            for (JsonNode f : wanted) {
                String name = f.get("name").asText();
                JsonNode old = now.get(name.toLowerCase(Locale.ROOT));
                if (old == null) {
                    if ("REQUIRED".equals(f.get("mode").asText())) {
                        throw invalid("Provided Schema does not match Table " + t.ref()
                                + ". Cannot add required fields to an existing schema. (field: " + name + ")");
                    }
                    continue;
                }
                kept.add(name.toLowerCase(Locale.ROOT));
                checkSameType(t, old, f);
                if ("NULLABLE".equals(old.get("mode").asText()) && "REQUIRED".equals(f.get("mode").asText())) {
                    throw invalid("Provided Schema does not match Table " + t.ref() + ". Field " + name
                            + " has changed mode from NULLABLE to REQUIRED");
                }
            }
            for (JsonNode old : t.schema) {
                if (!kept.contains(old.get("name").asText().toLowerCase(Locale.ROOT))) {
                    throw invalid("Provided Schema does not match Table " + t.ref() + ". Field "
                            + old.get("name").asText() + " is missing in new schema");
                }
            }
            schema = wanted;
        }
        ArrayNode newSchema = schema;
        ObjectNode props = props(resource, t.props.deepCopy());
        Long expiration = expiration(resource, t.expiration);
        sqlDo(() -> inTransaction(() -> {
            alterTo(t, newSchema);
            saveSchema(t, newSchema, props, expiration);
        }));
        return findTable(project, dataset, table);
    }

    private static void checkSameType(Table t, JsonNode old, JsonNode now) {
        if (!old.get("type").asText().equals(now.get("type").asText())) {
            throw invalid("Provided Schema does not match Table " + t.ref() + ". Field " + now.get("name").asText()
                    + " has changed type from " + old.get("type").asText() + " to " + now.get("type").asText());
        }
    }

    /** The DuckDB table made to hold {@code schema}: fields added, REQUIRED relaxed (what BigQuery lets change). */
    private void alterTo(Table t, ArrayNode schema) throws SQLException {
        Map<String, JsonNode> now = byName(t.schema);
        if (t.schema.isEmpty() && !schema.isEmpty()) {
            exec("DROP TABLE " + FakeBigQuerySql.quote(t.store));
            createStore(t.store, schema);
            return;
        }
        for (JsonNode f : schema) {
            String name = f.get("name").asText();
            JsonNode old = now.get(name.toLowerCase(Locale.ROOT));
            String column = FakeBigQuerySql.quote(name);
            if (old == null) {
                exec("ALTER TABLE " + FakeBigQuerySql.quote(t.store) + " ADD COLUMN " + column + " " + duckType(f.get("type").asText()));
            } else if ("REQUIRED".equals(old.get("mode").asText()) && "NULLABLE".equals(f.get("mode").asText())) {
                exec("ALTER TABLE " + FakeBigQuerySql.quote(t.store) + " ALTER COLUMN " + column + " DROP NOT NULL");
            }
        }
    }

    private static Map<String, JsonNode> byName(ArrayNode schema) {
        Map<String, JsonNode> map = new LinkedHashMap<>();
        schema.forEach(f -> map.put(f.get("name").asText().toLowerCase(Locale.ROOT), f));
        return map;
    }

    /** A schema's fields as BigQuery keeps them: canonical type names, a mode on every field. */
    private static ArrayNode normalize(JsonNode fields) {
        ArrayNode out = JSON.createArrayNode();
        if (fields == null || fields.isNull()) {
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode f : fields) {
            String name = f.path("name").asText("");
            if (name.isEmpty()) {
                throw invalid("Empty name for a field of the schema.");
            }
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                throw invalid("Field " + name + " already exists in schema");
            }
            String type = canonicalType(f.path("type").asText(null));
            if (type == null) {
                throw invalid("Field " + name + " has no type.");
            }
            if (!TYPES.contains(type)) {
                throw invalid(type.equals("RECORD") || type.equals("RANGE") || type.equals("INTERVAL")
                        ? "FakeBigQuery does not hold " + type + " fields (field: " + name + ")"
                        : "Invalid value for type: " + type + " is not a valid value");
            }
            String mode = f.path("mode").asText("NULLABLE").toUpperCase(Locale.ROOT);
            if (mode.equals("REPEATED")) {
                throw invalid("FakeBigQuery does not hold REPEATED fields (field: " + name + ")");
            }
            if (!mode.equals("NULLABLE") && !mode.equals("REQUIRED")) {
                throw invalid("Invalid value for mode: " + mode + " is not a valid value");
            }
            ObjectNode g = ((ObjectNode) f).deepCopy();
            g.put("name", name).put("type", type).put("mode", mode);
            out.add(g);
        }
        return out;
    }

    static String canonicalType(String type) {
        if (type == null) {
            return null;
        }
        String t = type.trim().toUpperCase(Locale.ROOT);
        return switch (t) {
            case "INT64" -> "INTEGER";
            case "FLOAT64" -> "FLOAT";
            case "BOOL" -> "BOOLEAN";
            case "STRUCT" -> "RECORD";
            case "DECIMAL" -> "NUMERIC";
            case "BIGDECIMAL" -> "BIGNUMERIC";
            default -> t;
        };
    }

    private static String duckType(String bqType) {
        return switch (bqType) {
            case "STRING", "GEOGRAPHY" -> "VARCHAR";
            case "BYTES" -> "BLOB";
            case "INTEGER" -> "BIGINT";
            case "FLOAT" -> "DOUBLE";
            case "NUMERIC" -> "DECIMAL(38,9)";
            case "BIGNUMERIC" -> "DECIMAL(38,18)";
            case "BOOLEAN" -> "BOOLEAN";
            case "TIMESTAMP" -> "TIMESTAMPTZ";
            case "DATE" -> "DATE";
            case "TIME" -> "TIME";
            case "DATETIME" -> "TIMESTAMP";
            case "JSON" -> "JSON";
            default -> throw invalid("FakeBigQuery does not hold " + bqType);
        };
    }

    /** The BigQuery type of a DuckDB column type (query results, Parquet files), or null when there is none. */
    private static String bqType(String duck) {
        String t = duck.toUpperCase(Locale.ROOT);
        if (t.startsWith("DECIMAL")) {
            Matcher m = Pattern.compile("DECIMAL\\((\\d+),(\\d+)\\)").matcher(t);
            if (m.matches()) {
                int precision = Integer.parseInt(m.group(1));
                int scale = Integer.parseInt(m.group(2));
                return scale <= 9 && precision - scale <= 29 ? "NUMERIC" : "BIGNUMERIC";
            }
            return "NUMERIC";
        }
        return switch (t) {
            case "VARCHAR" -> "STRING";
            case "BLOB" -> "BYTES";
            case "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT", "HUGEINT" -> "INTEGER";
            case "DOUBLE", "FLOAT" -> "FLOAT";
            case "BOOLEAN" -> "BOOLEAN";
            case "TIMESTAMP WITH TIME ZONE" -> "TIMESTAMP";
            case "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S" -> "DATETIME";
            case "DATE" -> "DATE";
            case "TIME" -> "TIME";
            case "JSON" -> "JSON";
            case "\"NULL\"", "NULL" -> "STRING";
            default -> null;
        };
    }

    /**
     * Whether a file column of this BigQuery type (as the file describes it) loads into a field of that type: Google's
     * Parquet conversions (INT→INTEGER, DECIMAL→NUMERIC/BIGNUMERIC/STRING, STRING→STRING/JSON/GEOGRAPHY,
     * TIMESTAMP→TIMESTAMP, local timestamp→DATETIME or TIMESTAMP...), nothing looser.
     */
    private static boolean loadsInto(String fileType, String fieldType) {
        if (fileType.equals(fieldType)) {
            return true;
        }
        return switch (fileType) {
            case "NUMERIC", "BIGNUMERIC" -> Set.of("NUMERIC", "BIGNUMERIC", "STRING").contains(fieldType);
            case "STRING" -> Set.of("JSON", "GEOGRAPHY").contains(fieldType);
            case "JSON" -> fieldType.equals("STRING");
            case "BYTES" -> fieldType.equals("GEOGRAPHY");
            case "DATETIME" -> fieldType.equals("TIMESTAMP");
            default -> false;
        };
    }

    // ---------------------------------------------------------------- rows

    private long count(Table t) throws SQLException {
        return select("SELECT count(*) FROM " + FakeBigQuerySql.quote(t.store), rs -> rs.getLong(1)).get(0);
    }

    private List<List<Object>> readRows(Table t, String orderBy, long offset, long limit) throws SQLException {
        List<Field> fields = t.fields();
        if (fields.isEmpty()) {
            return new ArrayList<>();
        }
        List<String> columns = fields.stream().map(f -> FakeBigQuerySql.quote(f.name())).toList();
        List<String> types = fields.stream().map(Field::type).toList();
        String sql = "SELECT " + String.join(", ", columns) + " FROM " + FakeBigQuerySql.quote(t.store)
                + (orderBy == null ? "" : " ORDER BY " + orderBy)
                + (limit == Long.MAX_VALUE ? "" : " LIMIT " + limit) + (offset > 0 ? " OFFSET " + offset : "");
        return select(sql, rs -> row(rs, types));
    }

    private static List<Object> row(ResultSet rs, List<String> types) throws SQLException {
        List<Object> row = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            row.add(value(rs, i + 1, types.get(i)));
        }
        return row;
    }

    private static Object value(ResultSet rs, int i, String type) throws SQLException {
        Object o = rs.getObject(i);
        if (o == null) {
            return null;
        }
        return switch (type) {
            case "INTEGER" -> ((Number) o).longValue();
            case "FLOAT" -> ((Number) o).doubleValue();
            case "NUMERIC", "BIGNUMERIC" -> canonical(rs.getBigDecimal(i));
            case "BOOLEAN" -> rs.getBoolean(i);
            case "DATE" -> rs.getObject(i, LocalDate.class);
            case "TIMESTAMP" -> rs.getObject(i, OffsetDateTime.class).toInstant();
            case "DATETIME" -> rs.getObject(i, LocalDateTime.class);
            case "TIME" -> rs.getObject(i, LocalTime.class);
            case "BYTES" -> rs.getBytes(i);
            default -> rs.getString(i);
        };
    }

    private static BigDecimal canonical(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    enum TimestampFormat { FLOAT64, INT64, ISO8601_STRING }

    private static TimestampFormat timestampFormat(String useInt64, String format) {
        if (format != null && !format.isEmpty() && !format.equals("TIMESTAMP_OUTPUT_FORMAT_UNSPECIFIED")) {
            return TimestampFormat.valueOf(format);
        }
        return "true".equals(useInt64) ? TimestampFormat.INT64 : TimestampFormat.FLOAT64;
    }

    /** A value as the REST API renders it in {"f":[{"v":...}]}: INT64, NUMERIC and TIMESTAMP are strings too. */
    private static String rest(Object v, String type, TimestampFormat timestamps) {
        if (v == null) {
            return null;
        }
        return switch (type) {
            case "NUMERIC", "BIGNUMERIC" -> ((BigDecimal) v).toPlainString();
            case "TIMESTAMP" -> {
                Instant at = (Instant) v;
                long micros = ChronoUnit.MICROS.between(Instant.EPOCH, at);
                yield switch (timestamps) {
                    case INT64 -> Long.toString(micros);
                    case ISO8601_STRING -> DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
                            .format(at.atOffset(ZoneOffset.UTC));
                    case FLOAT64 -> Double.toString(micros / 1e6);
                };
            }
            case "DATETIME" -> {
                LocalDateTime d = (LocalDateTime) v;
                yield DATETIME.format(d) + (d.getNano() == 0 ? "" : String.format(".%06d", d.getNano() / 1000));
            }
            case "TIME" -> {
                LocalTime t = (LocalTime) v;
                yield String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond())
                        + (t.getNano() == 0 ? "" : String.format(".%06d", t.getNano() / 1000));
            }
            case "BYTES" -> Base64.getEncoder().encodeToString((byte[]) v);
            default -> v.toString();
        };
    }

    private static ArrayNode restRows(List<List<Object>> rows, List<String> types, TimestampFormat timestamps) {
        ArrayNode out = JSON.createArrayNode();
        for (List<Object> row : rows) {
            ArrayNode f = out.addObject().putArray("f");
            for (int i = 0; i < types.size(); i++) {
                f.addObject().put("v", rest(row.get(i), types.get(i), timestamps));
            }
        }
        return out;
    }

    private ObjectNode tableData(Table t, Map<String, String> q) {
        long start = q.containsKey("startIndex") ? Long.parseLong(q.get("startIndex"))
                : q.containsKey("pageToken") ? Long.parseLong(q.get("pageToken")) : 0;
        long max = q.containsKey("maxResults") ? Long.parseLong(q.get("maxResults")) : Long.MAX_VALUE;
        long total = sql(() -> count(t));
        List<List<Object>> rows = sql(() -> readRows(t, null, start, max));
        ObjectNode out = JSON.createObjectNode().put("kind", "bigquery#tableDataList").put("totalRows", Long.toString(total));
        if (start + rows.size() < total) {
            out.put("pageToken", Long.toString(start + rows.size()));
        }
        if (!rows.isEmpty()) {
            out.set("rows", restRows(rows, t.fields().stream().map(Field::type).toList(),
                    timestampFormat(q.get("formatOptions.useInt64Timestamp"), q.get("formatOptions.timestampOutputFormat"))));
        }
        return out;
    }

    private void insertRow(Table t, Map<String, Object> row) throws SQLException {
        Map<String, JsonNode> fields = byName(t.schema);
        List<String> columns = new ArrayList<>();
        List<String> values = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        for (Map.Entry<String, Object> e : row.entrySet()) {
            JsonNode f = fields.get(e.getKey().toLowerCase(Locale.ROOT));
            if (f == null) {
                throw invalid("no such field: " + e.getKey() + ".");
            }
            columns.add(FakeBigQuerySql.quote(f.get("name").asText()));
            Object v = e.getValue();
            if (v instanceof byte[] || v == null) {
                values.add("?");
                params.add(v);
            } else {
                values.add("CAST(? AS " + duckType(f.get("type").asText()) + ")");
                params.add(v instanceof BigDecimal d ? d.toPlainString()
                        : v instanceof Map<?, ?> || v instanceof List<?> ? JSON.valueToTree(v).toString()
                        : v instanceof JsonNode j ? j.toString() : v.toString());
            }
        }
        if (columns.isEmpty()) {
            exec("INSERT INTO " + FakeBigQuerySql.quote(t.store) + " DEFAULT VALUES");
            return;
        }
        exec("INSERT INTO " + FakeBigQuerySql.quote(t.store) + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", values) + ")", params.toArray());
    }

    /** tabledata.insertAll: HTTP 200 even when rows fail, each failure under insertErrors (all rows or none, here). */
    private ObjectNode insertAll(Table t, ObjectNode body) {
        ObjectNode out = JSON.createObjectNode().put("kind", "bigquery#tableDataInsertAllResponse");
        ArrayNode errors = JSON.createArrayNode();
        JsonNode rows = body.path("rows");
        boolean ignoreUnknown = body.path("ignoreUnknownValues").asBoolean(false);
        Map<String, JsonNode> fields = byName(t.schema);
        List<Map<String, Object>> accepted = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            JsonNode json = rows.get(i).path("json");
            for (var e : json.properties()) {
                if (!fields.containsKey(e.getKey().toLowerCase(Locale.ROOT))) {
                    if (!ignoreUnknown) {
                        errors.addObject().put("index", i).putArray("errors").addObject().put("reason", "invalid")
                                .put("location", e.getKey()).put("message", "no such field: " + e.getKey() + ".");
                    }
                    continue;
                }
                JsonNode v = e.getValue();
                row.put(e.getKey(), v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString());
            }
            accepted.add(row);
        }
        if (errors.isEmpty()) {
            try {
                sqlDo(() -> inTransaction(() -> {
                    for (Map<String, Object> row : accepted) {
                        insertRow(t, row);
                    }
                }));
            } catch (RuntimeException e) {
                errors.addObject().put("index", 0).putArray("errors").addObject().put("reason", "invalid")
                        .put("message", e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            out.set("insertErrors", errors);
        }
        return out;
    }

    // ---------------------------------------------------------------- jobs

    private Job findJob(String project, String jobId, String location) {
        for (Job j : jobs.values()) {
            if (j.project.equals(project) && j.id.equals(jobId)) {
                if (location != null && !location.isEmpty() && !location.equalsIgnoreCase(j.location)) {
                    break;
                }
                return j;
            }
        }
        throw notFound("Job " + project + ":" + (location == null || location.isEmpty() ? "US" : location) + "." + jobId);
    }

    private Job existing(String project, String jobId) {
        for (Job j : jobs.values()) {
            if (j.project.equals(project) && j.id.equals(jobId)) {
                return j;
            }
        }
        return null;
    }

    /** Creates a job (409 when its id exists, doing nothing) and runs it now unless jobsRunFor asks for polls first. */
    private Job createJob(String project, ObjectNode resource, Path data, long dataBytes) {
        ObjectNode configuration = resource.has("configuration") ? ((ObjectNode) resource.get("configuration")).deepCopy()
                : JSON.createObjectNode();
        JsonNode ref = resource.path("jobReference");
        String id = ref.path("jobId").asText("");
        if (id.isEmpty()) {
            id = "job_" + UUID.randomUUID().toString().replace("-", "");
        }
        String type;
        String location = ref.path("location").asText("");
        if (configuration.has("load")) {
            type = "LOAD";
            JsonNode dest = configuration.path("load").path("destinationTable");
            if (!dest.hasNonNull("tableId") || !dest.hasNonNull("datasetId")) {
                throw invalid("Required parameter is missing: configuration.load.destinationTable");
            }
            if (location.isEmpty()) {
                location = Objects.requireNonNullElse(datasetLocation(dest.path("projectId").asText(project),
                        dest.get("datasetId").asText()), "US");
            }
        } else if (configuration.has("query")) {
            type = "QUERY";
            if (location.isEmpty()) {
                location = queryLocation(project, configuration.path("query").path("query").asText(""));
            }
        } else {
            throw invalid(configuration.has("copy") || configuration.has("extract")
                    ? "FakeBigQuery runs load and query jobs only" : "Required parameter is missing: configuration");
        }
        Job old = existing(project, id);
        if (old != null) {
            throw new BqError(409, "duplicate", "Already Exists: Job " + old.key());
        }
        configuration.put("jobType", type);
        Job job = new Job();
        job.project = project;
        job.id = id;
        job.location = location;
        job.type = type;
        job.configuration = configuration;
        job.data = data;
        job.dataBytes = dataBytes;
        job.pollsLeft = runFor;
        jobs.put(job.key(), job);
        jobIds.add(id);
        if (job.pollsLeft == 0) {
            run(job);
        }
        return job;
    }

    /** A poll: a job not DONE counts down its RUNNING polls, then runs. */
    private void advance(Job job) {
        if (job.state.equals("DONE")) {
            return;
        }
        if (job.pollsLeft > 0) {
            job.pollsLeft--;
            job.state = "RUNNING";
            if (job.started == null) {
                job.started = System.currentTimeMillis();
            }
            return;
        }
        run(job);
    }

    private void run(Job job) {
        if (job.started == null) {
            job.started = System.currentTimeMillis();
        }
        try {
            if (job.type.equals("LOAD")) {
                job.outputRows = load(job);
                loadJobsDone++;
            } else {
                job.result = runQuery(job);
            }
        } catch (BqError e) {
            job.error = e;
        } catch (RuntimeException e) {
            job.error = new BqError(500, "backendError", "FakeBigQuery failed: " + e);
        } finally {
            job.state = "DONE";
            job.ended = System.currentTimeMillis();
            if (job.data != null) {
                try {
                    Files.deleteIfExists(job.data);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
        }
    }

    // ---------------------------------------------------------------- uploads

    private void upload(HttpExchange ex, String method, String project, Map<String, String> q) throws IOException {
        if (method.equals("POST") && "resumable".equals(q.get("uploadType"))) {
            ObjectNode job = body(ex);
            checkUploadJob(project, job);
            Upload u = new Upload();
            u.project = project;
            u.job = job;
            u.file = Files.createTempFile(temp, "upload", ".bin");
            String id = "ABg5-" + UUID.randomUUID().toString().replace("-", "");
            uploads.put(id, u);
            ex.getResponseHeaders().set("Location", root + "upload/bigquery/v2/projects/" + project
                    + "/jobs?uploadType=resumable&upload_id=" + id);
            ex.getResponseHeaders().set("X-GUploader-UploadID", id);
            ex.sendResponseHeaders(200, -1);
            return;
        }
        if (method.equals("POST") && "multipart".equals(q.get("uploadType"))) {
            multipart(ex, project);
            return;
        }
        if (method.equals("PUT") && q.containsKey("upload_id")) {
            chunk(ex, q.get("upload_id"));
            return;
        }
        throw invalid("Unsupported upload: " + method + " uploadType=" + q.get("uploadType"));
    }

    private void checkUploadJob(String project, ObjectNode job) {
        if (!job.path("configuration").has("load")) {
            throw invalid("An upload must carry a load job (configuration.load)");
        }
        String id = job.path("jobReference").path("jobId").asText("");
        Job old = id.isEmpty() ? null : existing(project, id);
        if (old != null) {
            throw new BqError(409, "duplicate", "Already Exists: Job " + old.key());
        }
    }

    private void chunk(HttpExchange ex, String uploadId) throws IOException {
        Upload u = uploads.get(uploadId);
        if (u == null) {
            throw notFound("upload " + uploadId);
        }
        String range = ex.getRequestHeaders().getFirst("Content-Range");
        Matcher m = range == null ? null : RANGE.matcher(range.trim());
        if (m == null || !m.matches()) {
            throw invalid("Content-Range is missing or malformed: " + range);
        }
        long total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
        if (m.group(1) != null) {
            uploadChunks++;
            if (u.jobKey == null && u.error == null) {
                if (failChunks > 0) {
                    failChunks--;
                    drain(ex);
                    int status = failChunkStatus;
                    throw new BqError(status, status == 429 ? "rateLimitExceeded" : status >= 500 ? "backendError" : "invalid",
                            failureMessage(status, status >= 500 ? "backendError" : "invalid"));
                }
                long first = Long.parseLong(m.group(1));
                long last = Long.parseLong(m.group(2));
                if (first > u.received) {
                    throw invalid("Content-Range starts at " + first + " but " + u.received + " bytes were received");
                }
                try (InputStream body = in(ex);
                        OutputStream out = Files.newOutputStream(u.file, StandardOpenOption.APPEND)) {
                    long skip = u.received - first;
                    long skipped = body.skip(skip);
                    while (skipped < skip) {
                        if (body.read() < 0) {
                            break;
                        }
                        skipped++;
                    }
                    long copied = body.transferTo(out);
                    u.received += copied;
                    if (first + skip + copied != last + 1) {
                        throw invalid("Content-Range " + range + " does not match the " + (skip + copied) + " bytes sent");
                    }
                }
            }
        }
        drain(ex);
        if (u.jobKey == null && u.error == null && total >= 0 && u.received >= total) {
            try {
                u.jobKey = createJob(u.project, u.job, u.file, u.received).key();
            } catch (BqError e) {
                u.error = e;
            }
        }
        if (u.error != null) {
            throw u.error;
        }
        if (u.jobKey != null) {
            ok(ex, jobs.get(u.jobKey).json());
            return;
        }
        if (u.received > 0) {
            ex.getResponseHeaders().set("Range", "bytes=0-" + (u.received - 1));
        }
        ex.sendResponseHeaders(308, -1);
    }

    private void multipart(HttpExchange ex, String project) throws IOException {
        String type = Objects.requireNonNullElse(ex.getRequestHeaders().getFirst("Content-Type"), "");
        Matcher b = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(type);
        if (!type.toLowerCase(Locale.ROOT).startsWith("multipart/related") || !b.find()) {
            throw invalid("uploadType=multipart needs a multipart/related body");
        }
        byte[] all = in(ex).readAllBytes();
        byte[] delimiter = ("--" + b.group(1)).getBytes(StandardCharsets.ISO_8859_1);
        List<byte[]> parts = new ArrayList<>();
        int at = indexOf(all, delimiter, 0);
        while (at >= 0) {
            int start = at + delimiter.length;
            if (start + 1 < all.length && all[start] == '-' && all[start + 1] == '-') {
                break;
            }
            int next = indexOf(all, delimiter, start);
            if (next < 0) {
                break;
            }
            int headersEnd = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
            int end = next;
            if (end >= 2 && all[end - 2] == '\r' && all[end - 1] == '\n') {
                end -= 2;
            }
            parts.add(java.util.Arrays.copyOfRange(all, headersEnd + 4, Math.max(headersEnd + 4, end)));
            at = next;
        }
        if (parts.size() != 2) {
            throw invalid("A multipart upload has two parts: the job, then the data");
        }
        JsonNode job = JSON.readTree(parts.get(0));
        if (!(job instanceof ObjectNode resource)) {
            throw invalid("The first part of the upload is not a Job");
        }
        checkUploadJob(project, resource);
        Path file = Files.createTempFile(temp, "upload", ".bin");
        Files.write(file, parts.get(1));
        ok(ex, createJob(project, resource, file, parts.get(1).length).json());
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
            for (int k = 0; k < pattern.length; k++) {
                if (data[i + k] != pattern[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---------------------------------------------------------------- load jobs

    /** Runs a load job: the table's schema and rows change together or not at all. Answers the rows loaded. */
    private long load(Job job) {
        ObjectNode load = (ObjectNode) job.configuration.get("load");
        JsonNode dest = load.get("destinationTable");
        String p = dest.path("projectId").asText(job.project);
        String d = dest.get("datasetId").asText();
        String name = dest.get("tableId").asText();
        String format = load.path("sourceFormat").asText("CSV").toUpperCase(Locale.ROOT);
        String write = load.path("writeDisposition").asText("WRITE_APPEND");
        String create = load.path("createDisposition").asText("CREATE_IF_NEEDED");
        Set<String> options = new HashSet<>();
        load.path("schemaUpdateOptions").forEach(o -> options.add(o.asText()));
        requireDataset(p, d);
        Table table = findTable(p, d, name);
        String ref = p + ":" + d + "." + name;
        String file = job.data.toString().replace("'", "''");

        Map<String, String> fileColumns = new LinkedHashMap<>();
        if (format.equals("PARQUET")) {
            try {
                for (List<String> c : select("DESCRIBE SELECT * FROM read_parquet('" + file + "')",
                        rs -> List.of(rs.getString(1), rs.getString(2)))) {
                    String t = bqType(c.get(1));
                    fileColumns.put(c.get(0), t == null ? c.get(1) : t);
                }
            } catch (SQLException e) {
                throw invalid("Error while reading data, error message: " + firstLine(e));
            }
        } else if (!format.equals("NEWLINE_DELIMITED_JSON") && !format.equals("CSV")) {
            throw invalid("FakeBigQuery loads PARQUET, NEWLINE_DELIMITED_JSON and CSV, not " + format);
        }
        boolean explicit = load.path("schema").has("fields");
        ArrayNode given = explicit ? normalize(load.path("schema").get("fields")) : null;
        if (given == null && format.equals("PARQUET")) {
            given = JSON.createArrayNode();
            for (Map.Entry<String, String> c : fileColumns.entrySet()) {
                if (!TYPES.contains(c.getValue())) {
                    throw invalid("Error while reading data, error message: the column " + c.getKey() + " of type "
                            + c.getValue() + " has no BigQuery type in FakeBigQuery");
                }
                given.addObject().put("name", c.getKey()).put("type", c.getValue()).put("mode", "NULLABLE");
            }
        }
        boolean emptyTable = table != null && table.schema.isEmpty();
        ArrayNode schema;
        if (table == null || emptyTable) {
            if (table == null && create.equals("CREATE_NEVER")) {
                throw notFound("Table " + ref);
            }
            if (given == null || given.isEmpty()) {
                throw invalid("No schema specified on job or table.");
            }
            schema = given;
        } else if (write.equals("WRITE_TRUNCATE")) {
            schema = given == null ? table.schema : given;
        } else {
            if (write.equals("WRITE_EMPTY") && sql(() -> count(table)) > 0) {
                throw new BqError(409, "duplicate", "Already Exists: Table " + ref);
            }
            schema = merged(table, given, explicit, options);
        }
        ArrayNode finalSchema = schema;
        List<String> columns = new ArrayList<>();
        List<String> projections = new ArrayList<>();
        Map<String, String> fileByName = new HashMap<>();
        fileColumns.forEach((k, v) -> fileByName.put(k.toLowerCase(Locale.ROOT), k));
        for (JsonNode f : finalSchema) {
            String field = f.get("name").asText();
            String type = f.get("type").asText();
            if (format.equals("PARQUET")) {
                String column = fileByName.get(field.toLowerCase(Locale.ROOT));
                if (column == null) {
                    continue;
                }
                String fileType = fileColumns.get(column);
                if (!loadsInto(fileType, type)) {
                    throw invalid("Provided schema is not compatible with the file '" + job.data.getFileName()
                            + "'. Field '" + field + "' is specified as " + type + " in provided schema which does not match "
                            + fileType + " as specified in the file.");
                }
                columns.add(FakeBigQuerySql.quote(field));
                projections.add("CAST(" + FakeBigQuerySql.quote(column) + " AS " + duckType(type) + ")");
            } else {
                columns.add(FakeBigQuerySql.quote(field));
                String column = FakeBigQuerySql.quote(field);
                String text = format.equals("CSV") ? "NULLIF(" + column + ", '')" : column;
                if (type.equals("TIMESTAMP")) {
                    text = "regexp_replace(" + text + ", '\\s*UTC$', '+00')"; // BigQuery's "2024-01-01 00:00:00 UTC"
                }
                projections.add("CAST(" + text + " AS " + duckType(type) + ")");
            }
        }
        String source;
        if (format.equals("PARQUET")) {
            source = "read_parquet('" + file + "')";
        } else {
            List<String> struct = new ArrayList<>();
            for (JsonNode f : finalSchema) {
                struct.add("'" + f.get("name").asText().replace("'", "''") + "': 'VARCHAR'");
            }
            String columnsArg = "columns = {" + String.join(", ", struct) + "}";
            if (format.equals("CSV")) {
                String delimiter = load.path("fieldDelimiter").asText(",").replace("'", "''");
                String quote = load.path("quote").asText("\"").replace("'", "''");
                source = "read_csv('" + file + "', header = false, auto_detect = false, skip = "
                        + load.path("skipLeadingRows").asInt(0) + ", delim = '" + delimiter + "', quote = '" + quote
                        + "', escape = '" + quote + "', " + columnsArg + ")";
            } else {
                source = "read_json('" + file + "', format = 'newline_delimited', " + columnsArg + ")";
            }
        }
        String insertSql = columns.isEmpty() ? null : "INSERT INTO %s (" + String.join(", ", columns) + ") SELECT "
                + String.join(", ", projections) + " FROM " + source;
        try {
            return inTransactionAnswering(() -> {
                Table target;
                if (table == null) {
                    target = createTableNow(p, d, name, finalSchema, JSON.createObjectNode(), null);
                } else if (write.equals("WRITE_TRUNCATE") || emptyTable) {
                    exec("DROP TABLE " + FakeBigQuerySql.quote(table.store));
                    createStore(table.store, finalSchema);
                    saveSchema(table, finalSchema, table.props, table.expiration);
                    target = table;
                } else {
                    alterTo(table, finalSchema);
                    saveSchema(table, finalSchema, table.props, table.expiration);
                    target = table;
                }
                if (insertSql == null) {
                    return 0L;
                }
                try (Statement st = db.createStatement()) {
                    return (long) st.executeUpdate(String.format(insertSql, FakeBigQuerySql.quote(target.store)));
                }
            });
        } catch (SQLException e) {
            throw invalid("Error while reading data, error message: " + firstLine(e));
        }
    }

    /** The table's schema after an append of data described by {@code given}, or the error BigQuery gives. */
    private static ArrayNode merged(Table table, ArrayNode given, boolean explicit, Set<String> options) {
        ArrayNode schema = table.schema.deepCopy();
        if (given == null) {
            return schema;
        }
        Map<String, JsonNode> now = byName(table.schema);
        for (JsonNode f : given) {
            String name = f.get("name").asText();
            JsonNode old = now.get(name.toLowerCase(Locale.ROOT));
            if (old == null) {
                if (!options.contains("ALLOW_FIELD_ADDITION")) {
                    throw invalid("Provided Schema does not match Table " + table.ref() + ". Cannot add fields (field: " + name + ")");
                }
                if ("REQUIRED".equals(f.get("mode").asText())) {
                    throw invalid("Provided Schema does not match Table " + table.ref()
                            + ". Cannot add required fields to an existing schema. (field: " + name + ")");
                }
                schema.add(f.deepCopy());
                continue;
            }
            String oldType = old.get("type").asText();
            String newType = f.get("type").asText();
            if (explicit ? !oldType.equals(newType) : !loadsInto(newType, oldType)) {
                throw invalid("Provided Schema does not match Table " + table.ref() + ". Field " + name
                        + " has changed type from " + oldType + " to " + newType);
            }
            if (explicit && "REQUIRED".equals(old.get("mode").asText()) && "NULLABLE".equals(f.get("mode").asText())) {
                if (!options.contains("ALLOW_FIELD_RELAXATION")) {
                    throw invalid("Provided Schema does not match Table " + table.ref() + ". Field " + name
                            + " has changed mode from REQUIRED to NULLABLE");
                }
                for (JsonNode s : schema) {
                    if (s.get("name").asText().equalsIgnoreCase(name)) {
                        ((ObjectNode) s).put("mode", "NULLABLE");
                    }
                }
            }
        }
        return schema;
    }

    // ---------------------------------------------------------------- queries

    private ObjectNode query(String project, ObjectNode request) {
        ObjectNode resource = JSON.createObjectNode();
        ObjectNode q = resource.putObject("configuration").putObject("query");
        q.put("query", request.path("query").asText(""));
        for (String key : List.of("useLegacySql", "defaultDataset", "parameterMode", "queryParameters", "maximumBytesBilled")) {
            if (request.has(key)) {
                q.set(key, request.get(key));
            }
        }
        if (request.has("location")) {
            resource.putObject("jobReference").put("location", request.get("location").asText());
        }
        Job job = createJob(project, resource, null, 0);
        if (job.error != null) {
            throw job.error;
        }
        JsonNode format = request.path("formatOptions");
        return queryResponse(job, "bigquery#queryResponse", request.path("maxResults").asLong(Long.MAX_VALUE), 0,
                timestampFormat(format.path("useInt64Timestamp").asText(null), format.path("timestampOutputFormat").asText(null)));
    }

    private ObjectNode queryResponse(Job job, String kind, long max, long start, TimestampFormat timestamps) {
        if (job.error != null) {
            throw job.error;
        }
        if (!"QUERY".equals(job.type)) {
            throw invalid("Job " + job.key() + " is not a query");
        }
        ObjectNode out = JSON.createObjectNode().put("kind", kind);
        out.putObject("jobReference").put("projectId", job.project).put("jobId", job.id).put("location", job.location);
        if (!job.state.equals("DONE")) {
            return out.put("jobComplete", false);
        }
        Result r = job.result;
        out.put("jobComplete", true).put("cacheHit", false).put("totalBytesProcessed", "0");
        if (r.schema != null) {
            out.putObject("schema").set("fields", r.schema);
            out.put("totalRows", Long.toString(r.rows.size()));
            int from = (int) Math.min(start, r.rows.size());
            int to = (int) Math.min(r.rows.size(), from + Math.min(max, Integer.MAX_VALUE));
            if (to > from) {
                out.set("rows", restRows(r.rows.subList(from, to), r.types, timestamps));
            }
            if (to < r.rows.size()) {
                out.put("pageToken", Long.toString(to));
            }
        }
        if (r.affected != null) {
            out.put("numDmlAffectedRows", Long.toString(r.affected));
        }
        return out;
    }

    /** The location of the first dataset a query names, else US. */
    private String queryLocation(String project, String sql) {
        String[] found = { null };
        FakeBigQuerySql.translate(sql, (parts, quoted) -> {
            if (found[0] == null && parts.size() >= 2 && parts.size() <= 3) {
                String p = parts.size() == 3 ? parts.get(0) : project;
                found[0] = datasetLocation(p, parts.get(parts.size() - 2));
            }
            return null;
        });
        return found[0] == null ? "US" : found[0];
    }

    /** A statement's view of table names: resolves them, and remembers those that do not exist. */
    private final class Names implements FakeBigQuerySql.Tables {
        final String project;
        final String location;
        final List<String> missing = new ArrayList<>();

        Names(String project, String location) {
            this.project = project;
            this.location = location;
        }

        @Override
        public String resolve(List<String> parts, boolean backquoted) {
            if (parts.size() < 2 || parts.size() > 3) {
                return null;
            }
            String p = parts.size() == 3 ? parts.get(0) : project;
            String d = parts.get(parts.size() - 2);
            String t = parts.get(parts.size() - 1);
            String datasetAt = datasetLocation(p, d);
            if (datasetAt == null) {
                if (parts.size() == 3 && backquoted) {
                    missing.add("Dataset " + p + ":" + d + " was not found in location " + location);
                    return "\"missing\"";
                }
                return null;
            }
            Table table = findTable(p, d, t);
            if (table == null || !datasetAt.equalsIgnoreCase(location)) {
                missing.add("Table " + p + ":" + d + "." + t + " was not found in location " + location);
                return "\"missing\"";
            }
            return FakeBigQuerySql.quote(table.store);
        }
    }

    private Result runQuery(Job job) {
        JsonNode q = job.configuration.path("query");
        if (q.path("useLegacySql").asBoolean(true)) {
            throw new BqError(400, "invalidQuery", "FakeBigQuery runs GoogleSQL only: set useLegacySql to false"
                    + " (BigQuery's default for this API is legacy SQL)", "query");
        }
        if (q.has("queryParameters") && !q.get("queryParameters").isEmpty()) {
            throw new BqError(400, "invalidQuery", "FakeBigQuery does not bind query parameters", "query");
        }
        List<String> statements = FakeBigQuerySql.split(q.path("query").asText(""));
        if (statements.isEmpty()) {
            throw new BqError(400, "invalidQuery", "Syntax error: Unexpected end of script", "query");
        }
        boolean[] open = { false };
        Result last = null;
        try {
            for (String statement : statements) {
                last = statement(job, statement, open);
            }
            if (open[0]) {
                exec("ROLLBACK");
                throw new BqError(400, "invalidQuery", "Transaction was never committed", "query");
            }
        } catch (SQLException e) {
            rollbackQuietly(open);
            throw sqlError(e);
        } catch (RuntimeException e) {
            rollbackQuietly(open);
            throw e;
        }
        if (statements.size() > 1) {
            last.statementType = "SCRIPT";
        }
        return last;
    }

    private void rollbackQuietly(boolean[] open) {
        if (open[0]) {
            try {
                exec("ROLLBACK");
            } catch (SQLException ignored) {
                // nothing was open
            }
            open[0] = false;
        }
    }

    private BqError sqlError(SQLException e) {
        String message = firstLine(e);
        if (message.contains("cannot affect the same target row more than once")) {
            return new BqError(400, "invalidQuery", "UPDATE/MERGE must match at most one source row for each target row", "query");
        }
        for (String store : sql(() -> select("SELECT store, project || ':' || dataset || '.' || tbl FROM bq_tables",
                rs -> rs.getString(1) + "\t" + rs.getString(2)))) {
            String[] kv = store.split("\t");
            message = message.replace(kv[0], kv[1]);
        }
        return new BqError(400, "invalidQuery", message, "query");
    }

    private Result statement(Job job, String sql, boolean[] open) throws SQLException {
        Result r = new Result();
        Matcher tx = TRANSACTION.matcher(sql);
        if (tx.matches()) {
            String verb = tx.group(1).toUpperCase(Locale.ROOT);
            r.statementType = verb.equals("BEGIN") ? "BEGIN_TRANSACTION" : verb.equals("COMMIT") ? "COMMIT_TRANSACTION" : "ROLLBACK_TRANSACTION";
            if (verb.equals("BEGIN") == open[0]) {
                throw new BqError(400, "invalidQuery", verb.equals("BEGIN") ? "Nested transactions are not supported"
                        : "Cannot " + verb + " a transaction: none is active", "query");
            }
            exec(verb.equals("BEGIN") ? "BEGIN TRANSACTION" : verb);
            open[0] = verb.equals("BEGIN");
            return r;
        }
        Names names = new Names(job.project, job.location);
        Matcher drop = DROP.matcher(sql);
        if (drop.matches()) {
            r.statementType = "DROP_TABLE";
            List<String> parts = nameParts(drop.group(2));
            Table t = parts.size() < 2 ? null : findTable(parts.size() == 3 ? parts.get(0) : job.project,
                    parts.get(parts.size() - 2), parts.get(parts.size() - 1));
            if (t == null) {
                if (drop.group(1) == null) {
                    throw new BqError(404, "notFound", "Not found: Table " + String.join(".", parts), "query");
                }
                return r;
            }
            dropTable(t);
            return r;
        }
        Matcher create = CREATE.matcher(sql);
        if (create.matches()) {
            return createTableStatement(job, create, names);
        }
        String duck = FakeBigQuerySql.translate(sql, names);
        if (!names.missing.isEmpty()) {
            throw new BqError(404, "notFound", "Not found: " + names.missing.get(0), "query");
        }
        String verb = duck.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
        if (verb.equals("SELECT") || verb.equals("WITH") || verb.startsWith("(")) {
            r.statementType = "SELECT";
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(duck)) {
                ResultSetMetaData meta = rs.getMetaData();
                r.schema = JSON.createArrayNode();
                List<String> types = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    String type = bqType(meta.getColumnTypeName(i));
                    if (type == null) {
                        throw new BqError(400, "invalidQuery", "FakeBigQuery cannot answer a column of type "
                                + meta.getColumnTypeName(i), "query");
                    }
                    types.add(type);
                    r.schema.addObject().put("name", meta.getColumnLabel(i)).put("type", type).put("mode", "NULLABLE");
                }
                r.types = types;
                List<List<Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(row(rs, types));
                }
                r.rows = rows;
            }
            return r;
        }
        r.statementType = switch (verb) {
            case "MERGE", "INSERT", "UPDATE", "DELETE" -> verb;
            case "TRUNCATE" -> "TRUNCATE_TABLE";
            default -> throw new BqError(400, "invalidQuery", "FakeBigQuery does not run " + verb + " statements", "query");
        };
        try (Statement st = db.createStatement()) {
            r.affected = (long) st.executeUpdate(duck);
        }
        return r;
    }

    private Result createTableStatement(Job job, Matcher create, Names names) throws SQLException {
        Result r = new Result();
        List<String> parts = nameParts(create.group(3));
        if (parts.size() < 2) {
            throw new BqError(400, "invalidQuery", "Table \"" + create.group(3) + "\" must be qualified with a dataset", "query");
        }
        String p = parts.size() == 3 ? parts.get(0) : job.project;
        String d = parts.get(parts.size() - 2);
        String name = parts.get(parts.size() - 1);
        if (datasetLocation(p, d) == null) {
            throw new BqError(404, "notFound", "Not found: Dataset " + p + ":" + d, "query");
        }
        Table old = findTable(p, d, name);
        boolean replace = create.group(1) != null;
        if (old != null && create.group(2) != null) {
            r.statementType = "CREATE_TABLE";
            return r;
        }
        if (old != null && !replace) {
            throw new BqError(409, "duplicate", "Already Exists: Table " + p + ":" + d + "." + name, "query");
        }
        ArrayNode schema = JSON.createArrayNode();
        String select = create.group(7);
        String duckSelect = null;
        if (select != null) {
            r.statementType = "CREATE_TABLE_AS_SELECT";
            duckSelect = FakeBigQuerySql.translate(select, names);
            if (!names.missing.isEmpty()) {
                throw new BqError(404, "notFound", "Not found: " + names.missing.get(0), "query");
            }
            for (List<String> c : select("DESCRIBE " + duckSelect, rs -> List.of(rs.getString(1), rs.getString(2)))) {
                String type = bqType(c.get(1));
                schema.addObject().put("name", c.get(0)).put("type", type == null ? "STRING" : type).put("mode", "NULLABLE");
            }
        } else if (create.group(5) != null) {
            r.statementType = "CREATE_TABLE";
            for (String column : topLevelCommas(create.group(5))) {
                String[] words = column.trim().split("\\s+");
                if (words.length < 2) {
                    throw new BqError(400, "invalidQuery", "Syntax error in column definition: " + column, "query");
                }
                String type = words[1].replaceAll("\\(.*", "");
                boolean required = column.toUpperCase(Locale.ROOT).matches(".*\\bNOT\\s+NULL\\b.*");
                schema.addObject().put("name", words[0].replace("`", "")).put("type", type).put("mode", required ? "REQUIRED" : "NULLABLE");
            }
            schema = normalize(schema);
        } else {
            throw new BqError(400, "invalidQuery", "CREATE TABLE needs columns or AS SELECT", "query");
        }
        if (old != null) {
            dropTable(old);
        }
        Table t = createTableNow(p, d, name, schema, JSON.createObjectNode(), null);
        if (duckSelect != null) {
            try (Statement st = db.createStatement()) {
                st.executeUpdate("INSERT INTO " + FakeBigQuerySql.quote(t.store) + " " + duckSelect);
            }
        }
        return r;
    }

    private static List<String> topLevelCommas(String text) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(' || c == '<') {
                depth++;
            } else if (c == ')' || c == '>') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(text.substring(start, i));
                start = i + 1;
            }
        }
        out.add(text.substring(start));
        return out;
    }

    private static List<String> nameParts(String name) {
        List<String> parts = new ArrayList<>();
        for (String p : name.replace("`", "").split("\\.")) {
            parts.add(p);
        }
        return parts;
    }

    private static String firstLine(SQLException e) {
        String m = Objects.requireNonNullElse(e.getMessage(), e.toString());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    // ---------------------------------------------------------------- DuckDB

    interface SqlWork<T> {
        T run() throws SQLException;
    }

    interface SqlVoid {
        void run() throws SQLException;
    }

    interface RowFn<T> {
        T map(ResultSet rs) throws SQLException, IOException;
    }

    private static <T> T sql(SqlWork<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new BqError(400, "invalid", firstLine(e));
        }
    }

    private static void sqlDo(SqlVoid work) {
        sql(() -> {
            work.run();
            return null;
        });
    }

    private void inTransaction(SqlVoid work) throws SQLException {
        inTransactionAnswering(() -> {
            work.run();
            return null;
        });
    }

    private <T> T inTransactionAnswering(SqlWork<T> work) throws SQLException {
        exec("BEGIN TRANSACTION");
        try {
            T answer = work.run();
            exec("COMMIT");
            return answer;
        } catch (SQLException | RuntimeException e) {
            exec("ROLLBACK");
            throw e;
        }
    }

    private void exec(String sql, Object... params) throws SQLException {
        if (params.length == 0) {
            try (Statement st = db.createStatement()) {
                st.execute(sql);
            }
            return;
        }
        try (PreparedStatement st = db.prepareStatement(sql)) {
            bind(st, params);
            st.execute();
        }
    }

    private <T> List<T> select(String sql, RowFn<T> fn, Object... params) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            bind(st, params);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(fn.map(rs));
                }
            }
            return out;
        } catch (IOException e) {
            throw new SQLException(e);
        }
    }

    private static void bind(PreparedStatement st, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p == null) {
                st.setNull(i + 1, java.sql.Types.VARCHAR);
            } else if (p instanceof byte[] b) {
                st.setBytes(i + 1, b);
            } else {
                st.setObject(i + 1, p);
            }
        }
    }

}
