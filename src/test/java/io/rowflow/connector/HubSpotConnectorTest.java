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
import io.rowflow.testing.StreamReads;
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
        given().get("/api/v1/connectors").then().statusCode(200).body("id", hasItem("hubspot"))
                .body("find { it.id == 'hubspot' }.incrementalStreams", org.hamcrest.Matchers.contains("contacts",
                        "companies", "deals", "tickets", "owners"))
                .body("find { it.id == 'hubspot' }.oauthSignIn", org.hamcrest.Matchers.is(true))
                .body("find { it.id == 'hubspot' }.oauthSignInSetUp", org.hamcrest.Matchers.is(true))
                // Set up from rowflow.oauth.provider.<id>.* (the fakes register HubSpot's, Jira's and Google's);
                // a connector without OAuth never is.
                .body("find { it.id == 'google-sheets' }.oauthSignInSetUp", org.hamcrest.Matchers.is(true))
                .body("find { it.id == 'csv-url' }.oauthSignInSetUp", org.hamcrest.Matchers.is(false));
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
        // HubSpot sends numbers as text; they arrive as numbers (decimals exact, carried as text to the browser).
        assertThat(contacts.getString("columns.find { it.name == 'Lifetime value' }.type")).isEqualTo("decimal");
        assertThat(new java.math.BigDecimal(row.get(columns.indexOf("Lifetime value")).toString()))
                .isEqualByComparingTo(seventh.get("lifetime_value"));
        assertThat(contacts.getString("columns.find { it.name == 'Create Date' }.type")).isEqualTo("timestamp");

        assertThat(preview(id, "companies").getLong("totalRows")).isEqualTo(12);
        JsonPath deals = preview(id, "deals");
        assertThat(deals.getLong("totalRows")).isEqualTo(101); // a second page of exactly one record
        assertThat(deals.getList("columns.name")).contains("Deal Name", "Amount", "Deal Stage", "Close Date");
        assertThat(preview(id, "tickets").getLong("totalRows")).isEqualTo(1);
        JsonPath owners = preview(id, "owners");
        assertThat(owners.getLong("totalRows")).isEqualTo(FakeHubSpot.OWNERS);
        assertThat(owners.getList("columns.name")).containsExactly("id", "email", "firstName", "lastName", "updatedAt");
        JsonPath pipelines = preview(id, "deal_pipelines");
        assertThat(pipelines.getLong("totalRows")).isEqualTo(1);
        assertThat(pipelines.getString("rows[0][" + pipelines.getList("columns.name").indexOf("stages") + "]"))
                .contains("Closed Won");
        assertThat(preview(id, "ticket_pipelines").getString("rows[0][1]")).isEqualTo("Support Pipeline");
    }

    /** Every CRM object of the fake, read in full: each property's value under its label, its associations as ids. */
    @Test
    void everyCrmObjectReadsWithEveryValueAndItsAssociations() throws Exception {
        String id = connection(FakeHubSpot.TOKEN);
        FakeHubSpot hubspot = FakeHubSpot.running();
        Map<String, List<String>> associated = Map.of("contacts", List.of("companies", "deals"), "companies",
                List.of("contacts", "deals"), "deals", List.of("contacts", "companies"), "tickets", List.of("contacts", "companies"));
        Map<String, String> columns = Map.of("companies", "Company IDs", "contacts", "Contact IDs", "deals", "Deal IDs");
        for (String type : List.of("contacts", "companies", "deals", "tickets")) {
            List<Map<String, Object>> read = StreamReads.read(id, type, null);
            List<Map<String, String>> expected = hubspot.objects(type);
            assertThat(read).as(type).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                Map<String, String> record = expected.get(i);
                Map<String, Object> row = read.get(i);
                assertThat(row.get("id")).as(type + " id").isEqualTo(record.get("hs_object_id"));
                for (String[] property : hubspot.properties(type)) {
                    assertThat(row.get(property[1])).as(type + " " + record.get("hs_object_id") + " " + property[1])
                            .isEqualTo(record.get(property[0]));
                }
                assertThat(row.get("updatedAt")).isEqualTo(record.get(FakeHubSpot.modifiedProperty(type)));
                for (String other : associated.get(type)) {
                    List<String> ids = hubspot.associated(type, record.get("hs_object_id"), other);
                    assertThat(row.get(columns.get(other))).as(type + " " + record.get("hs_object_id") + " " + other)
                            .isEqualTo(ids.isEmpty() ? null : String.join(",", ids));
                }
            }
        }
        List<Map<String, Object>> owners = StreamReads.read(id, "owners", null);
        assertThat(owners).hasSize(FakeHubSpot.OWNERS);
        for (int i = 0; i < owners.size(); i++) {
            assertThat(owners.get(i)).isEqualTo(new java.util.LinkedHashMap<String, Object>(hubspot.objects("owners").get(i)));
        }
        for (String pipelines : List.of("deal_pipelines", "ticket_pipelines")) {
            Map<String, Object> pipeline = StreamReads.read(id, pipelines, null).get(0);
            assertThat(pipeline.get("id")).isEqualTo("default");
            assertThat(pipeline.get("label")).isEqualTo(pipelines.startsWith("deal") ? "Sales Pipeline" : "Support Pipeline");
            assertThat(pipeline.get("stages").toString()).contains("appointmentscheduled", "Closed Won");
            // Every field of the pipeline and of each stage, as the fake serves them.
            assertThat(((Number) pipeline.get("displayOrder")).intValue()).isZero();
            assertThat(pipeline.get("archived")).isEqualTo(false);
            Object stages = pipeline.get("stages");
            String stagesJson = stages instanceof io.rowflow.pipeline.JsonText text ? text.json() : String.valueOf(stages);
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(stagesJson)).isEqualTo(
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree("[{\"id\":\"appointmentscheduled\","
                            + "\"label\":\"Appointment Scheduled\",\"displayOrder\":0},{\"id\":\"closedwon\","
                            + "\"label\":\"Closed Won\",\"displayOrder\":1}]"));
            assertThat(pipeline.keySet()).containsExactlyInAnyOrder("id", "label", "displayOrder", "archived", "stages");
        }
    }

    @Test
    void aConnectionCanPickSomePropertiesByNameOrLabel() {
        String id = createConnection("hubspot", Map.of("access_token", FakeHubSpot.TOKEN, "properties", "email, First Name"));
        Map<String, Object> first = StreamReads.read(id, "contacts", null).get(0);
        assertThat(first).containsKeys("Email", "First Name").doesNotContainKeys("Last Name", "Favorite color");
        String unknown = createConnection("hubspot", Map.of("access_token", FakeHubSpot.TOKEN, "properties", "shoe_size"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StreamReads.read(unknown, "contacts", null))
                .hasMessageContaining("HubSpot has no field \"shoe_size\"");
    }

    /**
     * Two incremental reads of every stream that has a change feed: the second returns exactly the records changed or
     * added in between (through the search API for CRM objects), and both together equal a full read.
     */
    @Test
    void twoIncrementalReadsOfEveryStreamGiveOnlyTheChangesAndTogetherAFullRead() {
        String id = connection(FakeHubSpot.TOKEN);
        FakeHubSpot hubspot = FakeHubSpot.running();
        int searchesBefore = hubspot.searches.get();
        java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        StreamReads.assertTwoReads(id, "contacts", "id", () -> {
            hubspot.change("contacts", 3, "favorite_color", "gelb", now.plusSeconds(1));
            hubspot.change("contacts", 150, "lastname", "Schmidt", now.plusSeconds(2));
            hubspot.add("contacts", "5001", now.plusSeconds(3), Map.of("firstname", "Neu", "email", "neu@example.com"),
                    "companies", "505", "deals", "9003");
        }, List.of("1004", "1151", "5001"));
        StreamReads.assertTwoReads(id, "companies", "id", () -> hubspot.change("companies", 0, "name", "Firma Eins GmbH",
                now.plusSeconds(4)), List.of("501"));
        StreamReads.assertTwoReads(id, "deals", "id", () -> {
            hubspot.change("deals", 99, "dealstage", "closedwon", now.plusSeconds(5));
            hubspot.add("deals", "9500", now.plusSeconds(6), Map.of("dealname", "Big one", "amount", "99000"),
                    "contacts", "1001");
        }, List.of("9100", "9500"));
        StreamReads.assertTwoReads(id, "tickets", "id", () -> hubspot.add("tickets", "8", now.plusSeconds(7),
                Map.of("subject", "Export is slow", "hs_pipeline_stage", "2"), "contacts", "1002"), List.of("8"));
        StreamReads.assertTwoReads(id, "owners", "id", () -> hubspot.change("owners", 10, "email", "new@example.com",
                now.plusSeconds(8)), List.of("40011"));
        assertThat(hubspot.searches.get() - searchesBefore).as("CRM objects' changes come from the search API")
                .isGreaterThanOrEqualTo(8);
    }

    /**
     * A search never pages past HubSpot's 10,000th result: 10,300 changed tickets, a few of them at the very
     * millisecond where the first search must stop, are read once each by starting a second search from there.
     */
    @Test
    void moreThanTenThousandChangesAreReadInWindowsWithoutDuplicates() {
        String id = connection(FakeHubSpot.TOKEN);
        FakeHubSpot hubspot = FakeHubSpot.running();
        java.time.Instant start = java.time.Instant.parse("2026-03-01T00:00:00Z");
        List<Map<String, String>> tickets = new java.util.ArrayList<>();
        for (int i = 0; i < 10_300; i++) {
            // Records 9,995 to 10,004 share one millisecond, across the place where the first search must end.
            long offset = i >= 9_995 && i <= 10_004 ? 9_995 : i;
            tickets.add(new java.util.LinkedHashMap<>(Map.of("hs_object_id", Integer.toString(100_000 + i), "subject",
                    "Ticket " + i, "hs_pipeline_stage", "1", "hs_lastmodifieddate", start.plusSeconds(offset).toString())));
        }
        List<Map<String, String>> old = hubspot.replace("tickets", tickets);
        try {
            int searchesBefore = hubspot.searches.get();
            int refusedBefore = hubspot.tooManyRequests.get();
            io.rowflow.connector.IncrementalSync sync = new io.rowflow.connector.IncrementalSync(
                    new io.rowflow.connector.IncrementalSync.State(start.minusSeconds(3600), Map.of()));
            List<Map<String, Object>> read = StreamReads.read(id, "tickets", sync);
            assertThat(read).hasSize(10_300);
            assertThat(read.stream().map(r -> r.get("id")).distinct().count()).isEqualTo(10_300);
            assertThat(sync.skipped()).as("records read twice at the window's edge, left out").isGreaterThan(0);
            assertThat(hubspot.searches.get() - searchesBefore).as("searches").isBetween(52, 54);
            assertThat(hubspot.tooManyRequests.get() - refusedBefore).as("429s: the search budget is kept").isZero();
        } finally {
            hubspot.replace("tickets", old);
        }
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
        StreamReads.read(id, "owners", null); // the token's account is known, so the next request is the page
        int before = hubspot.requestTimes.size();
        hubspot.throttleNext(1, 2);
        JsonPath run = Api.runSucceeds(flow);
        assertThat(run.getLong("destinations[0].rowsWritten")).isEqualTo(FakeHubSpot.OWNERS);
        List<long[]> times = hubspot.requestTimes.subList(before, hubspot.requestTimes.size());
        assertThat(times).hasSizeGreaterThanOrEqualTo(3); // the refused request, its retry, the second page
        double waitedSeconds = (times.get(1)[0] - times.get(0)[0]) / 1e9;
        assertThat(waitedSeconds).as("wait after a 429 with Retry-After: 2").isBetween(1.8, 2.2);
        assertThat(log(run.getString("id"))).as("the run's log says why it paused")
                .anyMatch(line -> line.startsWith("HubSpot asked to wait 2.0 s (rate limit SECONDLY); waiting"));
    }

    static List<String> log(String runId) {
        return given().get("/api/v1/runs/" + runId + "/log").then().statusCode(200).extract().jsonPath()
                .getList("message");
    }

    /** A 429 is waited out, not counted as a failed attempt: six in a row (of five attempts) and the run succeeds. */
    @Test
    void rateLimitWaitsDoNotUseUpTheAttempts() {
        String id = connection(FakeHubSpot.TOKEN);
        FakeHubSpot hubspot = FakeHubSpot.running();
        String flow = Api.createStreamFlow("six 429s", id, "owners");
        int refusedBefore = hubspot.tooManyRequests.get();
        hubspot.throttleNext(6, 0);
        JsonPath run = Api.runSucceeds(flow);
        assertThat(run.getLong("destinations[0].rowsWritten")).isEqualTo(FakeHubSpot.OWNERS);
        assertThat(hubspot.tooManyRequests.get() - refusedBefore).isEqualTo(6);
        assertThat(log(run.getString("id"))).noneMatch(line -> line.contains("starts again"));
    }

    /**
     * HubSpot's limit as it states it, 20 requests per 10-s window (the window HubSpot documents; its count scaled
     * down from 100 so the test needs seconds, not minutes), counted per portal: two connections with two private
     * apps' tokens of one portal read 2,345 contacts each at the same time. They share one budget, paced from the
     * X-HubSpot-RateLimit headers, so the fake (which refuses the 21st request in any 10 s) refuses none, and both runs
     * succeed with every row and no run-level retry, although the reads outlast several windows.
     */
    @Test
    void twoConnectionsOnOnePortalReadEveryContactWithinTheLimitHubSpotStates() {
        FakeHubSpot hubspot = FakeHubSpot.running();
        List<Map<String, String>> contacts = new java.util.ArrayList<>();
        for (int i = 1; i <= 2_345; i++) {
            contacts.add(new java.util.LinkedHashMap<>(Map.of("hs_object_id", Integer.toString(200_000 + i), "firstname",
                    "Person" + i, "lastname", "Muster-" + i, "email", "c" + i + "@example.com", "lastmodifieddate",
                    "2026-01-02T12:00:00.000Z")));
        }
        List<Map<String, String>> old = hubspot.replace("contacts", contacts);
        hubspot.limitTo(20, java.time.Duration.ofSeconds(10));
        try {
            String first = Api.createStreamFlow("contacts, app 1", connection(FakeHubSpot.TOKEN), "contacts");
            String second = Api.createStreamFlow("contacts, app 2", connection(FakeHubSpot.SAME_PORTAL_TOKEN), "contacts");
            int refusedBefore = hubspot.tooManyRequests.get();
            int countedBefore = hubspot.accountRequestTimes.size();
            long start = System.nanoTime();
            String[] runs = { Api.startRun(first), Api.startRun(second) };
            for (String runId : runs) {
                JsonPath run = Api.awaitRun(runId);
                assertThat(run.getString("status")).as(run.prettify()).isEqualTo("succeeded");
                assertThat(run.getLong("destinations[0].rowsWritten")).isEqualTo(2_345);
                assertThat(log(runId)).as("no run-level retry").noneMatch(line -> line.contains("starts again")
                        || line.startsWith("Retry"));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            List<long[]> counted = hubspot.accountRequestTimes.subList(countedBefore, hubspot.accountRequestTimes.size());
            System.out.printf("2 x 2,345 contacts: %d requests on the portal in %.1f s, %d refused%n", counted.size(),
                    seconds, hubspot.tooManyRequests.get() - refusedBefore);
            assertThat(hubspot.tooManyRequests.get() - refusedBefore).as("429s").isZero();
            // 24 pages and the field list per read: the pace, not luck, kept them in the limit.
            assertThat(counted.size()).isGreaterThanOrEqualTo(50);
            assertThat(seconds).as("52 requests at 20 per 10 s need two full windows").isGreaterThan(20.0);
        } finally {
            hubspot.limitTo(100, java.time.Duration.ofSeconds(10));
            hubspot.replace("contacts", old);
        }
    }

    /**
     * A private app token HubSpot refuses marks the connection "needs_attention", from a check and from a run alike;
     * a later successful check, or run, clears it.
     */
    @Test
    void aRefusedTokenMarksTheConnectionUntilACheckOrRunSucceeds() {
        FakeHubSpot hubspot = FakeHubSpot.running();
        String id = connection(FakeHubSpot.SAME_PORTAL_TOKEN);
        String flow = Api.createStreamFlow("refused token", id, "owners");
        hubspot.revoke(FakeHubSpot.SAME_PORTAL_TOKEN, true);
        try {
            given().post("/api/v1/connections/" + id + "/check").then().statusCode(200)
                    .body("ok", org.hamcrest.Matchers.is(false))
                    .body("message", org.hamcrest.Matchers.startsWith("HubSpot rejected the token"));
            given().get("/api/v1/connections/" + id).then().body("authStatus", org.hamcrest.Matchers.equalTo("needs_attention"));
        } finally {
            hubspot.revoke(FakeHubSpot.SAME_PORTAL_TOKEN, false);
        }
        given().post("/api/v1/connections/" + id + "/check").then().statusCode(200).body("ok", org.hamcrest.Matchers.is(true));
        given().get("/api/v1/connections/" + id).then().body("authStatus", org.hamcrest.Matchers.equalTo("ok"));

        hubspot.revoke(FakeHubSpot.SAME_PORTAL_TOKEN, true);
        try {
            assertThat(Api.runToEnd(flow).getString("status")).isEqualTo("failed");
            given().get("/api/v1/connections/" + id).then().body("authStatus", org.hamcrest.Matchers.equalTo("needs_attention"));
        } finally {
            hubspot.revoke(FakeHubSpot.SAME_PORTAL_TOKEN, false);
        }
        Api.runSucceeds(flow);
        given().get("/api/v1/connections/" + id).then().body("authStatus", org.hamcrest.Matchers.equalTo("ok"));
    }
}
