package io.rowflow.writer.excel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.error.DataException;
import io.rowflow.pipeline.Column;
import io.rowflow.pipeline.ColumnType;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.pipeline.StagingArea;
import io.rowflow.pipeline.StagingSettings;
import io.rowflow.pipeline.TextInference;
import io.rowflow.writer.WriteContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Excel's limits are checked before anything is written; a refused write leaves the old workbook and no litter. */
class ExcelWriterTest {
    @TempDir
    Path folder;
    StagingArea area;
    final ExcelWriter writer = new ExcelWriter();
    final ObjectNode settings = new ObjectMapper().createObjectNode();

    @BeforeEach
    void open() throws Exception {
        area = StagingArea.open(null, StagingSettings.defaults());
    }

    @AfterEach
    void close() throws Exception {
        area.close();
    }

    StagedTable stage(List<Map<String, Object>> rows) throws Exception {
        return area.stage(TextInference.ALL, sink -> rows.forEach(sink::accept));
    }

    WriteContext context() {
        return new WriteContext(settings, area.connection(), folder, () -> false);
    }

    byte[] existingWorkbook() throws Exception {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("a", "1");
        writer.write(context(), stage(List.of(row)));
        return Files.readAllBytes(folder.resolve(ExcelWriter.FILE_NAME));
    }

    void assertUntouched(byte[] before) throws Exception {
        assertThat(Files.readAllBytes(folder.resolve(ExcelWriter.FILE_NAME))).isEqualTo(before);
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(ExcelWriter.FILE_NAME);
        }
    }

    @Test
    void aCellLongerThanExcelAllowsIsRefused() throws Exception {
        byte[] before = existingWorkbook();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("a", "ok");
        row.put("essay", "x".repeat(ExcelWriter.MAX_CELL_CHARS + 1));
        StagedTable table = stage(List.of(row));
        assertThatThrownBy(() -> writer.write(context(), table)).isInstanceOf(DataException.class)
                .hasMessageContaining("Column \"essay\" has a value of 32768 characters")
                .hasMessageContaining("Nothing was written");
        assertUntouched(before);
    }

    @Test
    void moreRowsThanASheetHoldsAreRefused() throws Exception {
        byte[] before = existingWorkbook();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("a", "1");
        StagedTable real = stage(List.of(row));
        StagedTable tooLong = new StagedTable(real.sqlName(), real.columns(), ExcelWriter.MAX_ROWS);
        assertThatThrownBy(() -> writer.write(context(), tooLong)).isInstanceOf(DataException.class)
                .hasMessageContaining("1048577 rows").hasMessageContaining("at most 1048576");
        assertUntouched(before);
    }

    @Test
    void appendingStreamsTheExistingRowsAndKeepsTheirTypes() throws Exception {
        settings.put("mode", "append").put("sheetName", "Log");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", Integer.toString(i));
            row.put("big", "1234567890123456789");
            row.put("day", "2024-05-0" + (i + 1));
            row.put("at", "2024-05-01T10:00:0" + i + "Z");
            row.put("ok", i % 2 == 0 ? "true" : "false");
            row.put("text", "=cmd|' /C calc'!A0 ✓");
            rows.add(row);
        }
        writer.write(context(), stage(rows));
        writer.write(context(), stage(rows));
        writer.write(context(), stage(rows));
        try (var workbook = new org.apache.poi.xssf.usermodel.XSSFWorkbook(folder.resolve(ExcelWriter.FILE_NAME).toFile())) {
            var sheet = workbook.getSheet("Log");
            assertThat(sheet.getLastRowNum()).isEqualTo(9);
            for (int r = 1; r <= 9; r++) {
                var row = sheet.getRow(r);
                assertThat(row.getCell(0).getNumericCellValue()).isEqualTo((r - 1) % 3);
                assertThat(row.getCell(1).getStringCellValue()).isEqualTo("1234567890123456789");
                assertThat(org.apache.poi.ss.usermodel.DateUtil.isCellDateFormatted(row.getCell(2))).isTrue();
                assertThat(row.getCell(2).getLocalDateTimeCellValue().toLocalDate().toString())
                        .isEqualTo("2024-05-0" + ((r - 1) % 3 + 1));
                assertThat(row.getCell(3).getLocalDateTimeCellValue())
                        .isEqualTo(java.time.LocalDateTime.parse("2024-05-01T10:00:0" + (r - 1) % 3));
                assertThat(row.getCell(3).getCellStyle().getDataFormatString()).contains("hh:mm");
                assertThat(row.getCell(4).getBooleanCellValue()).isEqualTo((r - 1) % 3 % 2 == 0);
                assertThat(row.getCell(5).getCellType()).isEqualTo(org.apache.poi.ss.usermodel.CellType.STRING);
                assertThat(row.getCell(5).getStringCellValue()).isEqualTo("=cmd|' /C calc'!A0 ✓");
            }
        }
    }

    @Test
    void moreColumnsThanASheetHoldsAreRefused() throws Exception {
        byte[] before = existingWorkbook();
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i <= ExcelWriter.MAX_COLUMNS; i++) {
            columns.add(new Column("c" + i, ColumnType.STRING, "c" + i));
        }
        StagedTable wide = new StagedTable("t_wide", columns, 1);
        assertThatThrownBy(() -> writer.write(context(), wide)).isInstanceOf(DataException.class)
                .hasMessageContaining("16385 columns");
        assertUntouched(before);
    }
}
