package io.rowflow.connector;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.createConnection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeHubSpot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The HubSpot connector, declared in connectors/hubspot/, against the stateful fake: every stream read in full and
 * checked against the fake's records (row counts and values), custom properties under their labels, a refused token
 * turned into a sentence, and 429s waited out as the API asks with nothing lost.
 */
@QuarkusTest
@QuarkusTestResource(FakeHubSpot.class)
class HubSpotConnectorTest {
    static String connection(String token) {
        return createConnection("hubspot", Map.of("access_token", token));
    }

    static JsonPath preview(String connection, String stream) {
        Map<String, Object> source = new HashMap<>(Map.of("connectionId", connection, "stream", stream));
        return given().contentType(ContentType.JSON).body(Map.of("name", "hubspot " + stream, "sources", List.of(source),
                "destinations", List.of(Map.of("type", "excel")))).post("/api/v1/flows/preview?step=sources[0]").then()
                .statusCode(200).extract().jsonPath();
    }

    @Test
    void theCatalogListsHubSpotWithItsStreamsAndTheTokenStaysSecret() {
        given().get("/api/v1/connectors").then().statusCode(200).body("id", hasItem("hubspot"));
        String id = connection(FakeHubSpot.TOKEN);
        given().get("/api/v1/connections/" + id).then().statusCode(200)
                .body(org.hamcrest.Matchers.not(containsString(FakeHubSpot.TOKEN)));
        Api.SECRETS_USED.add(FakeHubSpot.TOKEN);
    }

    @Test
    void everyStreamReadsInFullWithCustomPropertiesUnderTheirLabels() {
        String id = connection(FakeHubSpot.TOKEN);
        FakeHubSpot hubspot = FakeHubSpot.running();
        JsonPath contacts = preview(id, "contacts");
        assertThat(contacts.getLong("totalRows")).isEqualTo(FakeHubSpot.CONTACTS);
        List<String> columns = contacts.getList("columns.name");
        assertThat(columns).contains("id", "Record ID", "First Name", "Last Name", "Email", "Favorite color",
                "Lifetime value", "createdAt", "updatedAt", "archived");
        Map<String, String> seventh = hubspot.objects("contacts").get(6);
        List<Object> row = contacts.getList("rows[6]");
        assertThat(row.get(columns.indexOf("First Name"))).isEqualTo(seventh.get("firstname"));
        assertThat(row.get(columns.indexOf("Last Name"))).isEqualTo(seventh.get("lastname"));
        assertThat(row.get(columns.indexOf("Favorite color"))).isEqualTo(seventh.get("favorite_color"));
        // HubSpot sends numbers as text; they arrive as numbers, IDs included.
        assertThat(((Number) row.get(columns.indexOf("Lifetime value"))).doubleValue())
                .isEqualTo(Double.parseDouble(seventh.get("lifetime_value")));
        assertThat(contacts.getString("columns.find { it.name == 'Create Date' }.type")).isEqualTo("timestamp");

        assertThat(preview(id, "companies").getLong("totalRows")).isEqualTo(12);
        JsonPath deals = preview(id, "deals");
        assertThat(deals.getLong("totalRows")).isEqualTo(101); // a second page of exactly one record
        assertThat(deals.getList("columns.name")).contains("Deal Name", "Amount", "Deal Stage", "Close Date");
        assertThat(preview(id, "tickets").getLong("totalRows")).isEqualTo(1);
        JsonPath owners = preview(id, "owners");
        assertThat(owners.getLong("totalRows")).isEqualTo(FakeHubSpot.OWNERS);
        assertThat(owners.getList("columns.name")).containsExactly("id", "email", "firstName", "lastName");
        JsonPath pipelines = preview(id, "deal_pipelines");
        assertThat(pipelines.getLong("totalRows")).isEqualTo(1);
        assertThat(pipelines.getString("rows[0][" + pipelines.getList("columns.name").indexOf("stages") + "]"))
                .contains("Closed Won");
        assertThat(preview(id, "ticket_pipelines").getString("rows[0][1]")).isEqualTo("Support Pipeline");
    }

    @Test
    void aRefusedTokenSaysToReconnect() {
        String id = connection("pat-na1-revoked-0000000000000000");
        String flow = Api.createStreamFlow("revoked", id, "owners");
        JsonPath run = Api.runToEnd(flow);
        assertThat(run.getString("status")).isEqualTo("failed");
        assertThat(run.getString("error.message")).startsWith("HubSpot rejected the token: reconnect the account");
        assertThat(run.getString("error.upstreamMessage")).contains("INVALID_AUTHENTICATION");
    }

    @Test
    void aRateLimitIsWaitedOutAsAskedAndNothingIsLost() {
        String id = connection(FakeHubSpot.TOKEN);
        FakeHubSpot hubspot = FakeHubSpot.running();
        String flow = Api.createStreamFlow("throttled", id, "owners");
        int before = hubspot.requestTimes.size();
        hubspot.throttleNext(1, 2);
        JsonPath run = Api.runSucceeds(flow);
        assertThat(run.getLong("destinations[0].rowsWritten")).isEqualTo(FakeHubSpot.OWNERS);
        List<long[]> times = hubspot.requestTimes.subList(before, hubspot.requestTimes.size());
        assertThat(times).hasSizeGreaterThanOrEqualTo(3); // the refused request, its retry, the second page
        double waitedSeconds = (times.get(1)[0] - times.get(0)[0]) / 1e9;
        assertThat(waitedSeconds).as("wait after a 429 with Retry-After: 2").isBetween(1.8, 2.2);
    }
}
