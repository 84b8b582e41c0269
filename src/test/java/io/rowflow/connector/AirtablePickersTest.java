package io.rowflow.connector;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.createConnection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.rowflow.testing.FakeAirtable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Airtable's base, table and view pickers: the catalog declares them, and the connection's stored token lists, by
 * name, what Airtable's metadata API answers (every page of bases), for the caller's workspace only; a token without
 * the schema.bases:read scope gets a sentence saying to add it.
 */
@QuarkusTest
@QuarkusTestResource(FakeAirtable.class)
class AirtablePickersTest {
    private static final String PICKERS = "/api/v1/connectors/airtable/pickers/";

    private static Response options(String setting, String query) {
        return given().get(PICKERS + setting + "?" + query);
    }

    private static List<Map<String, String>> listed(String setting, String query) {
        Response answer = options(setting, query);
        answer.then().statusCode(200);
        return answer.jsonPath().getList("", Map.class).stream().map(o -> Map.of("value", (String) o.get("value"),
                "label", (String) o.get("label"))).toList();
    }

    @Test
    void theCatalogDeclaresTheBaseThenItsTableThenItsView() {
        given().get("/api/v1/connectors").then().statusCode(200)
                .body("find { it.id == 'airtable' }.pickers.setting", equalTo(List.of("base_id", "table", "view")))
                .body("find { it.id == 'airtable' }.pickers.dependsOn", equalTo(List.of(List.of(),
                        List.of("base_id"), List.of("base_id", "table"))))
                .body("find { it.id == 'airtable' }.pickers.endpoint", equalTo(List.of(PICKERS + "base_id",
                        PICKERS + "table", PICKERS + "view")))
                .body("find { it.id == 'airtable' }.pickers.creatable", equalTo(List.of(false, false, false)));
    }

    @Test
    void theTokenListsEveryBaseThenTheTablesAndViewsOfTheOneChosen() {
        String connection = createConnection("airtable", Map.of("access_token", FakeAirtable.TOKEN));
        FakeAirtable.running().requests.clear();
        Response bases = options("base_id", "connectionId=" + connection);
        assertThat(bases.statusCode()).isEqualTo(200);
        assertThat(listed("base_id", "connectionId=" + connection)).containsExactly(
                Map.of("value", FakeAirtable.DESIGN_BASE, "label", "Design studio"),
                Map.of("value", "appZ9yX8wV7uT6sR5", "label", "Hiring"),
                Map.of("value", "appM1nO2pQ3rS4tU5", "label", "Événements 2026"));
        // The second page asked with the first page's offset, as Airtable says; the token itself never comes back.
        assertThat(FakeAirtable.running().requests.subList(0, 2)).containsExactly("/v0/meta/bases",
                "/v0/meta/bases {offset=" + FakeAirtable.OFFSET + "}");
        assertThat(bases.asString()).doesNotContain(FakeAirtable.TOKEN);

        assertThat(listed("table", "connectionId=" + connection + "&base_id=" + FakeAirtable.DESIGN_BASE))
                .containsExactly(Map.of("value", "tblq9WYhSd1YEeGCn", "label", "Design projects"),
                        Map.of("value", "tblR7sT8uV9wX0yZ1", "label", "Clients"));
        // A table by its id or, as typed by hand, by its name.
        List<Map<String, String>> views = List.of(Map.of("value", "viwAll0Projects01", "label", "All projects"),
                Map.of("value", "viwKanban0Stage01", "label", "By stage"));
        assertThat(listed("view", "connectionId=" + connection + "&base_id=" + FakeAirtable.DESIGN_BASE
                + "&table=tblq9WYhSd1YEeGCn")).isEqualTo(views);
        assertThat(listed("view", "connectionId=" + connection + "&base_id=" + FakeAirtable.DESIGN_BASE
                + "&table=Design projects")).isEqualTo(views);
        options("view", "connectionId=" + connection + "&base_id=" + FakeAirtable.DESIGN_BASE + "&table=Invoices")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors[0].field", equalTo("table"))
                .body("errors[0].message", equalTo("Airtable lists no \"Invoices\" here"));
    }

    @Test
    void aTableNeedsItsBaseChosenAndWellFormedBeforeAirtableIsAsked() {
        String connection = createConnection("airtable", Map.of("access_token", FakeAirtable.TOKEN));
        FakeAirtable.running().requests.clear();
        options("table", "connectionId=" + connection).then().statusCode(422).contentType("application/problem+json")
                .body("errors[0].field", equalTo("base_id")).body("errors[0].message", equalTo("choose it first"));
        options("table", "connectionId=" + connection + "&base_id=app/../../v0/meta/bases").then().statusCode(422)
                .body("errors[0].field", equalTo("base_id"));
        assertThat(FakeAirtable.running().requests).isEmpty();
    }

    @Test
    void aTokenWithoutTheSchemaScopeIsToldToAddIt() {
        String connection = createConnection("airtable", Map.of("access_token", FakeAirtable.RECORDS_ONLY_TOKEN));
        for (String query : List.of("base_id?connectionId=" + connection, "table?connectionId=" + connection
                + "&base_id=" + FakeAirtable.DESIGN_BASE)) {
            given().get(PICKERS + query).then().statusCode(502).contentType("application/problem+json")
                    .body("detail", equalTo("Airtable refused to list the bases and tables: the personal access token"
                            + " needs the schema.bases:read scope (add it at airtable.com/create/tokens, or reconnect"
                            + " Airtable) and access to the base; you can also type the base's id and the table's"
                            + " name"));
        }
    }

    @Test
    void anotherWorkspaceCannotListThroughTheConnection() {
        String connection = createConnection("airtable", Map.of("access_token", FakeAirtable.TOKEN));
        String other = given().contentType(ContentType.JSON).body(Map.of("name", "airtable outsiders"))
                .post("/api/v1/workspaces").then().statusCode(201).extract().path("id");
        FakeAirtable.running().requests.clear();
        Response answer = given().header("Rowflow-Workspace", other).get(PICKERS + "base_id?connectionId=" + connection);
        // The same answer as for a connection that never existed, and Airtable is never asked.
        answer.then().statusCode(404).contentType("application/problem+json");
        given().header("Rowflow-Workspace", other).get(PICKERS + "base_id?connectionId=00000000-0000-0000-0000-000000000009")
                .then().statusCode(404).body("detail", equalTo(answer.jsonPath().getString("detail")
                        .replace(connection, "00000000-0000-0000-0000-000000000009")));
        assertThat(FakeAirtable.running().requests).isEmpty();
    }
}
