package io.rowflow.api;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.awaitRun;
import static io.rowflow.testing.Api.createConnection;
import static io.rowflow.testing.Api.createExcelFlow;
import static io.rowflow.testing.Api.runSucceeds;
import static io.rowflow.testing.Api.startRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.FakeApi;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The REST API v1 as a client sees it: catalog, validation errors, secrets, previews, runs, cancellation. */
@QuarkusTest
class ApiContractTest {
    @Inject
    @DataSource("pg")
    AgroalDataSource database;

    @Test
    void catalogListsConnectorsAndDestinationsWithTheirSchemas() {
        given().get("/api/v1/connectors").then().statusCode(200)
                .body("id", hasItems("csv-url", "json-url"))
                .body("find { it.id == 'csv-url' }.configSchema.required", hasItems("url"))
                .body("find { it.id == 'json-url' }.configSchema.properties.headers.writeOnly", equalTo(true))
                .body("find { it.id == 'csv-url' }.authType", equalTo("none"))
                .body("find { it.id == 'csv-url' }.brandColor", equalTo("#56606E"))
                .body("find { it.id == 'csv-url' }.monogram", equalTo("CSV"))
                .body("find { it.id == 'hubspot' }.brandColor", equalTo("#FF7A59"));
        given().get("/api/v1/destinations").then().statusCode(200)
                .body("id", hasItems("excel"))
                .body("find { it.id == 'excel' }.configSchema.properties.mode.enum", hasItems("replace", "append"));
    }

    @Test
    void invalidInputAnswersProblemJsonWithFieldPaths() {
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "connectorId", "csv-url",
                "config", Map.of("delimiter", ";;", "url", "ftp://example.com/x.csv")))
                .post("/api/v1/connections").then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:rowflow:problem:invalid-input"))
                .body("status", equalTo(422))
                .body("errors.field", hasItems("config.delimiter", "config.url"))
                .body("instance", equalTo("/api/v1/connections"));
        given().contentType(ContentType.JSON).body(Map.of("name", "", "connectorId", "nope"))
                .post("/api/v1/connections").then().statusCode(422)
                .body("errors.field", hasItems("name"));
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "connectorId", "nope"))
                .post("/api/v1/connections").then().statusCode(422)
                .body("errors[0].field", equalTo("connectorId"))
                .body("errors[0].message", containsString("unknown connector \"nope\""));
        given().contentType(ContentType.JSON).body("{\"name\": ").post("/api/v1/connections").then().statusCode(400)
                .contentType("application/problem+json").body("type", equalTo("urn:rowflow:problem:malformed-request"));
        given().contentType(ContentType.JSON).body("{\"name\": \"x\", \"connectorId\": \"csv-url\", \"config\": [1]}")
                .post("/api/v1/connections").then().statusCode(422).body("errors[0].field", equalTo("config"));
    }

    @Test
    void theFormulaFunctionsAreServedWithTheirArgumentCounts() {
        given().get("/api/v1/transform/functions").then().statusCode(200)
                .body("name", hasItems("ROUND", "IF", "TODAY", "CONCAT"))
                .body("find { it.name == 'ROUND' }.minArguments", equalTo(1))
                .body("find { it.name == 'ROUND' }.maxArguments", equalTo(2))
                .body("find { it.name == 'TODAY' }.maxArguments", equalTo(0))
                .body("find { it.name == 'IF' }.description", containsString("condition"))
                .body("find { it.name == 'IF' }.example", startsWith("IF("));
    }

    @Test
    void unknownAndMistypedFieldsAreRefusedNotDropped() {
        String connection = createConnection("csv-url", Map.of("url", "https://example.com/a.csv"));
        // A typo would save a flow without its transform, and the run would write unfiltered data.
        given().contentType(ContentType.JSON).body(Map.of("name", "typo", "sources", List.of(Map.of("connectionId",
                connection)), "transfrom", Map.of("steps", List.of()), "destinations", List.of(Map.of("type", "excel"))))
                .post("/api/v1/flows").then().statusCode(422).contentType("application/problem+json")
                .body("errors[0].field", equalTo("transfrom"))
                .body("errors[0].message", containsString("is not a field of this request"))
                .body("errors[0].message", containsString("transform"));
        given().contentType(ContentType.JSON).body(Map.of("name", 123, "sources", List.of(Map.of("connectionId",
                connection)), "destinations", List.of(Map.of("type", "excel")))).post("/api/v1/flows").then()
                .statusCode(422).body("errors[0].field", equalTo("name")).body("errors[0].message", containsString("text"));
        given().contentType(ContentType.JSON).body(Map.of("name", "nested typo", "sources", List.of(Map.of("connectionId",
                connection, "strem", "rows")), "destinations", List.of(Map.of("type", "excel")))).post("/api/v1/flows")
                .then().statusCode(422).body("errors[0].field", equalTo("sources[0].strem"));
    }

    @Test
    void flowValidationNamesEveryBadField() {
        String connection = createConnection("csv-url", Map.of("url", "https://example.com/a.csv"));
        given().contentType(ContentType.JSON).body(Map.of("name", "f",
                "sources", List.of(Map.of("connectionId", UUID.randomUUID().toString())),
                "destinations", List.of(Map.of("type", "excel", "settings", Map.of("sheetName", "bad:name")),
                        Map.of("type", "carrier-pigeon"))))
                .post("/api/v1/flows").then().statusCode(422)
                .body("errors.field", hasItems("sources[0].connectionId", "destinations[0].settings.sheetName",
                        "destinations[1].type"));
        given().contentType(ContentType.JSON).body(Map.of("name", "f",
                "sources", List.of(Map.of("connectionId", connection, "stream", "nope")),
                "destinations", List.of()))
                .post("/api/v1/flows").then().statusCode(422)
                .body("errors.field", hasItems("destinations"));
    }

    @Test
    void schedulesAreValidatedAndTheirNextFireTimesShown() {
        FakeApi.shared().putFile("/files/scheduled.csv", "a\n1\n");
        String connection = createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/scheduled.csv")));
        Map<String, Object> flow = Map.of("name", "scheduled", "sources", List.of(Map.of("connectionId", connection)),
                "destinations", List.of(Map.of("type", "excel")),
                "schedule", Map.of("preset", "daily", "times", List.of("08:00"), "timezone", "Europe/Berlin"));
        String id = given().contentType(ContentType.JSON).body(flow).post("/api/v1/flows").then().statusCode(201)
                .body("schedule.preset", equalTo("daily")).extract().path("id");
        JsonPath next = given().get("/api/v1/flows/" + id + "/schedule/next?count=3").then().statusCode(200)
                .body("timezone", equalTo("Europe/Berlin")).extract().jsonPath();
        assertThat(next.getList("next.local", String.class)).hasSize(3)
                .allMatch(local -> local.matches("\\d{4}-\\d{2}-\\d{2}T08:00:00\\+0[12]:00"));
        given().get("/api/v1/flows/" + id + "/schedule/next?count=0").then().statusCode(422);
        // The list of flows in one request: the same next fire time, and no run yet.
        JsonPath overview = given().get("/api/v1/flows/overview").then().statusCode(200).extract().jsonPath();
        int at = overview.getList("flow.id", String.class).indexOf(id);
        assertThat(overview.getString("[" + at + "].flow.name")).isEqualTo("scheduled");
        assertThat(overview.getString("[" + at + "].nextRunAt")).isEqualTo(next.getString("next[0].at"));
        assertThat(overview.getString("[" + at + "].lastRun")).isNull();
        io.rowflow.testing.Api.runToEnd(id);
        io.rowflow.testing.Api.runToEnd(id);
        JsonPath runs = given().get("/api/v1/flows/" + id + "/runs?size=1").then().extract().jsonPath();
        overview = given().get("/api/v1/flows/overview").then().statusCode(200).extract().jsonPath();
        assertThat(overview.getString("[" + at + "].lastRun.id")).isEqualTo(runs.getString("items[0].id"));
        assertThat(overview.getString("[" + at + "].lastRun.status")).isEqualTo(runs.getString("items[0].status"));

        given().contentType(ContentType.JSON).body(Map.of("name", "bad", "sources", List.of(Map.of("connectionId", connection)),
                "destinations", List.of(Map.of("type", "excel")),
                "schedule", Map.of("preset", "weekly", "times", List.of("8 o'clock"), "timezone", "Europe/Berlin")))
                .post("/api/v1/flows").then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItems("schedule.times[0]", "schedule.daysOfWeek"));
    }

    @Test
    void flowsRunAfterTheFlowsTheyFollowAndChainsCannotLoop() {
        FakeApi.shared().putFile("/files/chain.csv", "a\n1\n");
        String connection = createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/chain.csv")));
        String a = createExcelFlow(connection, Map.of());
        String b = createChainedFlow(connection, List.of(a));
        String c = createChainedFlow(connection, List.of(b));
        given().get("/api/v1/flows/" + c).then().statusCode(200).body("runAfter", equalTo(List.of(b)));

        JsonPath first = runSucceeds(a);
        JsonPath chained = awaitFirstRun(c);
        assertThat(chained.getString("trigger")).isEqualTo("chain");
        assertThat(chained.getString("status")).isEqualTo("succeeded");
        assertThat(awaitFirstRun(b).getString("trigger")).isEqualTo("chain");
        assertThat(given().get("/api/v1/runs/" + first.getString("id") + "/log").then().extract().jsonPath()
                .getList("message", String.class)).anyMatch(line -> line.startsWith("Started flow " + b));

        Map<String, Object> loop = Map.of("name", "a", "sources", List.of(Map.of("connectionId", connection)),
                "destinations", List.of(Map.of("type", "excel")), "runAfter", List.of(c));
        given().contentType(ContentType.JSON).body(loop).put("/api/v1/flows/" + a).then().statusCode(422)
                .body("errors[0].field", equalTo("runAfter[0]")).body("errors[0].message", containsString("loop"));
        Map<String, Object> self = Map.of("name", "a", "sources", List.of(Map.of("connectionId", connection)),
                "destinations", List.of(Map.of("type", "excel")), "runAfter", List.of(a, UUID.randomUUID().toString()));
        given().contentType(ContentType.JSON).body(self).put("/api/v1/flows/" + a).then().statusCode(422)
                .body("errors.field", equalTo(List.of("runAfter[0]", "runAfter[1]")));
        given().delete("/api/v1/flows/" + a).then().statusCode(409).body("detail", containsString(b));
        given().delete("/api/v1/flows/" + c).then().statusCode(204);
        given().delete("/api/v1/flows/" + b).then().statusCode(204);
        given().delete("/api/v1/flows/" + a).then().statusCode(204);
    }

    private static String createChainedFlow(String connection, List<String> runAfter) {
        return given().contentType(ContentType.JSON).body(Map.of("name", "chained",
                "sources", List.of(Map.of("connectionId", connection)), "destinations", List.of(Map.of("type", "excel")),
                "runAfter", runAfter)).post("/api/v1/flows").then().statusCode(201).extract().path("id");
    }

    /** Waits for the flow's first run to exist and end. */
    private static JsonPath awaitFirstRun(String flow) {
        for (int i = 0; i < 600; i++) {
            List<String> ids = given().get("/api/v1/flows/" + flow + "/runs").then().extract().jsonPath().getList("items.id");
            if (!ids.isEmpty()) {
                return awaitRun(ids.get(ids.size() - 1));
            }
            sleep(50);
        }
        throw new AssertionError("flow " + flow + " never ran");
    }

    @Test
    void aRunOverItsTimeLimitIsStoppedAndFails() {
        FakeApi api = FakeApi.shared();
        api.putFile("/files/slow-timeout.csv", "a\n1\n");
        api.failNext("/files/slow-timeout.csv", 1, new FakeApi.Failure(429, "30", "{}"));
        String connection = createConnection("csv-url", Map.of("url", api.url("/files/slow-timeout.csv")));
        Map<String, Object> flow = Map.of("name", "limited", "sources", List.of(Map.of("connectionId", connection)),
                "destinations", List.of(Map.of("type", "excel")), "timeout", "PT1S");
        String id = given().contentType(ContentType.JSON).body(flow).post("/api/v1/flows").then().statusCode(201)
                .body("timeout", equalTo("PT1S")).extract().path("id");
        JsonPath run = awaitRun(startRun(id));
        assertThat(run.getString("status")).isEqualTo("failed");
        assertThat(run.getString("error.step")).isEqualTo("extract source 1 (csv-url)");
        assertThat(run.getString("error.message")).contains("longer than its time limit of 1 s (the flow's timeout, PT1S)");
        // Waiting out the 30-s Retry-After would succeed; the 1-s limit ends the run long before.
        assertThat(run.getLong("durationMillis")).isLessThan(10_000);

        given().contentType(ContentType.JSON).body(Map.of("name", "bad", "sources", List.of(Map.of("connectionId", connection)),
                "destinations", List.of(Map.of("type", "excel")), "timeout", "an hour"))
                .post("/api/v1/flows").then().statusCode(422).body("errors[0].field", equalTo("timeout"));
    }

    @Test
    void unknownIdsAnswer404ProblemJson() {
        UUID id = UUID.randomUUID();
        for (String path : List.of("/api/v1/connections/" + id, "/api/v1/flows/" + id, "/api/v1/runs/" + id,
                "/api/v1/flows/" + id + "/runs", "/api/v1/runs/" + id + "/log")) {
            given().get(path).then().statusCode(404).contentType("application/problem+json")
                    .body("type", equalTo("urn:rowflow:problem:not-found"))
                    .body("detail", containsString(id.toString()));
        }
        given().get("/api/v1/connections/not-a-uuid").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void secretsAreWriteOnlyAndEncryptedAtRest() throws SQLException {
        FakeApi api = FakeApi.shared();
        String token = "Bearer " + FakeApi.PRIVATE_TOKEN;
        String body = given().contentType(ContentType.JSON).body(Map.of("name", "private api", "connectorId", "json-url",
                "config", Map.of("url", api.url("/json/private"), "recordsPath", "data",
                        "headers", Map.of("Authorization", token))))
                .post("/api/v1/connections").then().statusCode(201)
                .body("secretFields", equalTo(List.of("headers")))
                .body("config.url", equalTo(api.url("/json/private")))
                .extract().asString();
        assertThat(body).doesNotContain(FakeApi.PRIVATE_TOKEN);
        String id = JsonPath.from(body).getString("id");
        assertThat(given().get("/api/v1/connections/" + id).asString()).doesNotContain(FakeApi.PRIVATE_TOKEN);
        assertThat(given().get("/api/v1/connections").asString()).doesNotContain(FakeApi.PRIVATE_TOKEN);
        given().post("/api/v1/connections/" + id + "/check").then().statusCode(200).body("ok", equalTo(true));

        try (Connection c = database.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT config_json, secrets_ciphertext FROM connection WHERE id = '" + id + "'")) {
            rs.next();
            assertThat(rs.getString(1)).doesNotContain(FakeApi.PRIVATE_TOKEN).doesNotContain("Authorization");
            assertThat(rs.getString(2)).startsWith("v2:").doesNotContain(FakeApi.PRIVATE_TOKEN);
        }

        // Renaming without resending the secret keeps it; the flow still authenticates.
        given().contentType(ContentType.JSON).body(Map.of("name", "renamed", "connectorId", "json-url",
                "config", Map.of("url", api.url("/json/private"), "recordsPath", "data")))
                .put("/api/v1/connections/" + id).then().statusCode(200)
                .body("name", equalTo("renamed")).body("secretFields", equalTo(List.of("headers")));
        String flow = createExcelFlow(id, Map.of());
        JsonPath run = runSucceeds(flow);
        assertThat(run.getLong("sources[0].rowsRead")).isEqualTo(3);

        // A connection in use cannot be deleted; once its flow is gone, it can.
        given().delete("/api/v1/connections/" + id).then().statusCode(409).contentType("application/problem+json");
        given().delete("/api/v1/flows/" + flow).then().statusCode(204);
        given().delete("/api/v1/connections/" + id).then().statusCode(204);
        given().get("/api/v1/connections/" + id).then().statusCode(404);
    }

    @Test
    void checkSaysWhatFailed() {
        String id = createConnection("json-url", Map.of("url", FakeApi.shared().url("/json/private"), "recordsPath", "data"));
        given().post("/api/v1/connections/" + id + "/check").then().statusCode(200)
                .body("ok", equalTo(false)).body("message", containsString("answered HTTP 401"));
    }

    @Test
    void previewShowsTheFirstRowsWithTypes() {
        FakeApi api = FakeApi.shared();
        StringBuilder csv = new StringBuilder("n,label,when\n");
        for (int i = 1; i <= 150; i++) {
            csv.append(i).append(",row ").append(i).append(",2024-03-").append(String.format("%02d", 1 + i % 28)).append('\n');
        }
        api.putFile("/files/150.csv", csv.toString());
        String flow = createExcelFlow(createConnection("csv-url", Map.of("url", api.url("/files/150.csv"))), Map.of());
        given().post("/api/v1/flows/" + flow + "/preview").then().statusCode(200)
                .body("columns.name", equalTo(List.of("n", "label", "when")))
                .body("columns.type", equalTo(List.of("integer", "string", "date")))
                .body("rowCount", equalTo(100))
                .body("truncated", equalTo(true))
                .body("rows[0]", equalTo(List.of(1, "row 1", "2024-03-02")))
                .body("rows[99][0]", equalTo(100));

        String json = createExcelFlow(createConnection("json-url", Map.of("url", api.url("/json/all"))), Map.of());
        given().post("/api/v1/flows/" + json + "/preview").then().statusCode(200)
                .body("rowCount", equalTo(23)).body("truncated", equalTo(false))
                .body("columns.find { it.name == 'address.geo.lat' }.type", equalTo("decimal"))
                .body("columns.find { it.name == 'tags' }.type", equalTo("json"))
                .body("columns.find { it.name == 'created' }.type", equalTo("timestamp"))
                .body("rows[1][2]", equalTo("Köln"));
    }

    @Test
    void runsArePagedNewestFirstAndTheFileDownloads() {
        FakeApi api = FakeApi.shared();
        api.putFile("/files/paging.csv", "a\n1\n");
        String flow = createExcelFlow(createConnection("csv-url", Map.of("url", api.url("/files/paging.csv"))), Map.of());
        given().get("/api/v1/flows/" + flow + "/destinations/0/file").then().statusCode(404)
                .body("detail", containsString("has not written a file yet"));
        String first = runSucceeds(flow).getString("id");
        String second = runSucceeds(flow).getString("id");
        String third = runSucceeds(flow).getString("id");
        given().get("/api/v1/flows/" + flow + "/runs?size=2").then().statusCode(200)
                .body("total", equalTo(3)).body("items.id", equalTo(List.of(third, second)));
        given().get("/api/v1/flows/" + flow + "/runs?size=2&page=1").then().statusCode(200)
                .body("items.id", equalTo(List.of(first)));
        given().get("/api/v1/flows/" + flow + "/runs?size=0").then().statusCode(422);
        given().get("/api/v1/flows/" + flow + "/destinations/0/file").then().statusCode(200)
                .header("Content-Disposition", startsWith("attachment; filename=\"Flow to Excel.xlsx\""));
        given().get("/api/v1/flows/" + flow + "/destinations/1/file").then().statusCode(404);
        given().post("/api/v1/runs/" + first + "/cancel").then().statusCode(409).contentType("application/problem+json");
    }

    @Test
    void aRunningRunCanBeCancelled() {
        FakeApi api = FakeApi.shared();
        api.putFile("/files/slow.csv", "a\n1\n");
        // The source asks to come back in 30 s: the run is waiting when it is cancelled.
        api.failNext("/files/slow.csv", 1, new FakeApi.Failure(429, "30", "{}"));
        String flow = createExcelFlow(createConnection("csv-url", Map.of("url", api.url("/files/slow.csv"))), Map.of());
        String run = startRun(flow);
        for (int i = 0; i < 100 && api.hits("/files/slow.csv") == 0; i++) {
            sleep(50);
        }
        // While it runs, the flow cannot be started again.
        given().post("/api/v1/flows/" + flow + "/runs").then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("already running (run " + run + ")"));
        given().post("/api/v1/runs/" + run + "/cancel").then().statusCode(200);
        JsonPath ended = awaitRun(run);
        assertThat(ended.getString("status")).isEqualTo("cancelled");
        given().get("/api/v1/flows/" + flow + "/destinations/0/file").then().statusCode(404);
        assertThat(awaitRun(startRun(flow)).getString("status")).isEqualTo("succeeded");
    }

    @Test
    void healthMetricsAndOpenApi() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200);
        FakeApi.shared().putFile("/files/metrics.csv", "a\n1\n");
        runSucceeds(createExcelFlow(createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/metrics.csv"))),
                Map.of()));
        String metrics = given().header("Authorization", "Bearer test-scrape-token").get("/q/metrics").then()
                .statusCode(200).extract().asString();
        assertThat(metrics).contains("rowflow_runs_total{status=\"succeeded\"}").contains("rowflow_rows_read_total")
                .contains("rowflow_rows_written_total").contains("rowflow_run_duration_seconds_count");
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/flows/{id}/runs"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/flows/{id}/destinations/{index}/file"))
                .body("components.securitySchemes.apiToken.scheme", equalTo("bearer"))
                .body("paths.'/api/v1/flows'.get.security[0]", org.hamcrest.Matchers.hasKey("apiToken"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
