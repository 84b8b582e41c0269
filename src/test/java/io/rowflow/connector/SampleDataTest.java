package io.rowflow.connector;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.createConnection;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.rowflow.testing.Api;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sample data a first flow can be tried with: no credentials and no network, typed as a file's values are, and
 * money summed exactly (its amounts include 0.10 and 0.20, whose binary sum is inexact).
 */
@QuarkusTest
class SampleDataTest {

    @Test
    void aFirstFlowRunsOnTheSampleDealsWithExactSums() {
        String sample = createConnection("sample-data", Map.of());
        given().get("/api/v1/connectors").then().statusCode(200)
                .body("find { it.id == 'sample-data' }.streams", equalTo(List.of("deals", "orders")));
        given().contentType(ContentType.JSON).body(Map.of("name", "sample", "sources",
                List.of(Map.of("connectionId", sample, "stream", "deals")), "destinations", List.of(Map.of("type", "excel"))))
                .post("/api/v1/flows/preview?step=sources[0]").then().statusCode(200)
                .body("totalRows", equalTo(48))
                .body("columns.name", equalTo(List.of("deal id", "deal name", "company", "stage", "amount", "currency",
                        "owner", "created", "close date")))
                .body("columns.type", equalTo(List.of("integer", "string", "string", "string", "decimal", "string",
                        "string", "date", "date")))
                .body("rows[0]", equalTo(List.of(1001, "Ærøskøbing Bikes — expansion", "Ærøskøbing Bikes", "Appointment",
                        "19.99", "EUR", "Ana Costa", "2026-07-07", "2026-08-17")));

        String flow = given().contentType(ContentType.JSON).body(Map.of("name", "pipeline by stage", "sources",
                List.of(Map.of("connectionId", sample, "stream", "deals")), "transform", Map.of("steps", List.of(
                        Map.of("type", "aggregate", "groupBy", List.of("stage"), "aggregates", List.of(
                                Map.of("function", "sum", "column", "amount", "as", "pipeline"))),
                        Map.of("type", "sort", "by", List.of(Map.of("column", "stage"))))),
                "destinations", List.of(Map.of("type", "published", "settings", Map.of()))))
                .post("/api/v1/flows").then().statusCode(201).extract().path("id");
        Api.runSucceeds(flow);
        given().post("/api/v1/flows/" + flow + "/preview").then().statusCode(200)
                .body("rows", equalTo(List.of(List.of("Appointment", "96231.51"), List.of("Closed lost", "30177.97"),
                        List.of("Closed won", "46261.37"), List.of("Negotiation", "165175.20"),
                        List.of("Proposal", "104601.63"), List.of("Qualified", "112521.40"))));

        given().contentType(ContentType.JSON).body(Map.of("name", "sample", "sources",
                List.of(Map.of("connectionId", sample, "stream", "orders")), "destinations", List.of(Map.of("type", "excel"))))
                .post("/api/v1/flows/preview?step=sources[0]").then().statusCode(200).body("totalRows", equalTo(120))
                .body("columns[1].type", equalTo("timestamp")).body("columns[7].type", equalTo("decimal"));
    }
}
