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
import io.rowflow.testing.StreamReads;
import static io.rowflow.testing.Api.createConnection;
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
        assertThat(issues.getLong("totalRows")).isEqualTo(FakeJira.running().issues().size());
        List<String> columns = issues.getList("columns.name");
        assertThat(columns).contains("id", "key", "Summary", "Status.name", "Assignee.displayName", "Created", "Updated",
                "Story points", "Team.value");
        assertThat(issues.getString("columns.find { it.name == 'Created' }.type")).isEqualTo("timestamp");
        assertThat(issues.getString("columns.find { it.name == 'Story points' }.type")).isEqualTo("decimal");
        // Ids Jira sends as JSON strings ("10101") stay text; only dates are read from text.
        assertThat(issues.getString("columns.find { it.name == 'id' }.type")).isEqualTo("string");
        assertThat(preview(id, "projects").getString("columns.find { it.name == 'id' }.type")).isEqualTo("string");
        List<Object> row = issues.getList("rows[9]");
        var tenth = FakeJira.running().issues().stream().filter(i -> i.get("key").asText().equals(row.get(columns.indexOf(
                "key")))).findFirst().orElseThrow().get("fields");
        assertThat(row.get(columns.indexOf("Summary"))).isEqualTo(tenth.get("summary").asText());
        assertThat(row.get(columns.indexOf("Status.name"))).isEqualTo(tenth.get("status").get("name").asText());
        // +0000 is UTC: the timestamp is stored as written.
        assertThat(row.get(columns.indexOf("Created")).toString()).startsWith(tenth.get("created").asText().substring(0, 19));

        assertThat(preview(id, "projects").getLong("totalRows")).isEqualTo(7);
        JsonPath users = preview(id, "users");
        assertThat(users.getLong("totalRows")).isEqualTo(FakeJira.USERS); // pages capped at 50 though 100 were asked
        assertThat(preview(id, "boards").getLong("totalRows")).isEqualTo(3);
        assertThat(preview(id, "fields").getLong("totalRows")).isEqualTo(FakeJira.running().fieldList().size());
    }

    /** A record as the API sends it, flattened the way every source flattens records. */
    static Map<String, Object> flat(com.fasterxml.jackson.databind.JsonNode node) throws Exception {
        try (var parser = new com.fasterxml.jackson.databind.ObjectMapper().treeAsTokens(node)) {
            parser.nextToken();
            return io.rowflow.pipeline.Flattener.flatten(parser);
        }
    }

    @Test
    void everyStreamHasEveryRecordWithItsValues() throws Exception {
        String id = connection(FakeJira.API_TOKEN, null);
        FakeJira jira = FakeJira.running();
        List<Map<String, Object>> issues = StreamReads.read(id, "issues", null);
        assertThat(issues).hasSize(jira.issues().size());
        Map<Object, Map<String, Object>> byKey = StreamReads.byKey(issues, r -> r.get("key"));
        for (var issue : jira.issues()) {
            Map<String, Object> row = byKey.get(issue.get("key").asText());
            var fields = issue.get("fields");
            assertThat(row.get("id")).isEqualTo(issue.get("id").asText());
            assertThat(row.get("Summary")).isEqualTo(fields.get("summary").asText());
            assertThat(row.get("Status.name")).isEqualTo(fields.get("status").get("name").asText());
            assertThat(row.get("Assignee.displayName")).isEqualTo(fields.get("assignee").isNull() ? null
                    : fields.get("assignee").get("displayName").asText());
            assertThat(row.get("Created")).isEqualTo(fields.get("created").asText());
            assertThat(row.get("Updated")).isEqualTo(fields.get("updated").asText());
            assertThat(row.get("Story points")).isEqualTo(fields.get("customfield_10016").isNull() ? null
                    : new java.math.BigDecimal(fields.get("customfield_10016").asText()));
            assertThat(row.get("Team.value")).isEqualTo(fields.get("customfield_10020").get("value").asText());
            assertThat(row.get("Reviewer.displayName")).isEqualTo(fields.get("customfield_10030").isNull() ? null
                    : fields.get("customfield_10030").get("displayName").asText());
            // ADF becomes the text a person reads.
            int number = Integer.parseInt(issue.get("key").asText().substring(4));
            assertThat(row.get("Description")).isEqualTo(fields.get("description").isNull() ? null
                    : FakeJira.descriptionText(number));
        }
        for (var stream : Map.of("projects", jira.projects(), "users", jira.users(), "boards", jira.boards()).entrySet()) {
            List<Map<String, Object>> read = StreamReads.read(id, stream.getKey(), null);
            assertThat(read).as(stream.getKey()).hasSameSizeAs(stream.getValue());
            for (int i = 0; i < read.size(); i++) {
                assertThat(read.get(i)).as(stream.getKey() + " " + i).isEqualTo(flat(stream.getValue().get(i)));
            }
        }
        List<Map<String, Object>> fieldsRead = StreamReads.read(id, "fields", null);
        assertThat(fieldsRead).hasSize(jira.fieldList().size());
        for (int i = 0; i < fieldsRead.size(); i++) {
            assertThat(fieldsRead.get(i)).isEqualTo(flat(jira.fieldList().get(i)));
        }
        // Sprints of the one Scrum board; the Kanban boards answer 400 and have none.
        List<Map<String, Object>> sprints = StreamReads.read(id, "sprints", null);
        assertThat(sprints).hasSize(4);
        for (int i = 0; i < 4; i++) {
            Map<String, Object> expected = new java.util.LinkedHashMap<>();
            expected.put("Board ID", "1");
            expected.putAll(flat(jira.sprintsOf(1).get(i)));
            assertThat(sprints.get(i)).isEqualTo(expected);
        }
        // Worklogs of every issue, each with its issue's key.
        List<Map<String, Object>> worklogs = StreamReads.read(id, "worklogs", null);
        List<Map<String, Object>> expected = new java.util.ArrayList<>();
        for (var issue : jira.issues()) {
            for (var worklog : jira.worklogs(issue.get("key").asText())) {
                Map<String, Object> row = new java.util.LinkedHashMap<>();
                row.put("Issue key", issue.get("key").asText());
                row.putAll(flat(worklog.deepCopy().without("comment")));
                if (worklog.has("comment")) {
                    row.put("comment", worklog.get("comment").get("content").get(0).get("content").get(0).get("text")
                            .asText());
                }
                expected.add(row);
            }
        }
        assertThat(expected).hasSizeGreaterThan(50);
        assertThat(worklogs).containsExactlyInAnyOrderElementsOf(expected);
    }

    /**
     * The issues' columns come from the field list, in its order, before the first issue: an issue whose assignee or
     * reviewer is empty has the same columns as one whose user fields are set, and a user's other values (avatars,
     * time zone) make no columns. Records never have a column the announcement lacks.
     */
    @Test
    void issueColumnsComeFromTheFieldListWhateverTheFirstIssueHolds() {
        String id = connection(FakeJira.API_TOKEN, null);
        List<String> expected = List.of("id", "key", "Summary", "Status.name", "Assignee.displayName",
                "Assignee.accountId", "Created", "Updated", "Description", "Story points", "Team.value",
                "Reviewer.displayName", "Reviewer.accountId");
        assertThat(StreamReads.announcedColumns(id, "issues")).isEqualTo(expected);
        for (Map<String, Object> issue : StreamReads.read(id, "issues", null)) {
            assertThat(expected).containsAll(issue.keySet());
        }
        // Reading the first issue with its assignee cleared and reviewer set changes nothing in the columns.
        FakeJira jira = FakeJira.running();
        java.time.Instant now = java.time.Instant.now();
        var first = jira.issues().get(0).get("fields");
        var keptAssignee = first.get("assignee").deepCopy();
        var keptReviewer = first.get("customfield_10030").deepCopy();
        var keptUpdated = first.get("updated").asText();
        jira.setUser(0, "assignee", null, now);
        jira.setUser(0, "customfield_10030", "Grace Hopper", now);
        try {
            assertThat(StreamReads.announcedColumns(id, "issues")).isEqualTo(expected);
            Map<String, Object> read = StreamReads.read(id, "issues", null).stream().filter(r -> "OPS-1".equals(r.get(
                    "key"))).findFirst().orElseThrow();
            assertThat(read).containsEntry("Reviewer.displayName", "Grace Hopper").doesNotContainKey("Assignee")
                    .doesNotContainKey("Reviewer.avatarUrls.48x48");
        } finally {
            ((com.fasterxml.jackson.databind.node.ObjectNode) first).set("assignee", keptAssignee);
            ((com.fasterxml.jackson.databind.node.ObjectNode) first).set("customfield_10030", keptReviewer);
            ((com.fasterxml.jackson.databind.node.ObjectNode) first).put("updated", keptUpdated);
        }
    }

    /** With rich_text: json (a connection or flow setting), a description is the Atlassian document's JSON, whole. */
    @Test
    void richTextCanStayAtlassianDocumentJson() throws Exception {
        Map<String, Object> config = new HashMap<>(Map.of("site", "acme", "email", FakeJira.EMAIL, "api_token",
                FakeJira.API_TOKEN, "rich_text", "json"));
        String id = createConnection("jira", config);
        Map<String, Object> second = StreamReads.read(id, "issues", null).stream().filter(r -> "OPS-2".equals(r.get(
                "key"))).findFirst().orElseThrow();
        assertThat(second.get("Description")).isInstanceOf(io.rowflow.pipeline.JsonText.class);
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(((io.rowflow.pipeline.JsonText) second
                .get("Description")).json())).isEqualTo(FakeJira.running().description(2));
        assertThat(second).doesNotContainKeys("Description.type", "Description.content");
    }

    /**
     * Issues and worklogs read twice incrementally: JQL asks from the last change (written in the account's time zone,
     * to the minute), and the second read returns exactly what changed; both reads together equal a full read.
     */
    @Test
    void pagedReadsStopAtJirasOwnLastPageSignal() {
        String id = connection(FakeJira.API_TOKEN, null);
        FakeJira jira = FakeJira.running();
        int issues = jira.issues().size();
        int before = jira.requestTimes.size();
        StreamReads.read(id, "worklogs", null);
        int requests = jira.requestTimes.size() - before;
        // One worklog request per issue (its total is reached on the first page), plus the issue search's pages and
        // the field list: no empty page asked for after each issue's worklogs.
        assertThat(requests).isLessThanOrEqualTo(issues + (issues + 99) / 100 + 2);
        before = jira.requestTimes.size();
        StreamReads.read(id, "projects", null);
        assertThat(jira.requestTimes.size() - before).as("7 projects on one page, isLast").isEqualTo(1);
    }

    @Test
    void twoIncrementalReadsGiveOnlyTheChangesAndTogetherAFullRead() {
        Map<String, Object> config = new HashMap<>(Map.of("site", "acme", "email", FakeJira.EMAIL, "api_token",
                FakeJira.API_TOKEN, "time_zone", FakeJira.ACCOUNT_ZONE.getId()));
        String id = createConnection("jira", config);
        FakeJira jira = FakeJira.running();
        java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        StreamReads.assertTwoReads(id, "issues", "key", () -> {
            jira.edit(4, "Task 5, reworded", now.plusSeconds(1));
            jira.edit(80, "Task 81, reworded", now.plusSeconds(2));
            jira.create("A new one", now.plusSeconds(3));
        }, List.of("OPS-5", "OPS-81", "OPS-" + (jira.issues().size() + 1)));
        List<String> logged = new java.util.ArrayList<>();
        StreamReads.assertTwoReads(id, "worklogs", "id", () -> {
            logged.add(jira.logWork(9, 3600, now.plusSeconds(60)).get("id").asText());
            logged.add(jira.logWork(20, 900, now.plusSeconds(61)).get("id").asText());
        }, logged);
    }

    /**
     * "Connect Jira" with OAuth 2.0 (3LO): Atlassian's consent page, the code exchanged with a JSON request, the site's
     * cloud id found through accessible-resources, and every read going through api.atlassian.com/ex/jira/{cloudid}
     * with the token, refreshed (and rotated) when it expires.
     */
    @Test
    void signingInWithAtlassianFindsTheSiteAndReadsThroughTheGateway() throws Exception {
        FakeJira jira = FakeJira.running();
        jira.oauth.registeredRedirect = "http://localhost:" + io.restassured.RestAssured.port + "/api/v1/oauth/jira/callback";
        jira.oauth.accessLifetimeSeconds = 2;
        Api.Browser browser = Api.signIn(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
        java.net.URI consent = java.net.URI.create(given().spec(browser.spec()).redirects().follow(false)
                .queryParam("name", "Jira via Atlassian").get("/api/v1/oauth/jira/authorize").then().statusCode(302)
                .extract().header("Location"));
        Map<String, String> asked = io.rowflow.testing.FakeHttp.query(consent.getRawQuery());
        assertThat(asked).containsEntry("audience", "api.atlassian.com").containsEntry("prompt", "consent")
                .containsEntry("client_id", FakeJira.CLIENT_ID).containsEntry("redirect_uri", jira.oauth.registeredRedirect);
        assertThat(asked.get("scope").split(" ")).contains("read:jira-work", "offline_access");
        var approved = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(consent).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        java.net.URI back = java.net.URI.create(approved.headers().firstValue("Location").orElseThrow());
        String location = given().spec(browser.spec()).redirects().follow(false).get(back.getPath() + "?"
                + back.getRawQuery()).then().statusCode(303).extract().header("Location");
        String id = location.substring(location.indexOf("/connections/") + 13, location.indexOf('?'));
        given().get("/api/v1/connections/" + id).then().statusCode(200)
                .body("config.cloud_id", equalTo(FakeJira.CLOUD_ID))
                .body("config.site_url", equalTo("https://acme.atlassian.net"))
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("oauth-access-")));

        int through = jira.oauthRequests.get();
        assertThat(StreamReads.read(id, "issues", null)).hasSize(jira.issues().size());
        assertThat(jira.oauthRequests.get() - through).as("requests through the gateway").isGreaterThan(2);
        Thread.sleep(2_100); // the access token expires
        int refreshes = jira.oauth.refreshes.get();
        assertThat(StreamReads.read(id, "sprints", null)).hasSize(4);
        assertThat(jira.oauth.refreshes.get() - refreshes).as("one refresh for the expired token").isEqualTo(1);
        jira.oauth.accessLifetimeSeconds = 3600;
    }

    @Test
    void aThrottledSearchWaitsAsAskedAndLosesNothing() {
        FakeJira jira = FakeJira.running();
        String id = connection(FakeJira.API_TOKEN, "project = OPS");
        int before = jira.requestTimes.size();
        jira.throttleNext(2);
        assertThat(StreamReads.read(id, "issues", null)).hasSize(jira.issues().size());
        List<Long> times = jira.requestTimes.subList(before, jira.requestTimes.size());
        // The field list (refused), its retry (refused) and its second retry: each wait as Retry-After: 1 asks.
        for (int i = 1; i <= 2; i++) {
            double waited = (times.get(i) - times.get(i - 1)) / 1e9;
            assertThat(waited).as("wait %d after a 429 with Retry-After: 1", i).isBetween(0.9, 1.1);
        }
    }

    @Test
    void badJqlAndAWrongTokenSayWhatToFix() {
        String flow = Api.createStreamFlow("bad jql", connection(FakeJira.API_TOKEN, "project = nonsense nonsense"),
                "issues");
        JsonPath failed = Api.runToEnd(flow);
        assertThat(failed.getString("error.message")).startsWith("Jira refused the request; check the JQL");
        assertThat(failed.getString("error.upstreamMessage")).contains("Error in the JQL Query");

        String wrong = Api.createStreamFlow("wrong token", connection("not-the-token", null), "projects");
        assertThat(Api.runToEnd(wrong).getString("error.message")).startsWith("Jira rejected the credentials");

        // The site is a name, not an address: nothing else than <site>.atlassian.net can be reached through it.
        given().contentType(ContentType.JSON).body(Map.of("name", "evil", "connectorId", "jira", "config", Map.of("site",
                "evil.example.com/x?", "email", FakeJira.EMAIL, "api_token", "x"))).post("/api/v1/connections").then()
                .statusCode(422).body("errors[0].field", equalTo("config.site"));
    }

    @jakarta.inject.Inject
    jakarta.persistence.EntityManager em;

    private io.rowflow.run.RunEntity stored(String runId) {
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> em.find(io.rowflow.run.RunEntity.class,
                java.util.UUID.fromString(runId)));
    }

    private static String issuesFlow(String name, String connection, int retries) {
        return given().contentType(ContentType.JSON).body(Map.of("name", name, "sources", List.of(Map.of("connectionId",
                connection, "stream", "issues")), "destinations", List.of(Map.of("type", "excel")), "retries", retries))
                .post("/api/v1/flows").then().statusCode(201).extract().path("id");
    }

    /**
     * Jira asks for 300 s, longer than the HTTP client waits in place (rowflow.http.max-retry-after, 120 s): the run is
     * queued again not before those 300 s; without retries left it fails at once, saying when it may try again.
     */
    @Test
    void aRetryAfterLongerThanTheClientWaitsIsHonouredByTheRunRetry() {
        FakeJira jira = FakeJira.running();
        String id = connection(FakeJira.API_TOKEN, "project = OPS");
        String flow = issuesFlow("asked to wait 300 s", id, 2);
        java.time.Instant asked = java.time.Instant.now();
        jira.throttleNext(1, 300);
        String runId = Api.startRunByWebhook(flow); // a run started by hand would not be started again
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
        io.rowflow.run.RunEntity run = stored(runId);
        while (run.retries == 0 && java.time.Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            run = stored(runId);
        }
        try {
            assertThat(run.status).isEqualTo(io.rowflow.run.RunStatus.QUEUED);
            assertThat(run.retries).isEqualTo(1);
            // Queued for when Jira said, not after the run's own backoff (200 ms here, 30 s by default).
            assertThat(run.heartbeatAt).as("not picked up before").isAfterOrEqualTo(asked.plusSeconds(299));
            assertThat(run.errorMessage).contains("asked to wait 300 s");
            assertThat(HubSpotConnectorTest.log(runId)).anyMatch(line -> line.contains("starts again in 300 s"));
        } finally {
            given().post("/api/v1/runs/" + runId + "/cancel").then().statusCode(200);
        }

        jira.throttleNext(1, 300);
        JsonPath failed = Api.runToEnd(issuesFlow("no retries left", id, 0));
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getString("error.message")).contains("asked to wait 300 s").contains("may be tried again after "
                + java.time.Instant.now().plusSeconds(300).toString().substring(0, 14));
    }

    /** A revoked API token marks the connection "needs_attention"; once it works again, a check clears the mark. */
    @Test
    void aRevokedApiTokenMarksTheConnectionUntilACheckSucceeds() {
        FakeJira jira = FakeJira.running();
        String id = connection(FakeJira.API_TOKEN, "project = OPS");
        jira.revokeApiToken(true);
        try {
            given().post("/api/v1/connections/" + id + "/check").then().statusCode(200).body("ok", equalTo(false))
                    .body("message", org.hamcrest.Matchers.startsWith("Jira rejected the credentials"));
            given().get("/api/v1/connections/" + id).then().body("authStatus", equalTo("needs_attention"));
        } finally {
            jira.revokeApiToken(false);
        }
        given().post("/api/v1/connections/" + id + "/check").then().statusCode(200).body("ok", equalTo(true));
        given().get("/api/v1/connections/" + id).then().body("authStatus", equalTo("ok"));
    }
}
