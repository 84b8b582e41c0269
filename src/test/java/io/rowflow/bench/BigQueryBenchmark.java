package io.rowflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.services.bigquery.Bigquery;
import com.google.api.services.bigquery.model.TableDataInsertAllRequest;
import com.google.api.services.bigquery.model.TableFieldSchema;
import com.google.api.services.bigquery.model.TableReference;
import com.google.api.services.bigquery.model.TableSchema;
import io.rowflow.connector.ConnectionAccess;
import io.rowflow.google.GoogleApis;
import io.rowflow.pipeline.ColumnType;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.pipeline.StagingArea;
import io.rowflow.pipeline.StagingSettings;
import io.rowflow.pipeline.TextInference;
import io.rowflow.testing.FakeBigQuery;
import io.rowflow.testing.FakeSheets;
import io.rowflow.writer.WriteContext;
import io.rowflow.writer.WriteResult;
import io.rowflow.writer.bigquery.BigQueryConfig;
import io.rowflow.writer.bigquery.BigQueryWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The BigQuery writer on N rows × 8 columns against the local BigQuery fake, beside the naive way in the same
 * invocation: streaming inserts (tabledata.insertAll, 500 rows a request as Google recommends) of the first 100,000
 * rows. Prints seconds, requests and the peak heap of this JVM (the fake's work included). Not a test:
 * {@code ./mvnw -Pbench test-compile exec:exec -Dbench.main=io.rowflow.bench.BigQueryBenchmark -Dbench.rows=1000000}
 * (in the JVM exec starts, with its default heap limit, which it prints).
 */
public final class BigQueryBenchmark {
    static final int NAIVE_ROWS = 100_000;
    static final int BATCH = 500;

    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(args.length > 0 ? args[0].split(",")[0].strip() : "1000000");
        FakeBigQuery fake = FakeBigQuery.start();
        fake.createDataset("bench", "sales", "US");
        GoogleApis google = new GoogleApis(FakeSheets.writerConfig("http://127.0.0.1:9", Duration.ofMillis(100)));
        ObjectNode token = new ObjectMapper().createObjectNode().put("access_token", "bench");
        Path dir = Files.createTempDirectory("rowflow-bigquery-bench");
        try (StagingArea area = StagingArea.open(dir, StagingSettings.defaults())) {
            StagedTable table = area.stage(TextInference.TEMPORAL_ONLY, sink -> {
                for (int i = 0; i < rows; i++) {
                    Map<String, Object> record = new LinkedHashMap<>();
                    record.put("deal_id", 9_000_000_000_000_000_000L + i);
                    record.put("name", "Deal " + i + " for customer " + (i % 5000));
                    record.put("amount", new BigDecimal(i).movePointLeft(2));
                    record.put("probability", (i % 100) / 100.0 + 0.001);
                    record.put("won", i % 3 == 0);
                    record.put("close_date", LocalDate.of(2026, 1, 1).plusDays(i % 365).toString());
                    record.put("stage", List.of("lead", "qualified", "proposal", "won", "lost").get(i % 5));
                    record.put("owner", "owner" + (i % 37) + "@example.com");
                    sink.accept(record);
                }
            });
            System.out.printf(Locale.ROOT, "%nBigQuery, %,d rows × %d columns into a local fake of the BigQuery API"
                    + " (heap limit %d MiB):%n", rows, table.columns().size(), Runtime.getRuntime().maxMemory() >> 20);
            System.out.println("| writer | rows | seconds | rows/s | API requests | a reader can see |");
            System.out.println("|---|---|---|---|---|---|");

            int requests = fake.requests().size();
            long start = System.nanoTime();
            Bigquery client = google.bigquery(UUID.randomUUID(), token, null, fake.rootUrl()).bigquery();
            naive(client, area, table);
            print("naive: insertAll, 500 rows a request", NAIVE_ROWS, start, fake.requests().size() - requests,
                    "rows as they stream; a retry doubles them");

            HeapPeak.reset();
            requests = fake.requests().size();
            start = System.nanoTime();
            BigQueryWriter writer = new BigQueryWriter(google, config(fake.rootUrl()));
            ObjectNode settings = new ObjectMapper().createObjectNode().put("connectionId", UUID.randomUUID().toString())
                    .put("project", "bench").put("dataset", "sales").put("table", "deals").put("mode", "replace");
            WriteResult written = writer.write(new WriteContext(settings, area.connection(), dir, () -> false, () -> {
            }, "bench-run", null, new ConnectionAccess(UUID.randomUUID(), token, null)), table);
            print("Rowflow: Parquet, one load job", rows, start, fake.requests().size() - requests,
                    "old or new table only");
            if (written.rowsWritten() != rows || fake.rowCount("bench", "sales", "deals") != rows) {
                throw new IllegalStateException("wrote " + written.rowsWritten() + " rows");
            }
            System.out.printf(Locale.ROOT, "peak heap of this JVM during Rowflow's write: %d MiB%n", HeapPeak.peak() >> 20);
        } finally {
            fake.close();
        }
    }

    static BigQueryConfig config(String root) {
        return FakeBigQuery.writerConfig(root, 8 * 1024 * 1024, Duration.ofMillis(50));
    }

    /** The baseline: the first rows streamed 500 at a time into a table made for them. */
    private static void naive(Bigquery client, StagingArea area, StagedTable table) throws Exception {
        List<TableFieldSchema> fields = new ArrayList<>();
        for (var column : table.columns()) {
            fields.add(new TableFieldSchema().setName(column.name()).setType(switch (column.type()) {
                case INTEGER -> "INT64";
                case DECIMAL -> "NUMERIC";
                case BOOLEAN -> "BOOL";
                case DATE -> "DATE";
                case TIMESTAMP -> "TIMESTAMP";
                default -> "STRING";
            }));
        }
        client.tables().insert("bench", "sales", new com.google.api.services.bigquery.model.Table().setTableReference(
                new TableReference().setProjectId("bench").setDatasetId("sales").setTableId("streamed")).setSchema(
                        new TableSchema().setFields(fields))).execute();
        List<TableDataInsertAllRequest.Rows> batch = new ArrayList<>();
        try (Statement statement = area.connection().createStatement();
                ResultSet rs = statement.executeQuery(table.selectAll() + " LIMIT " + NAIVE_ROWS)) {
            while (rs.next()) {
                Map<String, Object> json = new LinkedHashMap<>();
                for (int i = 0; i < table.columns().size(); i++) {
                    ColumnType type = table.columns().get(i).type();
                    Object v = type.read(rs, i + 1);
                    json.put(table.columns().get(i).name(), v instanceof BigDecimal || v instanceof Long
                            || v instanceof LocalDate ? v.toString() : v);
                }
                batch.add(new TableDataInsertAllRequest.Rows().setInsertId(UUID.randomUUID().toString()).setJson(json));
                if (batch.size() == BATCH) {
                    send(client, batch);
                }
            }
        }
        send(client, batch);
    }

    private static void send(Bigquery client, List<TableDataInsertAllRequest.Rows> batch) throws Exception {
        if (!batch.isEmpty()) {
            client.tabledata().insertAll("bench", "sales", "streamed", new TableDataInsertAllRequest().setRows(
                    new ArrayList<>(batch))).execute();
            batch.clear();
        }
    }

    private static void print(String writer, long rows, long start, int requests, String reader) {
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "| %s | %,d | %.2f | %,.0f | %d | %s |%n", writer, rows, seconds,
                rows / seconds, requests, reader);
    }
}
