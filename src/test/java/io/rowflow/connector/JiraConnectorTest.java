package io.rowflow.connector;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeJira;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Jira Cloud, declared in connectors/jira/, against the stateful fake: issues through the enhanced JQL search with its
 * page tokens and custom fields under their names, projects, users and boards in full, a 429 waited out, bad JQL and a
 * wrong token turned into sentences, and a site setting that cannot lead anywhere but *.atlassian.net.
 */
@QuarkusTest
@QuarkusTestResource(FakeJira.class)
class JiraConnectorTest {
    static String connection(String token, String jql) {
        Map<String, Object> config = new HashMap<>(Map.of("site", "acme", "email", FakeJira.EMAIL, "api_token", token));
        if (jql != null) {
            config.put("jql", jql);
        }
        Api.SECRETS_USED.add(FakeJira.API_TOKEN);
        return Api.createConnection("jira", config);
    }

    static JsonPath preview(String connection, String stream) {
        return given().contentType(ContentType.JSON).body(Map.of("name", "jira " + stream, "sources", List.of(Map.of(
                "connectionId", connection, "stream", stream)), "destinations", List.of(Map.of("type", "excel"))))
                .post("/api/v1/flows/preview?step=sources[0]").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void everyStreamReadsInFullWithCustomFieldsByName() {
        String id = connection(FakeJira.API_TOKEN, null);
        JsonPath issues = preview(id, "issues");
        assertThat(issues.getLong("totalRows")).isEqualTo(FakeJira.ISSUES);
        List<String> columns = issues.getList("columns.name");
        assertThat(columns).contains("id", "key", "Summary", "Status.name", "Assignee.displayName", "Created", "Updated",
                "Story points", "Team.value");
        assertThat(issues.getString("columns.find { it.name == 'Created' }.type")).isEqualTo("timestamp");
        assertThat(issues.getString("columns.find { it.name == 'Story points' }.type")).isEqualTo("decimal");
        var tenth = FakeJira.running().issues().get(9).get("fields");
        List<Object> row = issues.getList("rows[9]");
        assertThat(row.get(columns.indexOf("Summary"))).isEqualTo(tenth.get("summary").asText());
        assertThat(row.get(columns.indexOf("Status.name"))).isEqualTo(tenth.get("status").get("name").asText());
        // +0000 is UTC: the timestamp is stored as written.
        assertThat(row.get(columns.indexOf("Created")).toString()).startsWith(tenth.get("created").asText().substring(0, 19));

        assertThat(preview(id, "projects").getLong("totalRows")).isEqualTo(7);
        JsonPath users = preview(id, "users");
        assertThat(users.getLong("totalRows")).isEqualTo(FakeJira.USERS); // pages capped at 50 though 100 were asked
        assertThat(preview(id, "boards").getLong("totalRows")).isEqualTo(3);
        assertThat(preview(id, "fields").getLong("totalRows")).isEqualTo(7);
    }

    @Test
    void aThrottledSearchWaitsAndLosesNothing() {
        String id = connection(FakeJira.API_TOKEN, null);
        FakeJira.running().throttleNext(2);
        assertThat(preview(connection(FakeJira.API_TOKEN, "project = OPS ORDER BY created"), "issues").getLong("totalRows"))
                .isEqualTo(FakeJira.ISSUES);
        assertThat(id).isNotNull();
    }

    @Test
    void badJqlAndAWrongTokenSayWhatToFix() {
        String flow = Api.createStreamFlow("bad jql", connection(FakeJira.API_TOKEN, "project = nonsense nonsense"),
                "issues");
        JsonPath failed = Api.runToEnd(flow);
        assertThat(failed.getString("error.message")).startsWith("Jira refused the request; check the JQL");
        assertThat(failed.getString("error.upstreamMessage")).contains("Error in the JQL Query");

        String wrong = Api.createStreamFlow("wrong token", connection("not-the-token", null), "projects");
        assertThat(Api.runToEnd(wrong).getString("error.message")).startsWith("Jira rejected the email and API token");

        // The site is a name, not an address: nothing else than <site>.atlassian.net can be reached through it.
        given().contentType(ContentType.JSON).body(Map.of("name", "evil", "connectorId", "jira", "config", Map.of("site",
                "evil.example.com/x?", "email", FakeJira.EMAIL, "api_token", "x"))).post("/api/v1/connections").then()
                .statusCode(422).body("errors[0].field", equalTo("config.site"));
    }
}
