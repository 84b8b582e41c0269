package io.rowflow.writer.excelonline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.error.InvalidInputException;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.connector.AccessTokens;
import io.rowflow.connector.ConnectionAccess;
import io.rowflow.http.HttpSettings;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.pipeline.Column;
import io.rowflow.pipeline.ColumnType;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.pipeline.StagingArea;
import io.rowflow.pipeline.StagingSettings;
import io.rowflow.pipeline.TextInference;
import io.rowflow.testing.FakeGraph;
import io.rowflow.writer.PickerOption;
import io.rowflow.writer.PickerRequest;
import io.rowflow.writer.WriteContext;
import io.rowflow.writer.WriteResult;
import io.rowflow.writer.excel.ExcelWriter;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Excel Online destination against the stateful Graph fake: a workbook over 30 MiB goes up in an upload session
 * and the stored file is exactly the bytes built, a 429 in the middle of the upload is waited out as Retry-After
 * asks, a failed upload leaves the stored file as it was; worksheet mode refreshes one sheet and leaves a formula on
 * another alone; the pickers list drives and folders (and make one); a revoked token is renewed once.
 */
class ExcelOnlineWriterTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int BIG_CHUNK = 10 * 320 * 1024; // 3.2 MiB: a 30 MiB workbook goes up in about ten fragments
    static FakeGraph fake;
    static String baseUrl;
    static SafeHttpClient http;
    static Path dir;
    static StagingArea area;
    static Tokens tokens;
    static String oneDrive;

    /** A signed-in connection's tokens: the fake's, renewed when Graph rejects one. */
    static final class Tokens implements AccessTokens {
        volatile String token = fake.issueToken();
        final AtomicInteger renewed = new AtomicInteger();

        @Override
        public String current() {
            return token;
        }

        @Override
        public synchronized String afterRejection(String rejected) {
            if (rejected.equals(token)) {
                renewed.incrementAndGet();
                token = fake.issueToken();
            }
            return token;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        fake = new FakeGraph();
        baseUrl = fake.startAlone();
        http = new SafeHttpClient(HttpSettings.defaults().withAllowedNetworks(List.of("127.0.0.0/8"))
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(100)));
        dir = Files.createTempDirectory("rowflow-excel-online");
        area = StagingArea.open(dir, StagingSettings.defaults());
        tokens = new Tokens();
        oneDrive = fake.driveIds().get(0);
    }

    @AfterAll
    static void stop() throws Exception {
        area.close();
        http.close();
        fake.stop();
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) { // a 32 MB workbook among them
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @AfterEach
    void healthyAgain() {
        fake.failFragmentsFrom(Integer.MAX_VALUE);
        fake.pageSize = 200;
    }

    static GraphConfig config(int chunkBytes, int cellsPerRequest) {
        return new GraphConfig() {
            @Override
            public String baseUrl() {
                return baseUrl;
            }

            @Override
            public int uploadChunkBytes() {
                return chunkBytes;
            }

            @Override
            public int cellsPerRequest() {
                return cellsPerRequest;
            }
        };
    }

    static ExcelOnlineWriter writer(int chunkBytes, ExcelWriter excel) {
        return new ExcelOnlineWriter(http, config(chunkBytes, 20), excel);
    }

    static ObjectNode settings(String fileName, String mode, String sheetName) {
        return JSON.createObjectNode().put("connectionId", UUID.randomUUID().toString()).put("drive", oneDrive)
                .put("folder", "root").put("fileName", fileName).put("mode", mode).put("sheetName", sheetName);
    }

    static WriteContext context(ObjectNode settings, Runnable fence) {
        return new WriteContext(settings, area.connection(), dir.resolve("destination"), () -> false, fence,
                UUID.randomUUID().toString(), null, new ConnectionAccess(UUID.randomUUID(), JSON.createObjectNode(),
                        tokens));
    }

    static StagedTable stage(List<Map<String, Object>> rows) throws Exception {
        return area.stage(TextInference.TEMPORAL_ONLY, sink -> rows.forEach(sink::accept));
    }

    static List<Map<String, Object>> deals(int count) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", (long) i);
            row.put("amount", i * 100L);
            row.put("stage", i == 1 ? "=1+1" : "Stage " + i); // text that looks like a formula stays text
            rows.add(row);
        }
        return rows;
    }

    /**
     * Rows of hex digits, which zip compresses to about half: 115,000 rows of four 128-character values make a
     * workbook a little over 30 MiB. Generated inside DuckDB, so staging them takes no Java loop.
     */
    static StagedTable largeTable(int rows) throws Exception {
        String name = "deals_" + rows;
        try (Statement statement = area.connection().createStatement()) {
            statement.execute("CREATE OR REPLACE TABLE " + name + " AS SELECT i AS id, "
                    + "md5(i::VARCHAR) || md5((i + 1)::VARCHAR) || md5((i + 2)::VARCHAR) || md5((i + 3)::VARCHAR) AS a, "
                    + "md5(random()::VARCHAR) || md5(random()::VARCHAR) || md5(random()::VARCHAR) || md5(random()::VARCHAR) AS b, "
                    + "md5(random()::VARCHAR) || md5(random()::VARCHAR) || md5(random()::VARCHAR) || md5(random()::VARCHAR) AS c, "
                    + "md5(random()::VARCHAR) || md5(random()::VARCHAR) || md5(random()::VARCHAR) || md5(random()::VARCHAR) AS d "
                    + "FROM range(" + rows + ") t(i)");
        }
        List<Column> columns = List.of(new Column("id", ColumnType.INTEGER, "id"), new Column("a", ColumnType.STRING,
                "a"), new Column("b", ColumnType.STRING, "b"), new Column("c", ColumnType.STRING, "c"),
                new Column("d", ColumnType.STRING, "d"));
        return new StagedTable(name, columns, rows);
    }

    /** The Excel writer as the destination uses it, keeping a copy of each workbook it builds for the test. */
    static final class KeepingExcelWriter extends ExcelWriter {
        final Path kept;

        KeepingExcelWriter(Path kept) {
            this.kept = kept;
        }

        @Override
        public WriteResult write(WriteContext context, StagedTable table) throws Exception {
            WriteResult result = super.write(context, table);
            Files.copy(context.folder().resolve(FILE_NAME), kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return result;
        }
    }

    @Test
    void aWorkbookOver30MiBGoesUpInAnUploadSessionThroughA429AndIsStoredByteForByte() throws Exception {
        Path built = dir.resolve("built.xlsx");
        ExcelOnlineWriter writer = writer(BIG_CHUNK, new KeepingExcelWriter(built));
        byte[] old = "the workbook before".getBytes();
        fake.putFile(oneDrive, null, "Large.xlsx", old);
        StagedTable table = largeTable(115_000);
        int fragmentsBefore = fake.fragments.get();
        fake.acceptedRanges.clear();
        fake.throttled.clear();
        // The 1st call creates the upload session; the 5th is the 4th fragment: Graph throttles it for 1 s.
        fake.throttleNthCall(5, 1);
        byte[][] storedAtFence = new byte[1][];
        long started = System.nanoTime();
        WriteResult result = writer.write(context(settings("Large.xlsx", "workbook", "Deals"),
                () -> storedAtFence[0] = fake.content(oneDrive, null, "Large.xlsx")), table);
        long millis = (System.nanoTime() - started) / 1_000_000;

        long size = Files.size(built);
        assertThat(size).as("workbook size").isGreaterThan(30L << 20);
        assertThat(fake.content(oneDrive, null, "Large.xlsx")).as("the stored file").isEqualTo(Files.readAllBytes(built));
        // Until the last fragment the old file is what everyone sees.
        assertThat(storedAtFence[0]).isEqualTo(old);
        int expected = (int) ((size + BIG_CHUNK - 1) / BIG_CHUNK);
        assertThat(fake.acceptedRanges).hasSize(expected);
        assertThat(fake.acceptedRanges.get(expected - 1)).endsWith("-" + (size - 1) + "/" + size);
        assertThat(fake.fragments.get() - fragmentsBefore).as("fragments received").isEqualTo(expected);
        assertThat(fake.throttled).hasSize(1).allMatch(call -> call.startsWith("PUT /up/"));
        assertThat(millis).as("the write waited out Retry-After: 1").isGreaterThanOrEqualTo(1000);
        assertThat(result.rowsWritten()).isEqualTo(115_000);
        assertThat(result.location()).contains("/web/" + oneDrive + "/");
        assertThat(fake.openUploads()).isZero();
        System.out.printf("Uploaded %,d bytes in %d fragments of %,d bytes (+1 throttled) in %,d ms%n", size, expected,
                BIG_CHUNK, millis);
    }

    @Test
    void anUploadFailingMidWayLeavesTheStoredWorkbookAsItWasAndCancelsTheSession() throws Exception {
        ExcelOnlineWriter writer = writer(320 * 1024, new ExcelWriter());
        byte[] old = workbookWithSummary(5);
        fake.putFile(oneDrive, null, "Kept.xlsx", old);
        fake.failFragmentsFrom(2);
        boolean[] fenced = { false };
        assertThatThrownBy(() -> writer.write(context(settings("Kept.xlsx", "workbook", "Data"), () -> fenced[0] = true),
                largeTable(5_000))).isInstanceOf(UpstreamException.class).satisfies(e -> {
                    assertThat(((UpstreamException) e).passing()).isTrue();
                    assertThat(e.getMessage()).startsWith("Microsoft Graph failed while uploading the workbook");
                });
        assertThat(fake.content(oneDrive, null, "Kept.xlsx")).isEqualTo(old);
        assertThat(fenced[0]).as("the fence before the last fragment").isFalse();
        assertThat(fake.openUploads()).as("upload sessions left open").isZero();
    }

    /** A workbook as a user keeps it: a Data sheet of old rows, and a Summary sheet whose formula reads it. */
    static byte[] workbookWithSummary(int oldRows) throws Exception {
        try (XSSFWorkbook book = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            XSSFSheet summary = book.createSheet("Summary");
            XSSFSheet data = book.createSheet("Data");
            for (int r = 0; r <= oldRows; r++) {
                var row = data.createRow(r);
                for (int c = 0; c < 6; c++) {
                    row.createCell(c).setCellValue(r == 0 ? "old " + c : "old " + r + "/" + c);
                }
            }
            summary.createRow(0).createCell(0).setCellValue("Total");
            summary.getRow(0).createCell(1).setCellFormula("SUM(Data!B2:B1000)");
            book.write(out);
            return out.toByteArray();
        }
    }

    @Test
    void worksheetModeRefreshesOneSheetAndLeavesTheFormulaOnAnotherIntact() throws Exception {
        ExcelOnlineWriter writer = writer(BIG_CHUNK, new ExcelWriter());
        fake.putFile(oneDrive, null, "Deals.xlsx", workbookWithSummary(30));
        int updatesBefore = fake.rangeUpdates.get();
        WriteResult result = writer.write(context(settings("Deals.xlsx", "worksheet", "Data"), () -> {
        }), stage(deals(12)));
        byte[] stored = fake.content(oneDrive, null, "Deals.xlsx");

        assertThat(result.rowsWritten()).isEqualTo(12);
        assertThat(FakeGraph.sheetNames(stored)).containsExactly("Summary", "Data");
        assertThat(FakeGraph.cellText(stored, "Summary", "B1")).isEqualTo("=SUM(Data!B2:B1000)");
        assertThat(FakeGraph.cellText(stored, "Summary", "A1")).isEqualTo("Total");
        assertThat(FakeGraph.cellText(stored, "Data", "A1")).isEqualTo("id");
        assertThat(FakeGraph.cellText(stored, "Data", "C1")).isEqualTo("stage");
        assertThat(FakeGraph.cellText(stored, "Data", "B13")).isEqualTo("1200");
        assertThat(FakeGraph.cellText(stored, "Data", "C2")).as("text that looks like a formula").isEqualTo("=1+1");
        // The old data beyond the new rows and columns is cleared.
        assertThat(FakeGraph.cellText(stored, "Data", "A14")).isNull();
        assertThat(FakeGraph.cellText(stored, "Data", "F31")).isNull();
        assertThat(FakeGraph.cellText(stored, "Data", "D1")).isNull();
        assertThat(FakeGraph.cellText(stored, "Data", "F13")).isNull();
        // 13 rows of 3 cells, 20 cells a request: 6 rows a request, 3 requests.
        assertThat(fake.rangeUpdates.get() - updatesBefore).isEqualTo(3);
        assertThat(fake.openSessions()).isZero();

        // A sheet the workbook lacks is added; the others stay.
        writer.write(context(settings("Deals.xlsx", "worksheet", "Pipeline"), () -> {
        }), stage(deals(2)));
        stored = fake.content(oneDrive, null, "Deals.xlsx");
        assertThat(FakeGraph.sheetNames(stored)).containsExactly("Summary", "Data", "Pipeline");
        assertThat(FakeGraph.cellText(stored, "Pipeline", "A3")).isEqualTo("2");
        assertThat(FakeGraph.cellText(stored, "Data", "B13")).isEqualTo("1200");
        assertThat(FakeGraph.cellText(stored, "Summary", "B1")).isEqualTo("=SUM(Data!B2:B1000)");
    }

    @Test
    void worksheetModeMakesTheWorkbookWhenThereIsNoneYet() throws Exception {
        ExcelOnlineWriter writer = writer(BIG_CHUNK, new ExcelWriter());
        writer.write(context(settings("New.xlsx", "worksheet", "Data"), () -> {
        }), stage(deals(3)));
        byte[] stored = fake.content(oneDrive, null, "New.xlsx");
        assertThat(FakeGraph.sheetNames(stored)).containsExactly("Data");
        assertThat(FakeGraph.cellText(stored, "Data", "A4")).isEqualTo("3");
    }

    @Test
    void pickersListDrivesAndFoldersAndMakeAFolder() {
        ExcelOnlineWriter writer = writer(BIG_CHUNK, new ExcelWriter());
        ConnectionAccess access = new ConnectionAccess(UUID.randomUUID(), JSON.createObjectNode(), tokens);
        fake.pageSize = 1; // every collection comes a page at a time
        assertThat(writer.options("drive", new PickerRequest(access, Map.of()))).extracting(PickerOption::label)
                .containsExactly("OneDrive", "SharePoint: Sales Documents");

        String library = fake.driveIds().get(1);
        String reports = fake.addFolder(library, null, "Reports");
        String year = fake.addFolder(library, reports, "2026");
        fake.addFolder(library, year, "Too deep");
        fake.putFile(library, null, "Notes.xlsx", new byte[] { 1 });
        fake.addFolder(library, null, "Archive");
        List<PickerOption> folders = writer.options("folder", new PickerRequest(access, Map.of("drive", library)));
        assertThat(folders).extracting(PickerOption::label).containsExactly("/ (top of the drive)", "/Archive",
                "/Reports", "/Reports/2026");
        assertThat(folders.get(3).value()).isEqualTo(year);
        assertThatThrownBy(() -> writer.options("folder", new PickerRequest(access, Map.of())))
                .isInstanceOf(InvalidInputException.class);

        PickerOption made = writer.create("folder", new PickerRequest(access, Map.of("drive", library)), " Exports ");
        assertThat(made.label()).isEqualTo("/Exports");
        assertThat(writer.options("folder", new PickerRequest(access, Map.of("drive", library))))
                .extracting(PickerOption::value).contains(made.value());
        assertThatThrownBy(() -> writer.create("folder", new PickerRequest(access, Map.of("drive", library)), "Exports"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("already");
    }

    @Test
    void theSheetPickerListsAWorkbooksSheetsAndNoneBeforeItExists() throws Exception {
        ExcelOnlineWriter writer = writer(BIG_CHUNK, new ExcelWriter());
        ConnectionAccess access = new ConnectionAccess(UUID.randomUUID(), JSON.createObjectNode(), tokens);
        String folder = fake.addFolder(oneDrive, null, "Sheets here");
        fake.putFile(oneDrive, folder, "Plan.xlsx", workbookWithSummary(2));
        assertThat(writer.options("sheetName", new PickerRequest(access, Map.of("drive", oneDrive, "folder", folder,
                "fileName", "Plan.xlsx")))).extracting(PickerOption::value).containsExactly("Summary", "Data");
        assertThat(writer.options("sheetName", new PickerRequest(access, Map.of("drive", oneDrive, "folder", folder,
                "fileName", "Not yet.xlsx")))).isEmpty();
    }

    @Test
    void aTokenGraphRejectsIsRenewedOnceAndTheWriteGoesOn() throws Exception {
        ExcelOnlineWriter writer = writer(BIG_CHUNK, new ExcelWriter());
        fake.revoke(tokens.token);
        int renewedBefore = tokens.renewed.get();
        writer.write(context(settings("Renewed.xlsx", "workbook", "Data"), () -> {
        }), stage(deals(2)));
        assertThat(tokens.renewed.get() - renewedBefore).isEqualTo(1);
        assertThat(fake.content(oneDrive, null, "Renewed.xlsx")).isNotNull();
    }
}
