package io.rowflow.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.googleapis.media.MediaHttpUploader;
import com.google.api.client.http.FileContent;
import com.google.api.client.http.HttpBackOffUnsuccessfulResponseHandler;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.InputStreamContent;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.client.util.ExponentialBackOff;
import com.google.api.services.bigquery.Bigquery;
import com.google.api.services.bigquery.model.Dataset;
import com.google.api.services.bigquery.model.DatasetReference;
import com.google.api.services.bigquery.model.Job;
import com.google.api.services.bigquery.model.JobConfiguration;
import com.google.api.services.bigquery.model.JobConfigurationLoad;
import com.google.api.services.bigquery.model.JobConfigurationQuery;
import com.google.api.services.bigquery.model.JobReference;
import com.google.api.services.bigquery.model.QueryRequest;
import com.google.api.services.bigquery.model.QueryResponse;
import com.google.api.services.bigquery.model.Table;
import com.google.api.services.bigquery.model.TableDataList;
import com.google.api.services.bigquery.model.TableFieldSchema;
import com.google.api.services.bigquery.model.TableReference;
import com.google.api.services.bigquery.model.TableSchema;
import io.rowflow.testing.FakeBigQuery.Field;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FakeBigQuery driven by Google's generated BigQuery client, as the BigQuery writer drives BigQuery. */
class FakeBigQueryTest {
    private static final String P = "rowflow-test";
    private static final String BIG = "12345678901234567890.123456789";
    private static final long PAST_DOUBLE = 9_007_199_254_740_993L;
    private static final String AT = "2024-02-29T23:59:59.123456Z";

    @TempDir
    Path dir;
    FakeBigQuery fake;
    Bigquery bigquery;

    @BeforeEach
    void start() {
        fake = FakeBigQuery.start();
        bigquery = client(null);
        fake.createDataset(P, "sales", "EU");
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private Bigquery client(HttpRequestInitializer initializer) {
        return new Bigquery.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(), initializer)
                .setRootUrl(fake.rootUrl()).setApplicationName("rowflow-test").build();
    }

    @Test
    void datasetsAndTablesAnswerAsBigQueryDoes() throws IOException {
        Dataset made = bigquery.datasets().insert(P, new Dataset().setLocation("US")
                .setDatasetReference(new DatasetReference().setProjectId(P).setDatasetId("staging"))).execute();
        assertThat(made.getLocation()).isEqualTo("US");
        GoogleJsonResponseException twice = catchThrowableOfType(GoogleJsonResponseException.class, () -> bigquery.datasets()
                .insert(P, new Dataset().setDatasetReference(new DatasetReference().setProjectId(P).setDatasetId("staging")))
                .execute());
        assertThat(twice.getStatusCode()).isEqualTo(409);
        assertThat(twice.getDetails().getErrors().get(0).getReason()).isEqualTo("duplicate");
        assertThat(bigquery.datasets().get(P, "sales").execute().getLocation()).isEqualTo("EU");
        assertThat(bigquery.datasets().list(P).execute().getDatasets()).extracting(d -> d.getDatasetReference().getDatasetId())
                .containsExactly("sales", "staging");

        long expires = System.currentTimeMillis() + 3_600_000;
        bigquery.tables().insert(P, "staging", new Table().setExpirationTime(expires)
                .setTableReference(new TableReference().setProjectId(P).setDatasetId("staging").setTableId("batch_1"))
                .setSchema(schema(field("id", "INT64", "REQUIRED"), field("amount", "NUMERIC", null)))).execute();
        Table got = bigquery.tables().get(P, "staging", "batch_1").execute();
        assertThat(got.getSchema().getFields()).extracting(TableFieldSchema::getType).containsExactly("INTEGER", "NUMERIC");
        assertThat(got.getSchema().getFields()).extracting(TableFieldSchema::getMode).containsExactly("REQUIRED", "NULLABLE");
        assertThat(got.getExpirationTime()).isEqualTo(expires);
        assertThat(got.getNumRows()).isEqualTo(java.math.BigInteger.ZERO);
        assertThat(fake.schema(P, "staging", "batch_1")).containsExactly(new Field("id", "INT64", "REQUIRED"),
                new Field("amount", "NUMERIC", "NULLABLE"));

        GoogleJsonResponseException missing = catchThrowableOfType(GoogleJsonResponseException.class,
                () -> bigquery.tables().get(P, "staging", "batch_2").execute());
        assertThat(missing.getStatusCode()).isEqualTo(404);
        assertThat(missing.getDetails().getMessage()).isEqualTo("Not found: Table rowflow-test:staging.batch_2");
        assertThat(missing.getDetails().getErrors().get(0).getReason()).isEqualTo("notFound");
        assertThat(missing.getDetails().get("status")).isEqualTo("NOT_FOUND");

        Table wider = bigquery.tables().patch(P, "staging", "batch_1", new Table().setSchema(schema(field("id", "INTEGER",
                "REQUIRED"), field("amount", "NUMERIC", "NULLABLE"), field("note", "STRING", "NULLABLE")))).execute();
        assertThat(wider.getSchema().getFields()).extracting(TableFieldSchema::getName).containsExactly("id", "amount", "note");
        GoogleJsonResponseException retyped = catchThrowableOfType(GoogleJsonResponseException.class, () -> bigquery.tables()
                .patch(P, "staging", "batch_1", new Table().setSchema(schema(field("id", "INTEGER", "REQUIRED"),
                        field("amount", "STRING", "NULLABLE"), field("note", "STRING", "NULLABLE")))).execute());
        assertThat(retyped.getStatusCode()).isEqualTo(400);
        assertThat(retyped.getDetails().getErrors().get(0).getReason()).isEqualTo("invalid");
        assertThat(retyped.getDetails().getMessage()).isEqualTo("Provided Schema does not match Table"
                + " rowflow-test:staging.batch_1. Field amount has changed type from NUMERIC to STRING");
        assertThat(bigquery.tables().list(P, "staging").execute().getTables()).extracting(t -> t.getTableReference().getTableId())
                .containsExactly("batch_1");

        bigquery.tables().delete(P, "staging", "batch_1").execute();
        assertThat(fake.tables(P, "staging")).isEmpty();
        assertThat(fake.requests()).contains("GET /bigquery/v2/projects/rowflow-test/datasets/staging/tables/batch_2",
                "DELETE /bigquery/v2/projects/rowflow-test/datasets/staging/tables/batch_1");
    }

    @Test
    void scriptedFailuresAnswerGooglesErrorBody() throws IOException {
        fake.failNext("GET", "/datasets/sales$", 1, 403, "rateLimitExceeded");
        GoogleJsonResponseException limited = catchThrowableOfType(GoogleJsonResponseException.class,
                () -> bigquery.datasets().get(P, "sales").execute());
        assertThat(limited.getStatusCode()).isEqualTo(403);
        assertThat(limited.getDetails().getErrors().get(0).getReason()).isEqualTo("rateLimitExceeded");
        assertThat(limited.getDetails().getErrors().get(0).getDomain()).isEqualTo("usageLimits");
        assertThat(limited.getDetails().get("status")).isEqualTo("PERMISSION_DENIED");
        assertThat(bigquery.datasets().get(P, "sales").execute().getLocation()).isEqualTo("EU");
    }

    @Test
    void aParquetFileLargerThanAChunkLoadsThroughTheResumableUploadWithExactValues() throws Exception {
        Path file = parquet("big.parquet", 20_000);
        Job answered = upload(bigquery, loadJob("load-1", "orders", "WRITE_APPEND", null), file, null);
        assertThat(answered.getStatus().getState()).isEqualTo("DONE");
        assertThat(answered.getStatus().getErrorResult()).isNull();
        assertThat(fake.uploadChunks()).isGreaterThan(1);
        assertThat(fake.requests()).anyMatch(r -> r.startsWith("POST /upload/bigquery/v2/projects/rowflow-test/jobs?")
                && r.contains("uploadType=resumable"));

        Job polled = bigquery.jobs().get(P, "load-1").setLocation("EU").execute();
        assertThat(polled.getStatus().getState()).isEqualTo("DONE");
        assertThat(polled.getStatistics().getLoad().getOutputRows()).isEqualTo(20_001L);
        assertThat(polled.getJobReference().getLocation()).isEqualTo("EU");
        assertThat(fake.loadJobsDone()).isEqualTo(1);
        assertThat(fake.jobIds()).containsExactly("load-1");
        assertThat(fake.rowCount(P, "sales", "orders")).isEqualTo(20_001);
        assertThat(fake.schema(P, "sales", "orders")).containsExactly(new Field("id", "INTEGER", "NULLABLE"),
                new Field("s", "STRING", "NULLABLE"), new Field("amount", "NUMERIC", "NULLABLE"),
                new Field("at", "TIMESTAMP", "NULLABLE"), new Field("day", "DATE", "NULLABLE"));

        Map<String, Object> special = fake.rows(P, "sales", "orders", "id DESC").get(0);
        assertThat(special).containsEntry("id", PAST_DOUBLE).containsEntry("s", "special")
                .containsEntry("amount", new BigDecimal(BIG)).containsEntry("at", Instant.parse(AT))
                .containsEntry("day", LocalDate.of(2024, 2, 29));

        QueryResponse read = bigquery.jobs().query(P, new QueryRequest().setUseLegacySql(false).setLocation("EU")
                .setQuery("SELECT id, amount, `at` FROM `rowflow-test.sales.orders` WHERE id = " + PAST_DOUBLE)).execute();
        assertThat(read.getJobComplete()).isTrue();
        assertThat(read.getSchema().getFields()).extracting(TableFieldSchema::getType).containsExactly("INTEGER", "NUMERIC", "TIMESTAMP");
        assertThat(read.getRows().get(0).getF()).extracting(c -> c.getV()).containsExactly(Long.toString(PAST_DOUBLE), BIG,
                "1.709251199123456E9");

        TableDataList page = bigquery.tabledata().list(P, "sales", "orders").setMaxResults(5L).execute();
        assertThat(page.getTotalRows()).isEqualTo(20_001L);
        assertThat(page.getRows()).hasSize(5);
        assertThat(page.getPageToken()).isEqualTo("5");
    }

    @Test
    void appendAddsRowsTruncateReplacesRowsAndSchemaAtOnce() throws Exception {
        fake.createTable(P, "sales", "orders", List.of(new Field("id", "INT64", "NULLABLE"), new Field("s", "STRING", null),
                new Field("amount", "NUMERIC", null), new Field("at", "TIMESTAMP", null), new Field("day", "DATE", null),
                new Field("old", "STRING", null)));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", 1L);
        row.put("old", "kept until truncated");
        fake.insertRows(P, "sales", "orders", List.of(row));
        Path small = parquet("small.parquet", 2);

        upload(bigquery, loadJob("append-1", "orders", "WRITE_APPEND", null), small, null);
        assertThat(fake.rowCount(P, "sales", "orders")).isEqualTo(4);
        assertThat(fake.rows(P, "sales", "orders", "id").get(0)).containsEntry("old", "kept until truncated").containsEntry("s", null);

        Job truncate = upload(bigquery, loadJob("truncate-1", "orders", "WRITE_TRUNCATE", null), small, null);
        assertThat(truncate.getStatus().getErrorResult()).isNull();
        assertThat(fake.rowCount(P, "sales", "orders")).isEqualTo(3);
        assertThat(fake.schema(P, "sales", "orders")).extracting(Field::name).containsExactly("id", "s", "amount", "at", "day");

        Job empty = upload(bigquery, loadJob("empty-1", "orders", "WRITE_EMPTY", null), small, null);
        assertThat(empty.getStatus().getErrorResult().getReason()).isEqualTo("duplicate");
        assertThat(fake.rowCount(P, "sales", "orders")).isEqualTo(3);
        assertThat(fake.loadJobsDone()).isEqualTo(2);
    }

    @Test
    void aMultipartUploadLoadsToo() throws Exception {
        Bigquery.Jobs.Insert insert = bigquery.jobs().insert(P, loadJob("multi-1", "orders", "WRITE_APPEND", null),
                new FileContent("application/octet-stream", parquet("small.parquet", 2).toFile()));
        insert.getMediaHttpUploader().setDirectUploadEnabled(true);
        Job job = insert.execute();
        assertThat(job.getStatus().getState()).isEqualTo("DONE");
        assertThat(fake.rowCount(P, "sales", "orders")).isEqualTo(3);
        assertThat(fake.requests()).anyMatch(r -> r.startsWith("POST /upload/") && r.contains("uploadType=multipart"));
    }

    @Test
    void aJobIdUsedTwiceIsRefusedWith409AndDoesNothing() throws Exception {
        Path small = parquet("small.parquet", 2);
        upload(bigquery, loadJob("load-once", "orders", "WRITE_APPEND", null), small, null);
        GoogleJsonResponseException again = catchThrowableOfType(GoogleJsonResponseException.class,
                () -> upload(bigquery, loadJob("load-once", "orders", "WRITE_APPEND", null), small, null));
        assertThat(again.getStatusCode()).isEqualTo(409);
        assertThat(again.getDetails().getErrors().get(0).getReason()).isEqualTo("duplicate");
        assertThat(again.getDetails().getMessage()).isEqualTo("Already Exists: Job rowflow-test:EU.load-once");
        GoogleJsonResponseException query = catchThrowableOfType(GoogleJsonResponseException.class, () -> bigquery.jobs()
                .insert(P, new Job().setJobReference(new JobReference().setProjectId(P).setJobId("load-once"))
                        .setConfiguration(new JobConfiguration().setQuery(new JobConfigurationQuery().setUseLegacySql(false)
                                .setQuery("DROP TABLE `rowflow-test.sales.orders`")))).execute());
        assertThat(query.getStatusCode()).isEqualTo(409);
        assertThat(fake.rowCount(P, "sales", "orders")).isEqualTo(3);
        assertThat(fake.jobIds()).containsExactly("load-once");
    }

    @Test
    void aFieldThatChangesTypeOrIsNewFailsTheJobAndLeavesTheTable() throws Exception {
        Path small = parquet("small.parquet", 2);
        upload(bigquery, loadJob("first", "orders", "WRITE_APPEND", null), small, null);

        JobConfigurationLoad load = loadJob("retyped", "orders", "WRITE_APPEND", null).getConfiguration().getLoad();
        Job retyped = upload(bigquery, loadJob("retyped", "orders", "WRITE_APPEND", schema(field("id", "INTEGER", null),
                field("amount", "STRING", null))), small, null);
        assertThat(load.getWriteDisposition()).isEqualTo("WRITE_APPEND");
        assertThat(retyped.getStatus().getState()).isEqualTo("DONE");
        assertThat(retyped.getStatus().getErrorResult().getReason()).isEqualTo("invalid");
        assertThat(retyped.getStatus().getErrorResult().getMessage()).isEqualTo("Provided Schema does not match Table"
                + " rowflow-test:sales.orders. Field amount has changed type from NUMERIC to STRING");

        Job added = upload(bigquery, loadJob("added", "orders", "WRITE_APPEND", schema(field("id", "INTEGER", null),
                field("extra", "STRING", null))), small, null);
        assertThat(added.getStatus().getErrorResult().getMessage()).isEqualTo("Provided Schema does not match Table"
                + " rowflow-test:sales.orders. Cannot add fields (field: extra)");
        assertThat(fake.rowCount(P, "sales", "orders")).isEqualTo(3);
        assertThat(fake.schema(P, "sales", "orders")).extracting(Field::name).containsExactly("id", "s", "amount", "at", "day");

        Job allowed = loadJob("allowed", "orders", "WRITE_APPEND", schema(field("id", "INTEGER", null),
                field("extra", "STRING", null)));
        allowed.getConfiguration().getLoad().setSchemaUpdateOptions(List.of("ALLOW_FIELD_ADDITION"));
        assertThat(upload(bigquery, allowed, small, null).getStatus().getErrorResult()).isNull();
        assertThat(fake.rowCount(P, "sales", "orders")).isEqualTo(6);
        assertThat(fake.schema(P, "sales", "orders")).extracting(Field::name).containsExactly("id", "s", "amount", "at", "day", "extra");
        assertThat(fake.loadJobsDone()).isEqualTo(2);
    }

    @Test
    void aMergeQueryJobChangesTheTableWhenItIsDone() throws Exception {
        fake.createTable(P, "sales", "orders", List.of(new Field("id", "INTEGER", "REQUIRED"), new Field("name", "STRING", null),
                new Field("amount", "NUMERIC", null)));
        fake.createTable(P, "sales", "orders_stage", List.of(new Field("id", "INTEGER", "REQUIRED"),
                new Field("name", "STRING", null), new Field("amount", "NUMERIC", null), new Field("_deleted", "BOOL", null)));
        fake.insertRows(P, "sales", "orders", List.of(row(1, "one", "1.10", null), row(2, "two", "2.20", null),
                row(3, "three", "3.30", null)));
        fake.insertRows(P, "sales", "orders_stage", List.of(row(1, "uno", BIG, false), row(2, null, null, true),
                row(4, "four", "4", false), row(5, "gone", "5", true)));
        String merge = "MERGE `rowflow-test.sales.orders` T USING `rowflow-test.sales.orders_stage` S ON T.id = S.id"
                + " WHEN MATCHED AND S._deleted THEN DELETE"
                + " WHEN MATCHED THEN UPDATE SET name = S.name, amount = S.amount"
                + " WHEN NOT MATCHED AND NOT S._deleted THEN INSERT (id, name, amount) VALUES (S.id, S.name, S.amount)";

        fake.jobsRunFor(2);
        Job inserted = bigquery.jobs().insert(P, new Job().setJobReference(new JobReference().setProjectId(P)
                .setJobId("merge-1").setLocation("EU")).setConfiguration(new JobConfiguration()
                        .setQuery(new JobConfigurationQuery().setQuery(merge).setUseLegacySql(false)))).execute();
        assertThat(inserted.getStatus().getState()).isEqualTo("PENDING");
        assertThat(bigquery.jobs().get(P, "merge-1").setLocation("EU").execute().getStatus().getState()).isEqualTo("RUNNING");
        assertThat(bigquery.jobs().get(P, "merge-1").setLocation("EU").execute().getStatus().getState()).isEqualTo("RUNNING");
        assertThat(fake.rows(P, "sales", "orders", "id")).extracting(r -> r.get("name")).containsExactly("one", "two", "three");
        Job done = bigquery.jobs().get(P, "merge-1").setLocation("EU").execute();
        assertThat(done.getStatus().getState()).isEqualTo("DONE");
        assertThat(done.getStatus().getErrorResult()).isNull();
        assertThat(done.getStatistics().getQuery().getNumDmlAffectedRows()).isEqualTo(3L);
        fake.jobsRunFor(0);

        List<Map<String, Object>> rows = fake.rows(P, "sales", "orders", "id");
        assertThat(rows).extracting(r -> r.get("id")).containsExactly(1L, 3L, 4L);
        assertThat(rows.get(0)).containsEntry("name", "uno").containsEntry("amount", new BigDecimal(BIG));
        assertThat(rows.get(1)).containsEntry("amount", new BigDecimal("3.3"));

        fake.insertRows(P, "sales", "orders_stage", List.of(row(3, "again", "3", false), row(3, "twice", "3", false)));
        GoogleJsonResponseException twice = catchThrowableOfType(GoogleJsonResponseException.class, () -> bigquery.jobs()
                .query(P, new QueryRequest().setUseLegacySql(false).setQuery(merge)).execute());
        assertThat(twice.getStatusCode()).isEqualTo(400);
        assertThat(twice.getDetails().getErrors().get(0).getReason()).isEqualTo("invalidQuery");
        assertThat(twice.getDetails().getMessage()).isEqualTo("UPDATE/MERGE must match at most one source row for each target row");
        assertThat(fake.rows(P, "sales", "orders", "id")).extracting(r -> r.get("name")).containsExactly("uno", "three", "four");

        GoogleJsonResponseException legacy = catchThrowableOfType(GoogleJsonResponseException.class, () -> bigquery.jobs()
                .query(P, new QueryRequest().setQuery("SELECT 1")).execute());
        assertThat(legacy.getDetails().getErrors().get(0).getReason()).isEqualTo("invalidQuery");

        QueryResponse dropped = bigquery.jobs().query(P, new QueryRequest().setUseLegacySql(false)
                .setQuery("DROP TABLE `rowflow-test.sales.orders_stage`")).execute();
        assertThat(dropped.getJobComplete()).isTrue();
        assertThat(fake.tables(P, "sales")).containsExactly("orders");
    }

    @Test
    void aChunkThatFailsMidUploadIsResumedFromWhatTheServerHas() throws Exception {
        Bigquery retrying = client(request -> request.setUnsuccessfulResponseHandler(new HttpBackOffUnsuccessfulResponseHandler(
                new ExponentialBackOff.Builder().setInitialIntervalMillis(1).setMaxIntervalMillis(2).build())));
        Path file = parquet("big.parquet", 20_000);
        boolean[] armed = { false };
        Job job = upload(retrying, loadJob("resumed-1", "orders", "WRITE_APPEND", null), file, uploader -> {
            if (uploader.getUploadState() == MediaHttpUploader.UploadState.MEDIA_IN_PROGRESS && !armed[0]) {
                armed[0] = true;
                fake.failNextUploadChunk(1, 503);
            }
        });
        assertThat(armed[0]).isTrue();
        assertThat(job.getStatus().getErrorResult()).isNull();
        assertThat(fake.rowCount(P, "sales", "orders")).isEqualTo(20_001);
        long chunks = (Files.size(file) + MediaHttpUploader.MINIMUM_CHUNK_SIZE - 1) / MediaHttpUploader.MINIMUM_CHUNK_SIZE;
        assertThat(fake.uploadChunks()).isEqualTo(chunks + 1);
        QueryResponse sum = bigquery.jobs().query(P, new QueryRequest().setUseLegacySql(false)
                .setQuery("SELECT count(DISTINCT s) AS n, sum(id) AS total FROM `rowflow-test.sales.orders` WHERE id < 100000")).execute();
        assertThat(sum.getRows().get(0).getF()).extracting(c -> c.getV()).containsExactly("20000", Long.toString(20_000L * 20_001 / 2));
    }

    @Test
    void aStreamOfUnknownLengthUploadsGzippedChunksOfNewlineDelimitedJson() throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 8_000; i++) {
            lines.append("{\"id\": ").append(i).append(", \"name\": \"").append(Integer.toHexString(i * 7919).repeat(8))
                    .append("\", \"amount\": \"").append(i).append(".5\", \"at\": \"2024-01-01 00:00:00 UTC\"}\n");
        }
        lines.append("{\"id\": \"" + PAST_DOUBLE + "\", \"name\": null, \"amount\": \"" + BIG
                + "\", \"at\": \"2024-02-29T23:59:59.123456Z\"}\n");
        Job job = loadJob("ndjson-1", "events", "WRITE_APPEND", schema(field("id", "INTEGER", "REQUIRED"),
                field("name", "STRING", null), field("amount", "NUMERIC", null), field("at", "TIMESTAMP", null)));
        job.getConfiguration().getLoad().setSourceFormat("NEWLINE_DELIMITED_JSON");
        Bigquery.Jobs.Insert insert = bigquery.jobs().insert(P, job, new InputStreamContent("application/octet-stream",
                new ByteArrayInputStream(lines.toString().getBytes(StandardCharsets.UTF_8))));
        insert.getMediaHttpUploader().setDirectUploadEnabled(false).setChunkSize(MediaHttpUploader.MINIMUM_CHUNK_SIZE);
        Job done = insert.execute();
        assertThat(done.getStatus().getErrorResult()).isNull();
        assertThat(fake.uploadChunks()).isGreaterThan(1);
        assertThat(fake.rowCount(P, "sales", "events")).isEqualTo(8_001);
        Map<String, Object> last = fake.rows(P, "sales", "events", "id DESC").get(0);
        assertThat(last).containsEntry("id", PAST_DOUBLE).containsEntry("name", null)
                .containsEntry("amount", new BigDecimal(BIG)).containsEntry("at", Instant.parse(AT));
        assertThat(fake.rows(P, "sales", "events", "id").get(0)).containsEntry("amount", new BigDecimal("1.5"))
                .containsEntry("at", Instant.parse("2024-01-01T00:00:00Z"));
    }

    // ---------------------------------------------------------------- helpers

    private Job upload(Bigquery client, Job job, Path file, com.google.api.client.googleapis.media.MediaHttpUploaderProgressListener listener)
            throws IOException {
        Bigquery.Jobs.Insert insert = client.jobs().insert(P, job, new FileContent("application/octet-stream", file.toFile()));
        insert.getMediaHttpUploader().setDirectUploadEnabled(false).setChunkSize(MediaHttpUploader.MINIMUM_CHUNK_SIZE);
        if (listener != null) {
            insert.getMediaHttpUploader().setProgressListener(listener);
        }
        return insert.execute();
    }

    private static Job loadJob(String id, String table, String disposition, TableSchema schema) {
        return new Job().setJobReference(new JobReference().setProjectId(P).setJobId(id).setLocation("EU"))
                .setConfiguration(new JobConfiguration().setLoad(new JobConfigurationLoad().setSourceFormat("PARQUET")
                        .setDestinationTable(new TableReference().setProjectId(P).setDatasetId("sales").setTableId(table))
                        .setWriteDisposition(disposition).setSchema(schema)));
    }

    private static TableSchema schema(TableFieldSchema... fields) {
        return new TableSchema().setFields(List.of(fields));
    }

    private static TableFieldSchema field(String name, String type, String mode) {
        return new TableFieldSchema().setName(name).setType(type).setMode(mode);
    }

    private static Map<String, Object> row(long id, String name, String amount, Boolean deleted) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("name", name);
        row.put("amount", amount == null ? null : new BigDecimal(amount));
        if (deleted != null) {
            row.put("_deleted", deleted);
        }
        return row;
    }

    /** {@code rows} rows of hard-to-compress text, and one row of values a double cannot hold, as DuckDB writes Parquet. */
    private Path parquet(String name, int rows) throws SQLException {
        Path file = dir.resolve(name);
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement st = duck.createStatement()) {
            st.execute("SET TimeZone='UTC'");
            st.execute("COPY (SELECT i::BIGINT AS id, md5(i::VARCHAR) || md5((i * 7)::VARCHAR) AS s,"
                    + " CAST(i AS DECIMAL(38,9)) AS amount, TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i) AS at,"
                    + " DATE '2024-01-01' AS day FROM range(1, " + (rows + 1) + ") t(i)"
                    + " UNION ALL SELECT " + PAST_DOUBLE + ", 'special', CAST('" + BIG + "' AS DECIMAL(38,9)),"
                    + " TIMESTAMPTZ '2024-02-29 23:59:59.123456+00', DATE '2024-02-29')"
                    + " TO '" + file + "' (FORMAT PARQUET)");
        }
        return file;
    }
}
