package io.rowflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.services.sheets.v4.model.ValueRange;
import io.rowflow.pipeline.ColumnType;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.pipeline.StagingArea;
import io.rowflow.pipeline.StagingSettings;
import io.rowflow.pipeline.TextInference;
import io.rowflow.testing.FakeSheets;
import io.rowflow.writer.WriteContext;
import io.rowflow.writer.WriteResult;
import io.rowflow.google.GoogleApis;
import io.rowflow.writer.sheets.GoogleSheetsWriter;
import io.rowflow.google.SheetsConfig;
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
 * The Google Sheets writer on 100,000 rows × 20 columns against the local fake, beside a naive writer in the same
 * invocation: one values.append request per 1,000 rows straight into the tab (which a reader sees half-written).
 * Prints seconds, API requests, bytes sent and the largest request. Not a test: {@code ./mvnw -Pbench test-compile
 * exec:exec -Dbench.main=io.rowflow.bench.SheetsBenchmark -Dbench.rows=100000}.
 */
public final class SheetsBenchmark {
    static final int COLUMNS = 20;

    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(args.length > 0 ? args[0].split(",")[0].strip() : "100000");
        FakeSheets fake = new FakeSheets();
        String base = fake.startAlone();
        SheetsConfig config = FakeSheets.writerConfig(base, Duration.ofSeconds(1));
        GoogleApis google = new GoogleApis(config);
        GoogleApis.Session session = google.open(UUID.randomUUID(), new ObjectMapper().createObjectNode()
                .put("service_account_key", fake.serviceAccountKey()), null);
        Path dir = Files.createTempDirectory("rowflow-sheets-bench");
        try (StagingArea area = StagingArea.open(dir, StagingSettings.defaults())) {
            StagedTable table = area.stage(TextInference.TEMPORAL_ONLY, sink -> {
                for (int i = 0; i < rows; i++) {
                    Map<String, Object> record = new LinkedHashMap<>();
                    for (int c = 0; c < COLUMNS; c++) {
                        record.put("col_" + c, switch (c % 5) {
                            case 0 -> (long) i * 7 + c;
                            case 1 -> "Customer " + (i % 5000) + " / " + c;
                            case 2 -> (i % 1000) / 10.0 + c;
                            case 3 -> i % 3 == 0;
                            default -> LocalDate.of(2026, 1, 1).plusDays(i % 365).toString();
                        });
                    }
                    sink.accept(record);
                }
            });
            System.out.printf(Locale.ROOT, "%nGoogle Sheets, %,d rows × %d columns (%,d cells) into a local fake of the"
                    + " Sheets API:%n", rows, COLUMNS, (long) rows * COLUMNS);
            System.out.println("| writer | seconds | API requests | MiB sent (gzip) | largest request (gzip / JSON) | a reader can see |");
            System.out.println("|---|---|---|---|---|---|");

            String naiveBook = fake.create("naive");
            fake.addTab(naiveBook, "Data", 1000, COLUMNS);
            int requests = fake.requests.get();
            long bytes = fake.bytesReceived.get();
            fake.largestBody.set(0);
            fake.largestPayload.set(0);
            long start = System.nanoTime();
            naive(session, naiveBook, area, table);
            print("naive: one append per 1,000 rows", start, fake.requests.get() - requests,
                    fake.bytesReceived.get() - bytes, fake, "half-written tabs");

            String book = fake.create("rowflow");
            ObjectNode settings = new ObjectMapper().createObjectNode().put("connectionId", UUID.randomUUID().toString())
                    .put("spreadsheet", book).put("sheetName", "Data").put("startCell", "A1").put("mode", "replace");
            requests = fake.requests.get();
            bytes = fake.bytesReceived.get();
            fake.largestBody.set(0);
            fake.largestPayload.set(0);
            start = System.nanoTime();
            WriteResult written = GoogleSheetsWriter.write(session, settings, new WriteContext(settings, area.connection(),
                    dir, () -> false), table, config.chunkBytes());
            print("Rowflow: staged in chunks, one swap", start, fake.requests.get() - requests,
                    fake.bytesReceived.get() - bytes, fake, "old or new only");
            if (written.rowsWritten() != rows || fake.grid(book, "Data").size() != rows + 1) {
                throw new IllegalStateException("wrote " + written.rowsWritten() + " rows");
            }
        } finally {
            fake.stop();
        }
    }

    private static void print(String writer, long start, int requests, long bytes, FakeSheets fake, String reader) {
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "| %s | %.2f | %d | %.1f | %.2f / %.2f MiB | %s |%n", writer, seconds, requests,
                bytes / 1048576.0, fake.largestBody.get() / 1048576.0, fake.largestPayload.get() / 1048576.0, reader);
    }

    /** The baseline: rows appended 1,000 at a time, values as the staged types give them. */
    private static void naive(GoogleApis.Session session, String spreadsheet, StagingArea area, StagedTable table)
            throws Exception {
        List<List<Object>> batch = new ArrayList<>();
        List<ColumnType> types = table.columns().stream().map(c -> c.type()).toList();
        List<Object> header = new ArrayList<>(table.columns().stream().map(c -> (Object) c.name()).toList());
        batch.add(header);
        try (Statement statement = area.connection().createStatement(); ResultSet rs = statement.executeQuery(
                table.selectAll())) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 0; i < types.size(); i++) {
                    Object v = types.get(i).read(rs, i + 1);
                    row.add(v instanceof LocalDate d ? d.toString() : v);
                }
                batch.add(row);
                if (batch.size() == 1000) {
                    append(session, spreadsheet, batch);
                }
            }
        }
        append(session, spreadsheet, batch);
    }

    private static void append(GoogleApis.Session session, String spreadsheet, List<List<Object>> batch) throws Exception {
        if (!batch.isEmpty()) {
            session.sheets().spreadsheets().values().append(spreadsheet, "Data!A1", new ValueRange().setValues(
                    new ArrayList<>(batch))).setValueInputOption("RAW").setInsertDataOption("INSERT_ROWS").execute();
            batch.clear();
        }
    }
}
