package io.rowflow.connector;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.createConnection;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.FakeHubSpot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which HubSpot properties to read is chosen by each flow's source, per object: a contacts flow and a deals flow on
 * one connection each read their own, and neither fails on the other's fields.
 */
@QuarkusTest
@QuarkusTestResource(FakeHubSpot.class)
class HubSpotFieldChoiceTest {
    private static JsonPath preview(String connection, String stream, String properties) {
        return given().contentType(ContentType.JSON).body(Map.of("name", "hubspot " + stream, "sources", List.of(Map.of(
                "connectionId", connection, "stream", stream, "parameters", Map.of("properties", properties))),
                "destinations", List.of(Map.of("type", "excel")))).post("/api/v1/flows/preview?step=sources[0]").then()
                .statusCode(200).extract().jsonPath();
    }

    @Test
    void eachFlowChoosesThePropertiesOfItsOwnObject() {
        String connection = createConnection("hubspot", Map.of("access_token", FakeHubSpot.TOKEN));
        List<String> contacts = preview(connection, "contacts", "email, Favorite color").getList("columns.name");
        assertThat(contacts).contains("Email", "Favorite color").doesNotContain("First Name", "Deal Name");
        List<String> deals = preview(connection, "deals", "Deal Name, amount").getList("columns.name");
        assertThat(deals).contains("Deal Name", "Amount").doesNotContain("Deal Stage", "Email");
        // Both saved side by side on the same connection.
        for (String[] choice : List.of(new String[] { "contacts", "email, Favorite color" },
                new String[] { "deals", "Deal Name, amount" })) {
            given().contentType(ContentType.JSON).body(Map.of("name", choice[0], "sources", List.of(Map.of(
                    "connectionId", connection, "stream", choice[0], "parameters", Map.of("properties", choice[1]))),
                    "destinations", List.of(Map.of("type", "excel")))).post("/api/v1/flows").then().statusCode(201);
        }
    }
}
