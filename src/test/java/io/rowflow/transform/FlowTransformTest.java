package io.rowflow.transform;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.createConnection;
import static io.rowflow.testing.Api.download;
import static io.rowflow.testing.Api.runSucceeds;
import static io.rowflow.testing.Api.runToEnd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.FakeApi;
import java.io.ByteArrayInputStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

/**
 * Transforms through the API as a client uses them: a flow of two sources joined, filtered and calculated, run to a
 * workbook; a preview of every step, of an unsaved draft, answered from the kept extract; errors that name the step;
 * the SQL sandbox; date macros in a source's parameters.
 */
@QuarkusTest
class FlowTransformTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static String orders() {
        FakeApi api = FakeApi.shared();
        api.putFile("/files/orders.csv", "order,customer,total,placed\nA-1,10,120.50,2026-03-01\nA-2,11,35,2026-03-02\n"
                + "A-3,10,7.25,2026-03-03\nA-4,12,300,2026-03-04\nA-5,99,12,2026-03-05\n");
        api.putFile("/files/customers.csv", "id,name,country\n10,Ærøskøbing Bikes,DK\n11,\"Smith, Jones & Co\",UK\n"
                + "12,=HYPERLINK(\"x\"),DE\n");
        return api.url("/files/orders.csv");
    }

    static String flowJson(String ordersConnection, String customersConnection, String steps) {
        return """
                {"name": "orders by customer",
                 "sources": [{"connectionId": "%s", "name": "orders"},
                             {"connectionId": "%s", "name": "customers",
                              "steps": [{"type": "rename", "columns": {"name": "customer name"}}]}],
                 "transform": {"combine": {"type": "join", "joins": [{"kind": "left", "on": [{"left": "customer", "right": "id"}]}]},
                               "steps": %s},
                 "destinations": [{"type": "excel", "settings": {"sheetName": "Orders"}}]}"""
                .formatted(ordersConnection, customersConnection, steps);
    }

    static final String STEPS = """
            [{"type": "filter", "where": {"column": "total", "op": "gte", "value": 10}},
             {"type": "calculate", "column": "total with VAT", "expression": "ROUND([total] * 1.19, 2)"},
             {"type": "select", "columns": ["order", "customer name", "country", "total with VAT"]}]""";

    @Test
    void aJoinedFilteredAndCalculatedFlowWritesItsResult() throws Exception {
        String orders = createConnection("csv-url", Map.of("url", orders()));
        String customers = createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/customers.csv")));
        String flow = given().contentType(ContentType.JSON).body(flowJson(orders, customers, STEPS)).post("/api/v1/flows")
                .then().statusCode(201).extract().path("id");
        JsonPath run = runSucceeds(flow);
        assertThat(run.getLong("destinations[0].rowsWritten")).isEqualTo(4);
        try (XSSFWorkbook workbook = new XSSFWorkbook(new ByteArrayInputStream(download(flow)))) {
            XSSFSheet sheet = workbook.getSheet("Orders");
            assertThat(cells(sheet.getRow(0))).containsExactly("order", "customer name", "country", "total with VAT");
            assertThat(cells(sheet.getRow(1))).containsExactly("A-1", "Ærøskøbing Bikes", "DK", "143.4");
            assertThat(cells(sheet.getRow(2))).containsExactly("A-2", "Smith, Jones & Co", "UK", "41.65");
            // A customer name that looks like a formula is written as text.
            assertThat(sheet.getRow(3).getCell(1).getCellType()).isEqualTo(org.apache.poi.ss.usermodel.CellType.STRING);
            assertThat(cells(sheet.getRow(4))).containsExactly("A-5", "", "", "14.28");
        }
        List<String> log = given().get("/api/v1/runs/" + run.getString("id") + "/log").then().extract().path("message");
        assertThat(log).anyMatch(l -> l.startsWith("Transformed: 4 row(s) with 4 column(s)"));
    }

    private static List<String> cells(Row row) {
        List<String> cells = new java.util.ArrayList<>();
        for (int i = 0; i < row.getLastCellNum(); i++) {
            var cell = row.getCell(i);
            cells.add(cell == null ? "" : cell.getCellType() == org.apache.poi.ss.usermodel.CellType.NUMERIC
                    ? Double.toString(cell.getNumericCellValue()) : cell.getStringCellValue());
        }
        return cells;
    }

    @Test
    void everyStepCanBePreviewedAndEditsAnswerFromTheKeptExtract() throws Exception {
        String orders = createConnection("csv-url", Map.of("url", orders()));
        String customers = createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/customers.csv")));
        String flow = given().contentType(ContentType.JSON).body(flowJson(orders, customers, STEPS)).post("/api/v1/flows")
                .then().statusCode(201).extract().path("id");
        int hits = FakeApi.shared().hits("/files/orders.csv");
        given().post("/api/v1/flows/" + flow + "/preview?step=sources[1].steps[0]").then().statusCode(200)
                .body("step", equalTo("sources[1].steps[0]"))
                .body("columns.name", equalTo(List.of("id", "customer name", "country")))
                .body("totalRows", equalTo(3))
                .body("steps", equalTo(List.of("sources[0]", "sources[1]", "sources[1].steps[0]", "transform.combine",
                        "transform.steps[0]", "transform.steps[1]", "transform.steps[2]")));
        given().post("/api/v1/flows/" + flow + "/preview?step=transform.combine").then().statusCode(200)
                .body("totalRows", equalTo(5)).body("rows[4]", equalTo(java.util.Arrays.asList("A-5", 99, "12.00", "2026-03-05",
                        null, null)));
        given().post("/api/v1/flows/" + flow + "/preview").then().statusCode(200)
                .body("step", equalTo("transform.steps[2]")).body("totalRows", equalTo(4))
                .body("columns.type", equalTo(List.of("string", "string", "string", "decimal")));
        // An edit of the filter, not saved: previewed from the draft, and the source is not read again.
        String draft = flowJson(orders, customers, STEPS.replace("\"value\": 10", "\"value\": 100"));
        given().contentType(ContentType.JSON).body(draft).post("/api/v1/flows/" + flow + "/preview").then().statusCode(200)
                .body("totalRows", equalTo(2)).body("rows.collect { it[0] }", equalTo(List.of("A-1", "A-4")));
        assertThat(FakeApi.shared().hits("/files/orders.csv")).as("reads of the source").isEqualTo(hits + 1);
        // A flow that is not saved at all.
        given().contentType(ContentType.JSON).body(draft).post("/api/v1/flows/preview?step=sources[0]").then()
                .statusCode(200).body("totalRows", equalTo(5));

        given().post("/api/v1/flows/" + flow + "/preview?step=transform.steps[9]").then().statusCode(422)
                .contentType("application/problem+json").body("errors[0].field", equalTo("step"))
                .body("errors[0].message", containsString("transform.steps[2]"));
    }

    @Test
    void valuesAConversionLeftEmptyAreCountedInThePreviewAndTheRunLog() {
        FakeApi.shared().putFile("/files/prices.csv", "sku,price\nA,12.50\nB,n/a\nC,\nD,ask us\nE,7\n");
        String prices = createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/prices.csv")));
        String flow = given().contentType(ContentType.JSON).body("""
                {"name": "prices", "sources": [{"connectionId": "%s"}],
                 "transform": {"steps": [{"type": "retype", "column": "price", "to": "decimal", "onError": "empty"}]},
                 "destinations": [{"type": "excel", "settings": {}}]}""".formatted(prices))
                .post("/api/v1/flows").then().statusCode(201).extract().path("id");
        given().post("/api/v1/flows/" + flow + "/preview").then().statusCode(200)
                .body("emptied.size()", equalTo(1)).body("emptied[0].step", equalTo("transform.steps[0]"))
                .body("emptied[0].column", equalTo("price")).body("emptied[0].to", equalTo("decimal"))
                .body("emptied[0].values", equalTo(2)).body("emptied[0].examples", equalTo(List.of("ask us", "n/a")));
        given().post("/api/v1/flows/" + flow + "/preview?step=sources[0]").then().statusCode(200)
                .body("emptied", equalTo(List.of()));
        JsonPath run = runSucceeds(flow);
        List<String> log = given().get("/api/v1/runs/" + run.getString("id") + "/log").then().extract().path("message");
        assertThat(log).contains("2 value(s) of \"price\" did not convert to decimal and were left empty by step 1 (set it"
                + " to fail the run to stop on such values instead)");
    }

    @Test
    void mistakesAreNamedByTheirPlaceInTheFlow() {
        String orders = createConnection("csv-url", Map.of("url", orders()));
        String customers = createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/customers.csv")));
        // Refused when saved: the expression does not parse.
        given().contentType(ContentType.JSON).body(flowJson(orders, customers,
                "[{\"type\": \"calculate\", \"column\": \"x\", \"expression\": \"ROUND([total] * \"}]")).post("/api/v1/flows")
                .then().statusCode(422).body("errors[0].field", equalTo("transform.steps[0].expression"))
                .body("errors[0].message", containsString("position"));
        // Known only with the data: a column that is not there fails the run at that step, and the preview says so.
        String flow = given().contentType(ContentType.JSON).body(flowJson(orders, customers,
                "[{\"type\": \"filter\", \"where\": {\"column\": \"totl\", \"op\": \"gt\", \"value\": 1}}]"))
                .post("/api/v1/flows").then().statusCode(201).extract().path("id");
        JsonPath failed = runToEnd(flow);
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getString("error.step")).isEqualTo("transform");
        assertThat(failed.getString("error.message")).contains("transform.steps[0].where.column").contains("no column \"totl\"");
        given().post("/api/v1/flows/" + flow + "/preview").then().statusCode(422)
                .body("errors[0].field", equalTo("transform.steps[0].where.column"));
    }

    @Test
    void aFailingConversionIsNamedInThePreviewAsInTheRun() {
        String orders = createConnection("csv-url", Map.of("url", orders()));
        Map<String, Object> flow = Map.of("name", "retype", "sources", List.of(Map.of("connectionId", orders, "steps",
                List.of(Map.of("type", "retype", "column", "order", "to", "integer")))), "destinations",
                List.of(Map.of("type", "excel")));
        given().contentType(ContentType.JSON).body(flow).post("/api/v1/flows/preview").then().statusCode(422)
                .body("errors[0].field", equalTo("sources[0].steps[0]"))
                .body("errors[0].message", containsString("'A-1'"));
        String saved = given().contentType(ContentType.JSON).body(flow).post("/api/v1/flows").then().statusCode(201)
                .extract().path("id");
        assertThat(runToEnd(saved).getString("error.message")).contains("sources[0].steps[0]").contains("'A-1'");
    }

    @Test
    void theSqlStepIsSandboxedInRunsAndPreviews() {
        String orders = createConnection("csv-url", Map.of("url", orders()));
        String flow = given().contentType(ContentType.JSON).body(Map.of("name", "sneaky", "sources", List.of(Map.of(
                "connectionId", orders, "steps", List.of(Map.of("type", "sql", "query",
                        "SELECT * FROM read_csv('/etc/passwd')")))), "destinations", List.of(Map.of("type", "excel"))))
                .post("/api/v1/flows").then().statusCode(201).extract().path("id");
        JsonPath failed = runToEnd(flow);
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getString("error.message")).contains("sources[0].steps[0].query")
                .contains("file system operations are disabled");
        given().post("/api/v1/flows/" + flow + "/preview").then().statusCode(422)
                .body("errors[0].message", containsString("disabled by configuration"));
        given().contentType(ContentType.JSON).body(Map.of("name", "sneaky", "sources", List.of(Map.of("connectionId", orders,
                "steps", List.of(Map.of("type", "sql", "query", "COPY (SELECT 1) TO '/tmp/x.csv'")))),
                "destinations", List.of(Map.of("type", "excel")))).post("/api/v1/flows/preview").then().statusCode(422)
                .body("errors[0].field", equalTo("sources[0].steps[0].query"))
                .body("errors[0].message", containsString("one SELECT query"));
        // A step that could never run is refused when the flow is saved, not at its first run.
        for (String query : List.of("DROP TABLE input", "SELECT 1; SELECT 2", "SELECT repeat('x', 1000000000)",
                "SELECT * FROM duckdb_settings()", "SELEC oops")) {
            given().contentType(ContentType.JSON).body(Map.of("name", "never runs", "sources", List.of(Map.of(
                    "connectionId", orders, "steps", List.of(Map.of("type", "sql", "query", query)))), "destinations",
                    List.of(Map.of("type", "excel")))).post("/api/v1/flows").then().statusCode(422)
                    .body("errors[0].field", equalTo("sources[0].steps[0].query"));
        }
    }

    @Test
    void dateMacrosInParametersResolveWhenTheRunStarts() {
        FakeApi api = FakeApi.shared();
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        api.putFile("/files/report-" + today + ".csv", "day\n" + today + "\n");
        String connection = createConnection("csv-url", Map.of("url", api.url("/files/report.csv")));
        String flow = given().contentType(ContentType.JSON).body(Map.of("name", "daily report", "sources", List.of(Map.of(
                "connectionId", connection, "parameters", Map.of("url", api.url("/files/report-{{today}}.csv")))),
                "destinations", List.of(Map.of("type", "excel")))).post("/api/v1/flows").then().statusCode(201)
                .extract().path("id");
        assertThat(runSucceeds(flow).getLong("destinations[0].rowsWritten")).isEqualTo(1);
        given().contentType(ContentType.JSON).body(Map.of("name", "typo", "sources", List.of(Map.of("connectionId", connection,
                "parameters", Map.of("url", api.url("/files/report-{{tomorow}}.csv")))), "destinations",
                List.of(Map.of("type", "excel")))).post("/api/v1/flows").then().statusCode(422)
                .body("errors[0].field", equalTo("sources[0].parameters.url"))
                .body("errors[0].message", containsString("unknown date macro"));
    }
}
