package io.rowflow.writer.excel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.error.DataException;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.pipeline.StagingArea;
import io.rowflow.pipeline.StagingSettings;
import io.rowflow.pipeline.TextInference;
import io.rowflow.writer.WriteContext;
import io.rowflow.writer.WriteResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Excel's upsert by key: a key already in the sheet is updated in place (its row keeps its place; a column the new
 * rows lack keeps its cell), a new key is appended once (the last row of a key given twice), columns are matched by
 * name as an append matches them, rows the source says were deleted are removed, and a refused upsert leaves the
 * workbook byte-identical with no temp file.
 */
class ExcelUpsertTest {
    @TempDir
    Path folder;
    StagingArea area;
    final ExcelWriter writer = new ExcelWriter();
    final ObjectNode settings = new ObjectMapper().createObjectNode();

    @BeforeEach
    void open() throws Exception {
        area = StagingArea.open(null, StagingSettings.defaults());
        settings.put("mode", "upsert").put("sheetName", "Issues").putArray("keyColumns").add("key");
    }

    @AfterEach
    void close() throws Exception {
        area.close();
    }

    StagedTable stage(List<Map<String, Object>> rows) throws Exception {
        return area.stage(TextInference.ALL, sink -> rows.forEach(sink::accept));
    }

    static Map<String, Object> row(String... namesAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            row.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return row;
    }

    WriteResult write(StagedTable table, StagedTable deleted) throws Exception {
        return writer.write(new WriteContext(settings, area.connection(), folder, () -> false, () -> {
        }, null, deleted), table);
    }

    /** The sheet as text, row by row, empty cells as "". */
    List<List<String>> sheet() throws Exception {
        List<List<String>> out = new ArrayList<>();
        DataFormatter format = new DataFormatter();
        try (XSSFWorkbook workbook = new XSSFWorkbook(folder.resolve(ExcelWriter.FILE_NAME).toFile())) {
            var sheet = workbook.getSheet("Issues");
            int width = sheet.getRow(0).getLastCellNum();
            for (int r = 0; r <= sheet.getLastRowNum(); r++) {
                List<String> cells = new ArrayList<>();
                for (int c = 0; c < width; c++) {
                    var cell = sheet.getRow(r) == null ? null : sheet.getRow(r).getCell(c);
                    cells.add(cell == null ? "" : format.formatCellValue(cell));
                }
                out.add(cells);
            }
        }
        return out;
    }

    List<Map<String, Object>> fiveIssues() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            rows.add(row("key", "OPS-" + i, "Summary", "Task " + i, "Note", "n" + i));
        }
        return rows;
    }

    @Test
    void aKnownKeyIsUpdatedInPlaceAndANewOneAppendedOnce() throws Exception {
        write(stage(fiveIssues()), null);
        // Another column order, no "Note", a new "Assignee", OPS-6 given twice: the later one wins.
        WriteResult result = write(stage(List.of(
                row("Summary", "Task 2, reworded", "key", "OPS-2", "Assignee", "Ada"),
                row("Summary", "Six (old)", "key", "OPS-6", "Assignee", "Bo"),
                row("Summary", "Task 4, reworded", "key", "OPS-4", "Assignee", ""),
                row("Summary", "Six", "key", "OPS-6", "Assignee", "Cy"))), null);
        assertThat(sheet()).containsExactly(
                List.of("key", "Summary", "Note", "Assignee"),
                List.of("OPS-1", "Task 1", "n1", ""),
                List.of("OPS-2", "Task 2, reworded", "n2", "Ada"),
                List.of("OPS-3", "Task 3", "n3", ""),
                List.of("OPS-4", "Task 4, reworded", "n4", ""),
                List.of("OPS-5", "Task 5", "n5", ""),
                List.of("OPS-6", "Six", "", "Cy"));
        assertThat(result.rowsWritten()).as("two updated, one appended").isEqualTo(3);
    }

    @Test
    void numericKeysMatchWhateverTheCellHoldsThemAs() throws Exception {
        settings.putArray("keyColumns").add("id").add("site");
        // "10101" is typed as a number here and read back from the sheet as a double; 19 digits stay text.
        write(stage(List.of(row("id", "10101", "site", "a", "v", "1"), row("id", "1234567890123456789", "site", "a",
                "v", "2"), row("id", "10101", "site", "b", "v", "3"))), null);
        write(stage(List.of(row("id", "10101", "site", "a", "v", "10"), row("id", "1234567890123456789", "site", "a",
                "v", "20"))), null);
        List<List<String>> sheet = sheet();
        assertThat(sheet).hasSize(4);
        assertThat(sheet.get(1)).containsExactly("10101", "a", "10");
        assertThat(sheet.get(2)).containsExactly("1234567890123456789", "a", "20");
        assertThat(sheet.get(3)).containsExactly("10101", "b", "3");
    }

    @Test
    void rowsTheSourceSaysWereDeletedAreRemoved() throws Exception {
        write(stage(fiveIssues()), null);
        // Staged as a transform would shape them: the columns of the rows to write, in any order.
        StagedTable deleted = stage(List.of(row("Summary", "Task 2", "key", "OPS-2"), row("Summary", "x", "key",
                "OPS-4"), row("Summary", "never there", "key", "OPS-99")));
        write(stage(List.of(row("key", "OPS-4", "Summary", "Task 4, back"), row("key", "OPS-7", "Summary", "Seven"))),
                deleted);
        assertThat(sheet()).containsExactly(
                List.of("key", "Summary", "Note"),
                List.of("OPS-1", "Task 1", "n1"),
                List.of("OPS-3", "Task 3", "n3"),
                List.of("OPS-4", "Task 4, back", "n4"), // read in this run too: it stays, updated
                List.of("OPS-5", "Task 5", "n5"),
                List.of("OPS-7", "Seven", ""));
    }

    @Test
    void aFirstUpsertWritesEachKeyOnce() throws Exception {
        write(stage(List.of(row("key", "A", "v", "1"), row("key", "B", "v", "2"), row("key", "A", "v", "3"))), null);
        // A key given twice is written once, where its last row is.
        assertThat(sheet()).containsExactly(List.of("key", "v"), List.of("B", "2"), List.of("A", "3"));
    }

    @Test
    void aRefusedUpsertLeavesTheWorkbookByteIdentical() throws Exception {
        write(stage(fiveIssues()), null);
        byte[] before = Files.readAllBytes(folder.resolve(ExcelWriter.FILE_NAME));
        assertThatThrownBy(() -> write(stage(List.of(row("Summary", "no key here"))), null))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("The key column \"key\" is not among the columns of the new rows [Summary]")
                .hasMessageContaining("Nothing was written");
        assertUntouched(before);

        settings.putArray("keyColumns").add("Summary").add("Team");
        assertThatThrownBy(() -> write(stage(List.of(row("Summary", "Task 1", "Team", "Blue"))), null))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("The key column \"Team\" is not among the columns of the sheet \"Issues\"");
        assertUntouched(before);

        settings.putArray("keyColumns").add("key");
        StagedTable deletedWithoutKey = stage(List.of(row("Summary", "Task 1")));
        assertThatThrownBy(() -> write(stage(List.of(row("key", "OPS-9", "Summary", "x"))), deletedWithoutKey))
                .isInstanceOf(DataException.class).hasMessageContaining("the deleted records [Summary]");
        assertUntouched(before);
    }

    @Test
    void upsertWithoutKeyColumnsIsRefusedWhenTheFlowIsSaved() {
        ObjectNode noKeys = new ObjectMapper().createObjectNode().put("mode", "upsert");
        assertThat(writer.check(noKeys, "destinations[0].settings")).singleElement()
                .satisfies(e -> assertThat(e.field()).isEqualTo("destinations[0].settings.keyColumns"));
        assertThat(writer.check(settings, "destinations[0].settings")).isEmpty();
        assertThat(writer.keepsEarlierRows(settings)).isTrue();
    }

    void assertUntouched(byte[] before) throws Exception {
        assertThat(Files.readAllBytes(folder.resolve(ExcelWriter.FILE_NAME))).isEqualTo(before);
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(ExcelWriter.FILE_NAME);
        }
    }
}
