package io.rowflow.run;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.createConnection;
import static io.rowflow.testing.Api.createExcelFlow;
import static io.rowflow.testing.Api.download;
import static io.rowflow.testing.Api.runSucceeds;
import static io.rowflow.testing.Api.runToEnd;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.FakeApi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Sources that answer something other than data: a web page where a CSV was expected, an API that ignores its page
 * parameter. Each run fails saying why, and the workbook it would have replaced stays byte for byte as it was; a
 * deleted flow's workbook goes with it.
 */
@QuarkusTest
class WrongAnswersTest {
    @ConfigProperty(name = "rowflow.storage.data-dir")
    String dataDir;

    @Test
    void aWebPageInsteadOfCsvFailsTheRunAndLeavesTheWorkbook() {
        FakeApi api = FakeApi.shared();
        api.putFile("/files/shared-link.csv", "id,name\n1,Ada\n");
        String flow = createExcelFlow(createConnection("csv-url", Map.of("url", api.url("/files/shared-link.csv"))),
                Map.of());
        runSucceeds(flow);
        byte[] before = download(flow);
        // The share link expired: the host answers 200 with its sign-in page.
        api.putFile("/files/shared-link.csv", "<!DOCTYPE html><html><head><title>Sign in</title></head><body>…</body></html>"
                .getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
        JsonPath failed = runToEnd(flow);
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getString("error.message")).contains("web page (HTML), not CSV");
        // Served without a type, the markup itself gives it away.
        api.putFile("/files/shared-link.csv", "\n  <html><body>Captive portal</body></html>".getBytes(
                StandardCharsets.UTF_8), "text/plain");
        assertThat(runToEnd(flow).getString("error.message")).contains("web page (HTML), not CSV");
        assertThat(download(flow)).isEqualTo(before);
    }

    @Test
    void anApiThatIgnoresItsPageParameterIsStoppedSayingWhy() {
        FakeApi api = FakeApi.shared();
        // Whatever the page asked, the same page comes back.
        api.putFile("/files/same-page.json", "{\"items\": [{\"id\": 1}, {\"id\": 2}]}");
        String connection = createConnection("json-url", Map.of("url", api.url("/files/same-page.json"), "recordsPath",
                "items", "pagination", Map.of("type", "page", "pageParam", "page")));
        Instant start = Instant.now();
        JsonPath run = runToEnd(createExcelFlow(connection, Map.of()));
        assertThat(run.getString("status")).isEqualTo("failed");
        assertThat(run.getString("error.message")).contains("Page 2 of the API repeats page 1")
                .contains("ignore the \"page\" parameter");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void anEmptyAnswerKeepsTheDestinationUnlessTheFlowSaysEmptyIsReal() throws Exception {
        FakeApi api = FakeApi.shared();
        api.putFile("/files/maybe-empty.csv", "id,name\n1,Ada\n2,Grace\n");
        String connection = createConnection("csv-url", Map.of("url", api.url("/files/maybe-empty.csv")));
        String flow = createExcelFlow(connection, Map.of());
        runSucceeds(flow);
        byte[] before = download(flow);
        for (String empty : new String[] { "id,name\n", "" }) {
            api.putFile("/files/maybe-empty.csv", empty);
            JsonPath run = runSucceeds(flow);
            assertThat(download(flow)).as("after %s", empty.isEmpty() ? "an empty body" : "a header alone")
                    .isEqualTo(before);
            assertThat(given().get("/api/v1/runs/" + run.getString("id") + "/log").jsonPath().getList("message",
                    String.class)).anyMatch(line -> line.contains("keeps its previous data"));
        }
        // JSON with an empty list where the records are: the same.
        api.putFile("/files/maybe-empty.json", "{\"data\": {\"items\": [{\"id\": 1}]}}");
        String json = createExcelFlow(createConnection("json-url", Map.of("url", api.url("/files/maybe-empty.json"),
                "recordsPath", "data.items")), Map.of());
        runSucceeds(json);
        byte[] jsonBefore = download(json);
        api.putFile("/files/maybe-empty.json", "{\"data\": {\"items\": []}}");
        runSucceeds(json);
        assertThat(download(json)).isEqualTo(jsonBefore);

        // A flow that says an empty result is real writes the header alone.
        api.putFile("/files/maybe-empty.csv", "id,name\n");
        String writes = given().contentType(io.restassured.http.ContentType.JSON).body(Map.of("name", "empty is real",
                "sources", java.util.List.of(Map.of("connectionId", connection)), "destinations", java.util.List.of(
                        Map.of("type", "excel")), "emptyResult", "write")).post("/api/v1/flows").then().statusCode(201)
                .extract().path("id");
        runSucceeds(writes);
        try (var book = new org.apache.poi.xssf.usermodel.XSSFWorkbook(new java.io.ByteArrayInputStream(download(writes)))) {
            var sheet = book.getSheetAt(0);
            assertThat(sheet.getRow(0).getCell(0).getStringCellValue()).isEqualTo("id");
            assertThat(sheet.getRow(0).getCell(1).getStringCellValue()).isEqualTo("name");
            assertThat(sheet.getLastRowNum()).isZero();
        }
    }

    @Test
    void deletingAFlowRemovesItsWorkbook() {
        FakeApi.shared().putFile("/files/deleted-flow.csv", "id\n1\n");
        String flow = createExcelFlow(createConnection("csv-url", Map.of("url", FakeApi.shared().url(
                "/files/deleted-flow.csv"))), Map.of());
        runSucceeds(flow);
        Path files = Path.of(dataDir).resolve("files").resolve(flow);
        assertThat(files).isDirectory();
        given().delete("/api/v1/flows/" + flow).then().statusCode(204);
        assertThat(Files.exists(files)).isFalse();
    }
}
