package io.rowflow.writer.bigquery;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import io.rowflow.testing.FakeBigQuery;
import io.rowflow.testing.FakeSheets;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A flow to BigQuery through the API, as the builder makes one: the catalog's descriptor and its pickers (projects,
 * datasets with a new one made in its location, tables), a run from a CSV into a new table read back exactly, a
 * second run whose CSV gained a column, and the destination's link into BigQuery's console.
 */
@QuarkusTest
@QuarkusTestResource(FakeSheets.class)
@QuarkusTestResource(FakeBigQuery.Resource.class)
class BigQueryFlowTest {

    @Test
    void aFlowPicksItsTableThenRunsIntoIt() {
        FakeBigQuery fake = FakeBigQuery.Resource.running();
        fake.addProject("acme-analytics", "Acme Analytics");
        String google = Api.createConnection("google-sheets", Map.of("service_account_key",
                FakeSheets.running().serviceAccountKey()));

        given().get("/api/v1/destinations").then().statusCode(200)
                .body("find { it.id == 'bigquery' }.connectionType", equalTo("google-sheets"))
                .body("find { it.id == 'bigquery' }.pickers.setting", equalTo(List.of("project", "dataset", "table")));
        given().queryParam("connectionId", google).get("/api/v1/destinations/bigquery/pickers/project").then()
                .statusCode(200).body("value", hasItems("acme-analytics")).body("find { it.value == 'acme-analytics' }"
                        + ".label", equalTo("Acme Analytics"));
        given().contentType(ContentType.JSON).body(Map.of("connectionId", google, "title", "crm_exports", "values",
                Map.of("project", "acme-analytics", "location", "EU"))).post("/api/v1/destinations/bigquery/pickers/dataset")
                .then().statusCode(201).body("value", equalTo("crm_exports")).body("label", equalTo("crm_exports (EU)"));
        given().contentType(ContentType.JSON).body(Map.of("connectionId", google, "title", "not a dataset!", "values",
                Map.of("project", "acme-analytics"))).post("/api/v1/destinations/bigquery/pickers/dataset").then()
                .statusCode(422);
        given().queryParam("connectionId", google).queryParam("project", "acme-analytics")
                .get("/api/v1/destinations/bigquery/pickers/dataset").then().statusCode(200)
                .body("label", equalTo(List.of("crm_exports (EU)")));

        FakeApi api = FakeApi.shared();
        api.putFile("/files/bq-deals.csv", "Deal id,Amount,Closed on\n9007199254740993,0.10,2026-03-29\n2,0.20,2026-03-30\n");
        String csv = Api.createConnection("csv-url", Map.of("url", api.url("/files/bq-deals.csv")));
        Map<String, Object> destination = Map.of("type", "bigquery", "settings", Map.of("connectionId", google,
                "project", "acme-analytics", "dataset", "crm_exports", "table", "deals", "mode", "replace"));
        String flow = given().contentType(ContentType.JSON).body(Map.of("name", "Deals to BigQuery", "sources",
                List.of(Map.of("connectionId", csv)), "destinations", List.of(destination))).post("/api/v1/flows")
                .then().statusCode(201).extract().path("id");
        JsonPath run = Api.awaitRun(Api.startRun(flow));
        assertThat(run.getString("status")).as(run.prettify()).isEqualTo("succeeded");
        assertThat(fake.schema("acme-analytics", "crm_exports", "deals")).extracting(FakeBigQuery.Field::name,
                FakeBigQuery.Field::type).containsExactly(org.assertj.core.groups.Tuple.tuple("Deal_id", "INTEGER"),
                        org.assertj.core.groups.Tuple.tuple("Amount", "NUMERIC"),
                        org.assertj.core.groups.Tuple.tuple("Closed_on", "DATE"));
        List<Map<String, Object>> rows = fake.rows("acme-analytics", "crm_exports", "deals", "Deal_id");
        assertThat(rows.get(1)).containsEntry("Deal_id", 9007199254740993L)
                .containsEntry("Closed_on", java.time.LocalDate.of(2026, 3, 29));
        assertThat((BigDecimal) rows.get(0).get("Amount")).isEqualByComparingTo("0.20");

        given().queryParam("connectionId", google).queryParam("project", "acme-analytics")
                .queryParam("dataset", "crm_exports").get("/api/v1/destinations/bigquery/pickers/table").then()
                .statusCode(200).body("value", equalTo(List.of("deals")));
        given().get("/api/v1/flows/" + flow + "/destinations").then().statusCode(200).body("[0].link.href", equalTo(
                "https://console.cloud.google.com/bigquery?p=acme-analytics&d=crm_exports&t=deals&page=table"));

        // The source gains a column: the table gains it too, by the same load.
        api.putFile("/files/bq-deals.csv", "Deal id,Amount,Closed on,Owner\n3,0.30,2026-04-01,ana@example.com\n");
        assertThat(Api.awaitRun(Api.startRun(flow)).getString("status")).isEqualTo("succeeded");
        assertThat(fake.schema("acme-analytics", "crm_exports", "deals")).extracting(FakeBigQuery.Field::name)
                .containsExactly("Deal_id", "Amount", "Closed_on", "Owner");
        assertThat(fake.rows("acme-analytics", "crm_exports", "deals", "Deal_id")).singleElement().satisfies(
                r -> assertThat(r).containsEntry("Owner", "ana@example.com"));
    }
}
