package io.rowflow.run;

import static io.rowflow.testing.Api.createConnection;
import static io.rowflow.testing.Api.createExcelFlow;
import static io.rowflow.testing.Api.download;
import static io.rowflow.testing.Api.runSucceeds;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.FakeApi;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Map;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

/** A CSV file from a URL, through a flow, into an Excel workbook: every value read back with its cell type. */
@QuarkusTest
class CsvToExcelTest {
    /** UTF-8 with a byte-order mark; quotes, a delimiter and a newline inside fields; formula-like text. */
    static final String CORPUS = "\uFEFFid,name,amount,joined,updated,active,note,code,big_id,empty,formula\r\n"
            + "1,\"Zoë, \"\"the\"\" Ünïcode ✓\",12.50,2024-01-31,2024-01-31T10:15:30Z,true,\"line1\nline2\",00123,1234567890123456789,,=SUM(A1:A2)\r\n"
            + "2,plain 日本語,-3.25,2024-02-29,2024-02-29 23:59:59,false,,00042,9223372036854775807,,+1+2\r\n"
            + "\r\n"
            + "3,\"tab\tinside\",0,2023-12-01,2023-12-01T00:30:00+02:00,TRUE,@cmd,01,12,,-2+3\r\n";

    @Test
    void csvCorpusArrivesWithExactValuesAndCellTypes() throws IOException {
        FakeApi api = FakeApi.shared();
        api.putFile("/files/corpus.csv", CORPUS);
        String connection = createConnection("csv-url", Map.of("url", api.url("/files/corpus.csv")));
        String flow = createExcelFlow(connection, Map.of("sheetName", "Customers"));

        JsonPath run = runSucceeds(flow);
        assertThat(run.getLong("sources[0].rowsRead")).isEqualTo(3);
        assertThat(run.getLong("destinations[0].rowsWritten")).isEqualTo(3);

        try (XSSFWorkbook workbook = new XSSFWorkbook(new ByteArrayInputStream(download(flow)))) {
            XSSFSheet sheet = workbook.getSheet("Customers");
            assertThat(sheet).isNotNull();
            Row header = sheet.getRow(0);
            assertThat(header.getCell(0).getStringCellValue()).isEqualTo("id");
            assertThat(header.getCell(10).getStringCellValue()).isEqualTo("formula");
            assertThat(workbook.getFontAt(header.getCell(0).getCellStyle().getFontIndex()).getBold()).isTrue();
            assertThat(sheet.getPaneInformation().getHorizontalSplitTopRow()).isEqualTo((short) 1);
            assertThat(sheet.getCTWorksheet().getAutoFilter().getRef()).isEqualTo("A1:K4");
            assertThat(sheet.getLastRowNum()).isEqualTo(3);

            Row first = sheet.getRow(1);
            assertNumber(first.getCell(0), 1);
            assertText(first.getCell(1), "Zoë, \"the\" Ünïcode ✓");
            assertNumber(first.getCell(2), 12.5);
            assertDate(first.getCell(3), LocalDateTime.of(2024, 1, 31, 0, 0));
            assertDate(first.getCell(4), LocalDateTime.of(2024, 1, 31, 10, 15, 30));
            assertThat(first.getCell(5).getCellType()).isEqualTo(CellType.BOOLEAN);
            assertThat(first.getCell(5).getBooleanCellValue()).isTrue();
            assertText(first.getCell(6), "line1\nline2");
            assertText(first.getCell(7), "00123");
            assertText(first.getCell(8), "1234567890123456789");
            assertThat(first.getCell(9)).isNull();
            assertText(first.getCell(10), "=SUM(A1:A2)");

            Row second = sheet.getRow(2);
            assertText(second.getCell(1), "plain 日本語");
            assertNumber(second.getCell(2), -3.25);
            assertDate(second.getCell(3), LocalDateTime.of(2024, 2, 29, 0, 0));
            assertDate(second.getCell(4), LocalDateTime.of(2024, 2, 29, 23, 59, 59));
            assertThat(second.getCell(5).getBooleanCellValue()).isFalse();
            assertThat(second.getCell(6)).isNull();
            assertText(second.getCell(8), "9223372036854775807");
            assertText(second.getCell(10), "+1+2");

            Row third = sheet.getRow(3);
            assertText(third.getCell(1), "tab\tinside");
            assertNumber(third.getCell(2), 0);
            // The offset is applied: timestamps are stored in UTC.
            assertDate(third.getCell(4), LocalDateTime.of(2023, 11, 30, 22, 30));
            assertThat(third.getCell(5).getBooleanCellValue()).isTrue();
            assertText(third.getCell(6), "@cmd");
            assertText(third.getCell(7), "01");
            assertNumber(third.getCell(8), 12);
            assertText(third.getCell(10), "-2+3");
        }
    }

    @Test
    void aEuropeanCsvReadsDecimalCommasAsNumbers() throws IOException {
        FakeApi.shared().putFile("/files/european.csv", "Artikel;Preis;Menge;Code\nTee;1,50;1.234;01.02\n"
                + "Kaffee;1.234,50;2 000;x,y\n");
        String connection = createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/european.csv"),
                "delimiter", ";", "decimalSeparator", ","));
        String flow = createExcelFlow(connection, Map.of());
        runSucceeds(flow);
        try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(download(flow)))) {
            Row tea = book.getSheetAt(0).getRow(1);
            Row coffee = book.getSheetAt(0).getRow(2);
            assertNumber(tea.getCell(1), 1.5);
            assertNumber(coffee.getCell(1), 1234.5);
            assertNumber(tea.getCell(2), 1234);
            assertNumber(coffee.getCell(2), 2000);
            // Text that is no number in either notation stays text.
            assertText(tea.getCell(3), "01.02");
            assertText(coffee.getCell(3), "x,y");
        }
        io.restassured.RestAssured.given().post("/api/v1/flows/" + flow + "/preview").then().statusCode(200)
                .body("rows[0][1]", org.hamcrest.Matchers.equalTo("1.50"))
                .body("rows[1][1]", org.hamcrest.Matchers.equalTo("1234.50"));
    }

    @Test
    void theSmallestLongIsTextLikeEveryOtherIdTooLongForExcel() throws IOException {
        FakeApi.shared().putFile("/files/min-long.csv", "id\n-9223372036854775808\n-999999999999999\n");
        String flow = createExcelFlow(createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/min-long.csv"))),
                Map.of());
        runSucceeds(flow);
        try (XSSFWorkbook book = new XSSFWorkbook(new java.io.ByteArrayInputStream(download(flow)))) {
            assertText(book.getSheetAt(0).getRow(1).getCell(0), "-9223372036854775808");
            assertNumber(book.getSheetAt(0).getRow(2).getCell(0), -999999999999999d);
        }
    }

    @Test
    void headerlessSemicolonFileInWindows1252WithLinesToSkip() throws IOException {
        FakeApi api = FakeApi.shared();
        byte[] file = "Export of 2024\nsecond note line\nMüller;5\nStraße;6\n".getBytes(StandardCharsets.ISO_8859_1);
        api.putFile("/files/latin1.csv", file, "text/csv");
        String connection = createConnection("csv-url", Map.of("url", api.url("/files/latin1.csv"), "delimiter", ";",
                "encoding", "windows-1252", "headerRow", false, "skipRows", 2));
        String flow = createExcelFlow(connection, Map.of());
        runSucceeds(flow);
        try (XSSFWorkbook workbook = new XSSFWorkbook(new ByteArrayInputStream(download(flow)))) {
            XSSFSheet sheet = workbook.getSheet("Data");
            assertThat(sheet.getRow(0).getCell(0).getStringCellValue()).isEqualTo("column_1");
            assertText(sheet.getRow(1).getCell(0), "Müller");
            assertNumber(sheet.getRow(2).getCell(1), 6);
            assertText(sheet.getRow(2).getCell(0), "Straße");
        }
    }

    static void assertText(Cell cell, String expected) {
        assertThat(cell).as("cell expected to hold %s", expected).isNotNull();
        assertThat(cell.getCellType()).as("type of %s", cell.getAddress()).isEqualTo(CellType.STRING);
        assertThat(cell.getStringCellValue()).isEqualTo(expected);
    }

    static void assertNumber(Cell cell, double expected) {
        assertThat(cell.getCellType()).as("type of %s", cell.getAddress()).isEqualTo(CellType.NUMERIC);
        assertThat(DateUtil.isCellDateFormatted(cell)).isFalse();
        assertThat(cell.getNumericCellValue()).isEqualTo(expected);
    }

    static void assertDate(Cell cell, LocalDateTime expected) {
        assertThat(cell.getCellType()).as("type of %s", cell.getAddress()).isEqualTo(CellType.NUMERIC);
        assertThat(DateUtil.isCellDateFormatted(cell)).as("%s is date-formatted", cell.getAddress()).isTrue();
        assertThat(cell.getLocalDateTimeCellValue()).isEqualTo(expected);
    }
}
