package io.rowflow.run;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import io.rowflow.testing.FakeSheets;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

/**
 * Money is exact from source to cell: amounts whose binary sum is inexact (as doubles these five add up to
 * 4308.0599999999995) are summed, averaged and calculated as decimals, shown in the preview with their places, and
 * written as the exact decimal to the workbook and to Google Sheets.
 */
@QuarkusTest
class ExactDecimalsTest {
    private static final String CSV = "id,amount\n1,0.10\n2,0.20\n3,527.50\n4,233.49\n5,3546.77\n";
    private static final Map<String, Object> TRANSFORM = Map.of("steps", List.of(
            Map.of("type", "calculate", "column", "plus", "expression", "[amount] + 0.2"),
            Map.of("type", "aggregate", "groupBy", List.of(), "aggregates", List.of(
                    Map.of("function", "sum", "column", "amount", "as", "total"),
                    Map.of("function", "average", "column", "amount", "as", "average"),
                    Map.of("function", "sum", "column", "plus", "as", "total plus")))));

    private static Map<String, Object> flow(String connection, Map<String, Object> destination) {
        return Map.of("name", "exact money", "sources", List.of(Map.of("connectionId", connection)), "transform",
                TRANSFORM, "destinations", List.of(destination));
    }

    private static String orders() {
        FakeApi.shared().putFile("/files/orders-exact.csv", CSV);
        return Api.createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/orders-exact.csv")));
    }

    @Test
    void thePreviewShowsDecimalsWithTheirPlaces() {
        String connection = orders();
        JsonPath source = given().contentType(ContentType.JSON).body(flow(connection, Map.of("type", "excel")))
                .post("/api/v1/flows/preview?step=sources[0]").then().statusCode(200).extract().jsonPath();
        assertThat(source.getList("rows.collect { it[1] }")).containsExactly("0.10", "0.20", "527.50", "233.49",
                "3546.77");
        JsonPath result = given().contentType(ContentType.JSON).body(flow(connection, Map.of("type", "excel")))
                .post("/api/v1/flows/preview").then().statusCode(200).extract().jsonPath();
        assertThat(result.getList("rows[0]")).containsExactly("4308.06", "861.612000", "4309.06");
        assertThat(result.getList("columns.type")).containsExactly("decimal", "decimal", "decimal");
    }

    @Test
    void jsonNumbersKeepTheirPlacesToo() {
        FakeApi.shared().putFile("/files/orders-exact.json", "{\"orders\": [{\"amount\": 527.50}, {\"amount\": 0.1},"
                + " {\"amount\": 0.2}]}");
        String connection = Api.createConnection("json-url", Map.of("url", FakeApi.shared().url("/files/orders-exact.json"),
                "recordsPath", "orders"));
        JsonPath preview = given().contentType(ContentType.JSON).body(Map.of("name", "json money", "sources",
                List.of(Map.of("connectionId", connection)), "transform", Map.of("steps", List.of(Map.of("type",
                        "aggregate", "groupBy", List.of(), "aggregates", List.of(Map.of("function", "sum", "column",
                                "amount", "as", "total"))))), "destinations", List.of(Map.of("type", "excel"))))
                .post("/api/v1/flows/preview").then().statusCode(200).extract().jsonPath();
        assertThat(preview.getString("rows[0][0]")).isEqualTo("527.80");
        JsonPath source = given().contentType(ContentType.JSON).body(Map.of("name", "json money", "sources",
                List.of(Map.of("connectionId", connection)), "destinations", List.of(Map.of("type", "excel"))))
                .post("/api/v1/flows/preview?step=sources[0]").then().statusCode(200).extract().jsonPath();
        assertThat(source.getList("rows.collect { it[0] }")).containsExactly("527.50", "0.10", "0.20");
    }

    @Test
    void theWorkbookHoldsTheExactSum() throws Exception {
        String flow = given().contentType(ContentType.JSON).body(flow(orders(), Map.of("type", "excel")))
                .post("/api/v1/flows").then().statusCode(201).extract().path("id");
        Api.runSucceeds(flow);
        try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(Api.download(flow)))) {
            var row = book.getSheetAt(0).getRow(1);
            assertThat(row.getCell(0).getNumericCellValue()).isEqualTo(4308.06);
            assertThat(row.getCell(1).getNumericCellValue()).isEqualTo(861.612);
            assertThat(row.getCell(2).getNumericCellValue()).isEqualTo(4309.06);
            // The cell's stored text is the decimal itself, not a double's expansion.
            assertThat(row.getCell(0).getCTCell().getV()).isEqualTo("4308.06");
        }
    }

    @Test
    void googleSheetsReceivesTheExactDecimal() {
        FakeSheets sheets = FakeSheets.running();
        String google = Api.createConnection("google-sheets", Map.of("service_account_key", sheets.serviceAccountKey()));
        Api.SECRETS_USED.add(sheets.privateKeyFragment());
        String spreadsheet = sheets.create("Exact money");
        Map<String, Object> settings = new HashMap<>(Map.of("connectionId", google, "spreadsheet",
                "https://docs.google.com/spreadsheets/d/" + spreadsheet + "/edit#gid=0", "sheetName", "Totals"));
        String flow = given().contentType(ContentType.JSON).body(flow(orders(), Map.of("type", "google-sheets",
                "settings", settings))).post("/api/v1/flows").then().statusCode(201).extract().path("id");
        Api.runSucceeds(flow);
        List<Object> totals = sheets.grid(spreadsheet, "Totals").get(1).stream()
                .map(cell -> ((FakeSheets.Cell) cell).value()).toList();
        assertThat(totals).hasSize(3);
        assertThat(totals.get(0)).isInstanceOf(BigDecimal.class).hasToString("4308.06");
        assertThat(totals.get(1)).hasToString("861.612");
        assertThat(totals.get(2)).hasToString("4309.06");
    }
}
