package io.rowflow.transform;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.createConnection;
import static io.rowflow.testing.Api.download;
import static io.rowflow.testing.Api.runSucceeds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.rowflow.testing.FakeApi;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

/**
 * One naming rule for duplicate and case-variant headers, with or without a transform: {@code Name,name,Name} is
 * {@code Name, name (2), Name (3)} in the preview, the workbook and every step, and a filter on each name filters
 * that column and no other.
 */
@QuarkusTest
class ColumnNamingTest {
    static final List<String> NAMES = List.of("Name", "name (2)", "Name (3)");

    static String connection() {
        FakeApi.shared().putFile("/files/names.csv", "Name,name,Name\nAnn,bob,Cid\nDan,eve,Fay\nGus,ann,Ann\n");
        return createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/names.csv")));
    }

    static String flow(String connection, String steps) {
        return given().contentType(ContentType.JSON).body("""
                {"name": "names", "sources": [{"connectionId": "%s"%s}],
                 "destinations": [{"type": "excel", "settings": {"sheetName": "Names"}}]}"""
                .formatted(connection, steps == null ? "" : ", \"steps\": " + steps))
                .post("/api/v1/flows").then().statusCode(201).extract().path("id");
    }

    static String filterOn(String column, String value) {
        return """
                [{"type": "filter", "where": {"column": "%s", "op": "equals", "value": "%s"}}]""".formatted(column, value);
    }

    @Test
    void withoutATransformThePreviewAndTheWorkbookNameTheColumnsByTheRule() throws Exception {
        String flow = flow(connection(), null);
        given().post("/api/v1/flows/" + flow + "/preview").then().statusCode(200)
                .body("columns.name", equalTo(NAMES)).body("totalRows", equalTo(3));
        runSucceeds(flow);
        assertThat(workbook(flow)).containsExactly(NAMES, List.of("Ann", "bob", "Cid"), List.of("Dan", "eve", "Fay"),
                List.of("Gus", "ann", "Ann"));
    }

    @Test
    void aFilterOnEachNameFiltersThatColumnInThePreviewAndTheRun() throws Exception {
        String connection = connection();
        // "ann" and "Ann" appear in every column but in different rows: each filter keeps the row of its own column.
        Map<String, List<String>> expected = Map.of(
                "Name", List.of("Ann", "bob", "Cid"),
                "name (2)", List.of("Gus", "ann", "Ann"),
                "Name (3)", List.of("Gus", "ann", "Ann"));
        Map<String, String> values = Map.of("Name", "Ann", "name (2)", "ann", "Name (3)", "Ann");
        for (String column : NAMES) {
            String flow = flow(connection, filterOn(column, values.get(column)));
            given().post("/api/v1/flows/" + flow + "/preview").then().statusCode(200)
                    .body("columns.name", equalTo(NAMES)).body("totalRows", equalTo(1))
                    .body("rows[0]", equalTo(expected.get(column)));
            runSucceeds(flow);
            assertThat(workbook(flow)).as("filter on %s", column).containsExactly(NAMES, expected.get(column));
        }
    }

    @Test
    void aNameThatMatchesNoColumnExactlyIsAnErrorListingTheColumns() {
        String flow = flow(connection(), filterOn("name", "ann"));
        given().post("/api/v1/flows/" + flow + "/preview").then().statusCode(422)
                .body(containsString("no column \\\"name\\\" here; the columns are \\\"Name\\\", \\\"name (2)\\\","
                        + " \\\"Name (3)\\\""));
        String calculated = flow(connection(), """
                [{"type": "calculate", "column": "Total", "expression": "[name] & 'x'"}]""");
        given().post("/api/v1/flows/" + calculated + "/preview").then().statusCode(422)
                .body(containsString("No column \\\"name\\\" here"));
    }

    @Test
    void aNewColumnDifferingOnlyInCaseFromAnotherIsRefused() {
        String flow = flow(connection(), """
                [{"type": "calculate", "column": "NAME", "expression": "'x'"}]""");
        given().post("/api/v1/flows/" + flow + "/preview").then().statusCode(422)
                .body(containsString("there is already a column \\\"Name\\\" (names differing only in case count as one)"));
    }

    private static List<List<String>> workbook(String flow) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        try (XSSFWorkbook workbook = new XSSFWorkbook(new ByteArrayInputStream(download(flow)))) {
            Sheet sheet = workbook.getSheet("Names");
            for (Row row : sheet) {
                List<String> cells = new ArrayList<>();
                row.forEach(cell -> cells.add(cell.getStringCellValue()));
                rows.add(cells);
            }
        }
        return rows;
    }
}
