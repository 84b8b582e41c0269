package io.rowflow.connector.xlsx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rowflow.common.error.DataException;
import io.rowflow.pipeline.ColumnsAnnouncement;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real .xlsx files written with POI, read back through the streaming reader. */
class XlsxReaderTest {
    @TempDir
    Path dir;

    private final List<Map<String, Object>> records = new ArrayList<>();
    private final List<List<String>> announced = new ArrayList<>();

    private void read(Path file, String sheet, String range, Integer headerRow) throws IOException {
        XlsxReader.read(file, new XlsxReader.Settings(sheet, range, headerRow), record -> {
            if (record instanceof ColumnsAnnouncement) {
                announced.add(new ArrayList<>(record.keySet()));
            } else {
                records.add(new LinkedHashMap<>(record));
            }
        });
    }

    private Path write(String name, Workbook workbook) throws IOException {
        Path file = dir.resolve(name);
        try (workbook; OutputStream out = Files.newOutputStream(file)) {
            workbook.write(out);
        }
        return file;
    }

    /** One sheet "Orders" with a header, typed cells of every kind, and a formula whose result is cached. */
    private Path typedWorkbook() throws IOException {
        XSSFWorkbook book = new XSSFWorkbook();
        CellStyle date = book.createCellStyle();
        date.setDataFormat(book.createDataFormat().getFormat("yyyy-mm-dd"));
        CellStyle dateTime = book.createCellStyle();
        dateTime.setDataFormat(book.createDataFormat().getFormat("dd/mm/yyyy hh:mm"));
        CellStyle time = book.createCellStyle();
        time.setDataFormat(book.createDataFormat().getFormat("h:mm:ss"));
        CellStyle money = book.createCellStyle();
        money.setDataFormat(book.createDataFormat().getFormat("#,##0.00 \"€\""));
        Sheet sheet = book.createSheet("Orders");
        Row header = sheet.createRow(0);
        String[] names = { "Id", "Ordered", "Shipped at", "Cutoff", "Price", "Fee", "Total", "Paid", "Note", "Ratio" };
        for (int i = 0; i < names.length; i++) {
            header.createCell(i).setCellValue(names[i]);
        }
        Row one = sheet.createRow(1);
        one.createCell(0).setCellValue(1);
        one.createCell(1).setCellValue(LocalDate.of(2024, 1, 15));
        one.getCell(1).setCellStyle(date);
        one.createCell(2).setCellValue(LocalDateTime.of(2024, 1, 15, 10, 30));
        one.getCell(2).setCellStyle(dateTime);
        one.createCell(3).setCellValue(17.0 / 24); // 17:00
        one.getCell(3).setCellStyle(time);
        one.createCell(4).setCellValue(0.1);
        one.getCell(4).setCellStyle(money);
        one.createCell(5).setCellValue(0.2);
        one.createCell(6).setCellFormula("E2+F2"); // 0.30000000000000004 in binary floating point
        one.createCell(7).setCellValue(true);
        one.createCell(8).setCellValue("first, \"quoted\"");
        one.createCell(9).setCellFormula("1/0");
        Row two = sheet.createRow(2);
        two.createCell(0).setCellValue(12345678901L);
        two.createCell(4).setCellValue(1234567.89);
        two.createCell(5).setCellValue(-0.07);
        two.createCell(6).setCellFormula("E3+F3");
        two.createCell(7).setCellValue(false);
        // Cells 1, 2, 3, 8 and 9 left empty.
        book.getCreationHelper().createFormulaEvaluator().evaluateAll();
        return write("typed.xlsx", book);
    }

    @Test
    void cellsKeepTheirOwnTypesAndNumbersTheDigitsExcelShows() throws IOException {
        read(typedWorkbook(), null, null, null);
        assertThat(announced).containsExactly(List.of("Id", "Ordered", "Shipped at", "Cutoff", "Price", "Fee", "Total",
                "Paid", "Note", "Ratio"));
        assertThat(records).hasSize(2);
        Map<String, Object> one = records.get(0);
        assertThat(one.get("Id")).isEqualTo(1L);
        assertThat(one.get("Ordered")).isEqualTo("2024-01-15");
        assertThat(one.get("Shipped at")).isEqualTo("2024-01-15T10:30:00");
        assertThat(one.get("Cutoff")).isEqualTo("17:00:00");
        assertThat(one.get("Price")).isEqualTo(new BigDecimal("0.1"));
        assertThat(one.get("Fee")).isEqualTo(new BigDecimal("0.2"));
        assertThat(one.get("Total")).isEqualTo(new BigDecimal("0.3")); // the cached 0.30000000000000004, as Excel shows it
        assertThat(one.get("Paid")).isEqualTo(true);
        assertThat(one.get("Note")).isEqualTo("first, \"quoted\"");
        assertThat(one.get("Ratio")).isEqualTo("#DIV/0!");
        Map<String, Object> two = records.get(1);
        assertThat(two.get("Id")).isEqualTo(12345678901L);
        assertThat(two.get("Price")).isEqualTo(new BigDecimal("1234567.89"));
        assertThat(two.get("Fee")).isEqualTo(new BigDecimal("-0.07"));
        assertThat(two.get("Total")).isEqualTo(new BigDecimal("1234567.82"));
        assertThat(two.get("Paid")).isEqualTo(false);
        assertThat(two).containsEntry("Ordered", null).containsEntry("Shipped at", null).containsEntry("Note", null)
                .containsEntry("Ratio", null);
        assertThat(two.keySet()).containsExactlyElementsOf(announced.get(0));
    }

    /** A report-like sheet: a title and notes above the header, the table from B4, a total column off to the right. */
    private Path reportWorkbook() throws IOException {
        XSSFWorkbook book = new XSSFWorkbook();
        Sheet cover = book.createSheet("Cover");
        cover.createRow(0).createCell(0).setCellValue("Read me");
        Sheet sheet = book.createSheet("Q1 report");
        sheet.createRow(0).createCell(0).setCellValue("Sales, first quarter");
        sheet.createRow(1).createCell(0).setCellValue("Figures in EUR");
        Row header = sheet.createRow(3);
        header.createCell(1).setCellValue("Region");
        header.createCell(2).setCellValue("Amount");
        header.createCell(3).setCellValue(2024);
        header.createCell(6).setCellValue("Outside");
        for (int i = 0; i < 5; i++) {
            Row row = sheet.createRow(4 + i);
            row.createCell(1).setCellValue("R" + (i + 1));
            row.createCell(2).setCellValue(100.25 * (i + 1));
            row.createCell(3).setCellValue(i);
            row.createCell(6).setCellValue("x" + i);
        }
        sheet.createRow(9).createCell(1).setCellValue("Total");
        sheet.getRow(9).createCell(2).setCellFormula("SUM(C5:C9)");
        book.getCreationHelper().createFormulaEvaluator().evaluateAll();
        return write("report.xlsx", book);
    }

    @Test
    void aRangeAndAHeaderRowReadOnlyTheTable() throws IOException {
        read(reportWorkbook(), "Q1 report", "B4:D9", 4);
        assertThat(announced).containsExactly(List.of("Region", "Amount", "2024"));
        assertThat(records).extracting(r -> r.get("Region")).containsExactly("R1", "R2", "R3", "R4", "R5");
        assertThat(records).extracting(r -> r.get("Amount")).containsExactly(new BigDecimal("100.25"),
                new BigDecimal("200.5"), new BigDecimal("300.75"), 401L, new BigDecimal("501.25"));
        assertThat(records).extracting(r -> r.get("2024")).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(records).allSatisfy(r -> assertThat(r).doesNotContainKey("Outside"));
    }

    @Test
    void withoutARangeTheHeaderRowSkipsWhatIsAboveAndTheFormulaRowComesToo() throws IOException {
        read(reportWorkbook(), "Q1 report", null, 4);
        assertThat(announced).containsExactly(List.of("Region", "Amount", "2024", "E", "F", "Outside"));
        assertThat(records).hasSize(6);
        assertThat(records.get(5)).containsEntry("Region", "Total").containsEntry("Amount", new BigDecimal("1503.75"));
        assertThat(records.get(0)).containsEntry("Outside", "x0").containsEntry("E", null);
    }

    @Test
    void noHeaderRowNamesColumnsByTheirLetters() throws IOException {
        read(reportWorkbook(), "Q1 report", "B5:C6", 0);
        assertThat(records).containsExactly(Map.of("B", "R1", "C", new BigDecimal("100.25")),
                Map.of("B", "R2", "C", new BigDecimal("200.5")));
    }

    @Test
    void theFirstSheetByDefaultAndAnUnknownSheetNamesTheOnesThereAre() throws IOException {
        Path file = reportWorkbook();
        read(file, null, null, null);
        assertThat(records).isEmpty(); // "Read me" is the header of the first sheet, which has no rows
        assertThat(announced).containsExactly(List.of("Read me"));
        assertThatThrownBy(() -> read(file, "Q2 report", null, null)).isInstanceOf(DataException.class)
                .hasMessage("The workbook has no sheet \"Q2 report\"; its sheets are \"Cover\", \"Q1 report\". Sheet"
                        + " names are matched exactly, capitals included");
    }

    @Test
    void aHeaderRowOutsideTheRangeOrEmptyIsRefused() throws IOException {
        Path file = reportWorkbook();
        assertThatThrownBy(() -> read(file, "Q1 report", "B4:D8", 2)).isInstanceOf(DataException.class)
                .hasMessage("The header row 2 lies outside the range B4:D8: choose a row inside it, or 0 for no header row");
        assertThatThrownBy(() -> read(file, "Q1 report", null, 3)).isInstanceOf(DataException.class)
                .hasMessage("The header row 3 is empty: choose the row that names the columns, or 0 for none");
        assertThatThrownBy(() -> read(file, "Q1 report", "B4:D8x", null)).isInstanceOf(DataException.class)
                .hasMessageStartingWith("The range \"B4:D8x\" is not in A1 notation");
    }

    @Test
    void filesThatAreNotXlsxAreNamedForWhatTheyAre() throws IOException {
        Path csv = Files.writeString(dir.resolve("data.xlsx"), "a,b\n1,2\n");
        assertThatThrownBy(() -> read(csv, null, null, null)).isInstanceOf(DataException.class)
                .hasMessage("The file is not an Excel workbook (.xlsx); check that the address or upload is the .xlsx"
                        + " file itself");
        HSSFWorkbook old = new HSSFWorkbook();
        old.createSheet("Old").createRow(0).createCell(0).setCellValue("x");
        Path xls = write("old.xls", old);
        assertThatThrownBy(() -> XlsxReader.check(xls)).isInstanceOf(DataException.class)
                .hasMessageStartingWith("The file is an old Excel workbook (.xls)");
    }

    @Test
    void a1Ranges() {
        assertThat(XlsxReader.bounds("B3:F200")).isEqualTo(new XlsxReader.Bounds(2, 6, 3, 200));
        assertThat(XlsxReader.bounds("$b$3:$f$200")).isEqualTo(new XlsxReader.Bounds(2, 6, 3, 200));
        assertThat(XlsxReader.bounds("B:F")).isEqualTo(new XlsxReader.Bounds(2, 6, 1, Integer.MAX_VALUE));
        assertThat(XlsxReader.bounds("AA10")).isEqualTo(new XlsxReader.Bounds(27, 27, 10, 10));
        assertThat(XlsxReader.letters(27)).isEqualTo("AA");
        assertThat(XlsxReader.letters(16384)).isEqualTo("XFD");
        assertThatThrownBy(() -> XlsxReader.bounds("F200:B3")).hasMessageContaining("ends before it starts");
    }

    /**
     * 200,000 rows of five columns written with SXSSF (itself streaming), read back: every row arrives with exact
     * values, and the heap held (after a collection) is sampled every 50,000 rows and printed. The assertion is on the values,
     * not on time or memory; the figure shows that memory does not grow with the rows read.
     */
    @Test
    void twoHundredThousandRowsStreamWithExactValues() throws IOException {
        int rows = 200_000;
        Path file = dir.resolve("large.xlsx");
        try (SXSSFWorkbook book = new SXSSFWorkbook(100); OutputStream out = Files.newOutputStream(file)) {
            CellStyle date = book.createCellStyle();
            date.setDataFormat(book.createDataFormat().getFormat("yyyy-mm-dd"));
            Sheet sheet = book.createSheet("Data");
            Row header = sheet.createRow(0);
            List.of("id", "day", "amount", "label", "flag").forEach(n -> header.createCell(header.getPhysicalNumberOfCells()).setCellValue(n));
            for (int i = 1; i <= rows; i++) {
                Row row = sheet.createRow(i);
                row.createCell(0).setCellValue(i);
                row.createCell(1).setCellValue(LocalDate.of(2020, 1, 1).plusDays(i % 1500));
                row.getCell(1).setCellStyle(date);
                row.createCell(2).setCellValue(i / 100.0); // cents: 0.01, 0.02…
                row.createCell(3).setCellValue("label " + (i % 1000));
                row.createCell(4).setCellValue(i % 2 == 0);
            }
            book.write(out);
        }
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        long before = runtime.totalMemory() - runtime.freeMemory();
        long[] peak = { before };
        long[] count = { 0 };
        BigDecimal[] sum = { BigDecimal.ZERO };
        long[] ids = { 0 };
        boolean[] ordered = { true };
        XlsxReader.read(file, new XlsxReader.Settings("Data", null, null), record -> {
            if (record instanceof ColumnsAnnouncement) {
                return;
            }
            count[0]++;
            long id = (Long) record.get("id");
            ordered[0] &= id == count[0];
            ids[0] += id;
            Object amount = record.get("amount");
            sum[0] = sum[0].add(amount instanceof Long l ? BigDecimal.valueOf(l) : (BigDecimal) amount);
            if (id == 123_457) {
                assertThat(record).containsEntry("day", LocalDate.of(2020, 1, 1).plusDays(123_457 % 1500).toString())
                        .containsEntry("amount", new BigDecimal("1234.57")).containsEntry("label", "label 457")
                        .containsEntry("flag", false);
            }
            if (count[0] % 50_000 == 0) {
                System.gc(); // what the read holds on to, not the garbage it has made
                peak[0] = Math.max(peak[0], runtime.totalMemory() - runtime.freeMemory());
            }
        });
        System.out.printf("xlsx streaming read: %,d rows; file %,d bytes; heap held before %,d KiB, highest held while"
                + " reading %,d KiB (growth %,d KiB, max heap %,d MiB)%n", count[0], Files.size(file), before >> 10,
                peak[0] >> 10, (peak[0] - before) >> 10, runtime.maxMemory() >> 20);
        assertThat(count[0]).isEqualTo(rows);
        assertThat(ordered[0]).isTrue();
        assertThat(ids[0]).isEqualTo((long) rows * (rows + 1) / 2);
        // Σ i/100 for i = 1..200,000 = 200,000 × 200,001 / 200, exactly.
        assertThat(sum[0]).isEqualByComparingTo(new BigDecimal("200001000"));
    }
}
