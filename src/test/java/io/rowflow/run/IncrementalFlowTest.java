package io.rowflow.run;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.storage.DataFolder;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeHubSpot;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

/**
 * A flow reading HubSpot deals incrementally into an appending workbook: each run appends only what changed, where a
 * source stopped advances only once every destination committed (a run whose destination failed is read again by the
 * next one), and the state can be reset for a full read.
 */
@QuarkusTest
@QuarkusTestResource(FakeHubSpot.class)
class IncrementalFlowTest {
    @Inject
    DataFolder dataFolder;

    static Map<String, Object> flow(String connection, String stream, String mode) {
        return Map.of("name", "deals, changes only", "sources", List.of(Map.of("connectionId", connection, "stream", stream,
                "sync", "incremental")), "destinations", List.of(Map.of("type", "excel", "settings", Map.of("mode", mode))));
    }

    @Test
    void aQuietPeriodWithATransformEndsNothingNewAndLeavesTheWorkbook() throws Exception {
        String connection = Api.createConnection("hubspot", Map.of("access_token", FakeHubSpot.TOKEN));
        String flow = given().contentType(ContentType.JSON).body(Map.of("name", "deals with a step", "sources",
                List.of(Map.of("connectionId", connection, "stream", "deals", "sync", "incremental", "steps", List.of(
                        Map.of("type", "rename", "columns", Map.of("Deal Name", "Deal"))))), "destinations",
                List.of(Map.of("type", "excel", "settings", Map.of("mode", "append"))))).post("/api/v1/flows").then()
                .statusCode(201).extract().path("id");
        Api.runSucceeds(flow);
        Path workbook = dataFolder.destinationDir(UUID.fromString(flow), 0).resolve("workbook.xlsx");
        byte[] before = Files.readAllBytes(workbook);
        // Nothing changed in HubSpot since: the step has no columns to work on, and there is nothing to add.
        JsonPath quiet = Api.runSucceeds(flow);
        assertThat(log(quiet)).anyMatch(l -> l.startsWith("Nothing new"));
        assertThat(Files.readAllBytes(workbook)).isEqualTo(before);
    }

    @Test
    void aFlowRefusesIncrementalReadsItCannotKeep() {
        String connection = Api.createConnection("hubspot", Map.of("access_token", FakeHubSpot.TOKEN));
        given().contentType(ContentType.JSON).body(flow(connection, "deals", "replace")).post("/api/v1/flows").then()
                .statusCode(422).body("errors.field", hasItem("destinations[0].settings.mode"));
        given().contentType(ContentType.JSON).body(flow(connection, "deal_pipelines", "append")).post("/api/v1/flows").then()
                .statusCode(422).body("errors.field", hasItem("sources[0].sync"));
    }

    @Test
    void eachRunAppendsOnlyTheChangesAndAFailedWriteIsReadAgain() throws Exception {
        FakeHubSpot hubspot = FakeHubSpot.running();
        String connection = Api.createConnection("hubspot", Map.of("access_token", FakeHubSpot.TOKEN));
        String flow = given().contentType(ContentType.JSON).body(flow(connection, "deals", "append")).post("/api/v1/flows")
                .then().statusCode(201).extract().path("id");
        int deals = hubspot.objects("deals").size();

        JsonPath first = Api.runSucceeds(flow);
        assertThat(first.getLong("destinations[0].rowsWritten")).isEqualTo(deals);
        assertThat(log(first)).anyMatch(l -> l.contains("in full (its first incremental read)"));

        Instant now = Instant.now();
        hubspot.change("deals", 10, "amount", "123456", now.plusSeconds(1));
        JsonPath second = Api.runSucceeds(flow);
        assertThat(second.getLong("destinations[0].rowsWritten")).isEqualTo(1);
        assertThat(log(second)).anyMatch(l -> l.contains("what changed since the last successful run"));

        // The workbook is damaged: the next run reads the change but cannot append it, and fails at the destination.
        hubspot.change("deals", 20, "dealname", "Renamed deal", now.plusSeconds(2));
        Path workbook = dataFolder.destinationDir(UUID.fromString(flow), 0).resolve("workbook.xlsx");
        byte[] good = Files.readAllBytes(workbook);
        Files.write(workbook, "not a workbook".getBytes());
        JsonPath failed = Api.runToEnd(flow);
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getString("error.step")).startsWith("write destination 1");
        Files.write(workbook, good);

        // Where the source stopped did not advance: the change the failed run read comes again, once.
        JsonPath retried = Api.runSucceeds(flow);
        assertThat(retried.getLong("destinations[0].rowsWritten")).isEqualTo(1);
        try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(Api.download(flow)))) {
            var sheet = book.getSheetAt(0);
            assertThat(sheet.getLastRowNum()).as("data rows").isEqualTo(deals + 2);
            int name = -1;
            for (var cell : sheet.getRow(0)) {
                if (cell.getStringCellValue().equals("Deal Name")) {
                    name = cell.getColumnIndex();
                }
            }
            assertThat(sheet.getRow(deals + 2).getCell(name).getStringCellValue()).isEqualTo("Renamed deal");
        }

        // Nothing changed: nothing appended.
        assertThat(Api.runSucceeds(flow).getLong("destinations[0].rowsWritten")).isZero();

        // Reset: the next run reads everything again.
        given().delete("/api/v1/flows/" + flow + "/sync-state").then().statusCode(204);
        assertThat(Api.runSucceeds(flow).getLong("destinations[0].rowsWritten")).isEqualTo(deals);
    }

    private static List<String> log(JsonPath run) {
        return given().get("/api/v1/runs/" + run.getString("id") + "/log").then().statusCode(200).extract().path("message");
    }
}
