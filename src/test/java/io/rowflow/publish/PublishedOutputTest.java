package io.rowflow.publish;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A flow publishes its latest result at a secret URL that BI tools read without signing in: exact values in CSV, a JSON
 * array and NDJSON; 404 until the first run and for a replaced secret; 304 for a repeated request; a rate limit per
 * URL; the URLs visible only to the flow's workspace.
 */
@QuarkusTest
class PublishedOutputTest {
    private static final HttpClient ANONYMOUS = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(); // no token, no cookie: as a BI tool
    private static final String CSV = "id,name,amount,day,big id,note\n"
            + "1,Åsa,527.50,2024-01-31,9223372036854775807,\"=1+1, \"\"quoted\"\"\"\n"
            + "2,Bo,0.10,2024-02-01,1234567890123456789,\n";

    private static String flow(Map<String, Object> settings) {
        String name = "/files/published-" + UUID.randomUUID() + ".csv";
        FakeApi.shared().putFile(name, CSV);
        String connection = Api.createConnection("csv-url", Map.of("url", FakeApi.shared().url(name)));
        return given().contentType(ContentType.JSON).body(Map.of("name", "published", "sources",
                List.of(Map.of("connectionId", connection)), "transform", Map.of("steps", List.of(Map.of("type",
                        "calculate", "column", "amount plus", "expression", "[amount] + 0.2"))), "destinations",
                List.of(Map.of("type", "excel"), Map.of("type", "published", "settings", settings))))
                .post("/api/v1/flows").then().statusCode(201).extract().path("id");
    }

    private static JsonPath urls(String flow) {
        return given().get("/api/v1/flows/" + flow + "/destinations/1/publication").then().statusCode(200).extract()
                .jsonPath();
    }

    private static HttpResponse<String> fetch(String url, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return ANONYMOUS.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void theFlowPageLinksEachDestinationAndSaysWhatTheLastSuccessfulRunWrote() {
        String flow = flow(Map.of());
        JsonPath before = given().get("/api/v1/flows/" + flow + "/destinations").then().statusCode(200).extract().jsonPath();
        assertThat(before.getList("name", String.class)).containsExactly("Excel workbook (.xlsx)", "Published CSV and JSON URL");
        // No workbook to download before a run wrote one; the published address exists (and answers 404 until then).
        assertThat(before.getString("[0].link")).isNull();
        assertThat(before.getString("[1].link.href")).isEqualTo(urls(flow).getString("csvUrl"));
        assertThat(before.getString("[1].link.label")).isEqualTo("Open the published CSV");
        assertThat(before.getList("rowsWritten")).containsExactly(null, null);

        String run = Api.runSucceeds(flow).getString("id");
        JsonPath after = given().get("/api/v1/flows/" + flow + "/destinations").then().statusCode(200).extract().jsonPath();
        assertThat(after.getString("[0].link.href")).isEqualTo("/api/v1/flows/" + flow + "/destinations/0/file");
        assertThat(after.getString("[0].link.label")).isEqualTo("Download the workbook");
        assertThat(after.getList("rowsWritten", Integer.class)).containsExactly(2, 2);
        assertThat(after.getList("runId", String.class)).containsExactly(run, run);
        assertThat(after.getString("[0].writtenAt")).isNotNull();
        given().get(after.getString("[0].link.href")).then().statusCode(200);
    }

    @Test
    void theLatestResultIsPublishedExactlyAsCsvJsonAndNdjson() throws Exception {
        String flow = flow(Map.of());
        JsonPath urls = urls(flow);
        assertThat(urls.getString("publishedAt")).isNull();
        HttpResponse<String> before = fetch(urls.getString("csvUrl"));
        assertThat(before.statusCode()).isEqualTo(404);
        assertThat(before.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/problem+json"));

        Api.runSucceeds(flow);
        assertThat(urls(flow).getString("publishedAt")).isNotNull();
        HttpResponse<String> csv = fetch(urls.getString("csvUrl"));
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(csv.body()).isEqualTo("id,name,amount,day,big id,note,amount plus\r\n"
                + "1,Åsa,527.50,2024-01-31,9223372036854775807,\"=1+1, \"\"quoted\"\"\",527.70\r\n"
                + "2,Bo,0.10,2024-02-01,1234567890123456789,,0.30\r\n");

        HttpResponse<String> json = fetch(urls.getString("jsonUrl"));
        assertThat(json.statusCode()).isEqualTo(200);
        JsonNode rows = new ObjectMapper().readTree(json.body());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("amount").decimalValue()).isEqualByComparingTo("527.50");
        assertThat(json.body()).contains("\"amount\":527.50,").contains("\"amount plus\":0.30}"); // places as written; 0.1 + 0.2 exactly
        assertThat(rows.get(0).get("big id").asLong()).isEqualTo(Long.MAX_VALUE);
        assertThat(rows.get(0).get("day").asText()).isEqualTo("2024-01-31");
        assertThat(rows.get(1).get("note").isNull()).isTrue();

        HttpResponse<String> ndjson = fetch(urls.getString("ndjsonUrl"));
        assertThat(ndjson.body().lines().toList()).hasSize(2)
                .first().satisfies(line -> assertThat(line).startsWith("{\"id\":1,\"name\":\"Åsa\",\"amount\":527.50,"));
    }

    @Test
    void aRepeatedRequestIsAnsweredNotModified() throws Exception {
        String flow = flow(Map.of());
        Api.runSucceeds(flow);
        String url = urls(flow).getString("csvUrl");
        HttpResponse<String> first = fetch(url);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        String lastModified = first.headers().firstValue("Last-Modified").orElseThrow();
        assertThat(fetch(url, "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(fetch(url, "If-Modified-Since", lastModified).statusCode()).isEqualTo(304);
        assertThat(fetch(url, "If-None-Match", "\"something else\"").statusCode()).isEqualTo(200);
        // The JSON array and the NDJSON of one file are different representations: their tags differ.
        assertThat(fetch(urls(flow).getString("jsonUrl")).headers().firstValue("ETag")).isNotEqualTo(etag);

        Api.runSucceeds(flow); // a new result: the old tag no longer matches
        HttpResponse<String> after = fetch(url, "If-None-Match", etag);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.headers().firstValue("ETag")).isNotEqualTo(etag);
    }

    @Test
    void aReplacedSecretEndsTheOldUrlAtOnce() throws Exception {
        String flow = flow(Map.of("bom", true));
        Api.runSucceeds(flow);
        String old = urls(flow).getString("csvUrl");
        HttpResponse<byte[]> withBom = ANONYMOUS.send(HttpRequest.newBuilder(URI.create(old)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(withBom.body()).startsWith(0xEF, 0xBB, 0xBF); // UTF-8's byte order mark, for desktop Excel
        String replaced = given().post("/api/v1/flows/" + flow + "/destinations/1/publication/token").then()
                .statusCode(200).extract().path("csvUrl");
        assertThat(replaced).isNotEqualTo(old);
        assertThat(fetch(old).statusCode()).isEqualTo(404);
        assertThat(fetch(replaced).statusCode()).isEqualTo(200);
        assertThat(urls(flow).getString("csvUrl")).isEqualTo(replaced);
    }

    @Test
    void onlyPublishedDestinationsHaveUrlsAndOnlyTheirWorkspaceSeesThem() {
        String flow = flow(Map.of());
        given().get("/api/v1/flows/" + flow + "/destinations/0/publication").then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/api/v1/flows/" + flow + "/destinations/7/publication").then().statusCode(404);
        String admin = Api.createToken(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
        String other = given().spec(Api.bearer(admin)).contentType(ContentType.JSON).body(Map.of("name", "Other team"))
                .post("/api/v1/workspaces").then().statusCode(201).extract().path("id");
        Api.addMember(admin, other, "publish-outsider@rowflow.test", "owner", "outsider-password-1");
        String outsider = Api.createToken("publish-outsider@rowflow.test", "outsider-password-1");
        given().spec(Api.bearer(outsider)).header("Rowflow-Workspace", other)
                .get("/api/v1/flows/" + flow + "/destinations/1/publication").then().statusCode(404);
        given().spec(Api.bearer(outsider)).header("Rowflow-Workspace", other)
                .post("/api/v1/flows/" + flow + "/destinations/1/publication/token").then().statusCode(404);
    }

    @Test
    void oneUrlIsRateLimited() throws Exception {
        String url = urls(flow(Map.of())).getString("ndjsonUrl"); // the test profile allows 20 a minute
        for (int i = 0; i < 20; i++) {
            assertThat(fetch(url).statusCode()).as("request %d", i + 1).isEqualTo(404); // not written yet
        }
        // The bucket refills a third of a request a second: however slow the requests above, one comes back 429 soon.
        HttpResponse<String> refused = fetch(url);
        for (int i = 0; i < 20 && refused.statusCode() != 429; i++) {
            refused = fetch(url);
        }
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void conditionalRequestsFollowRfc9110() {
        Instant modified = Instant.parse("2026-11-30T10:00:00.500Z");
        assertThat(PublishedResource.notModified("\"a\"", modified, "\"b\", W/\"a\"", null)).isTrue();
        assertThat(PublishedResource.notModified("\"a\"", modified, "*", null)).isTrue();
        assertThat(PublishedResource.notModified("\"a\"", modified, "\"b\"", "Mon, 30 Nov 2026 10:00:00 GMT")).isFalse();
        assertThat(PublishedResource.notModified("\"a\"", modified, null, "Mon, 30 Nov 2026 10:00:00 GMT")).isTrue();
        assertThat(PublishedResource.notModified("\"a\"", modified, null, "Mon, 30 Nov 2026 09:59:59 GMT")).isFalse();
        assertThat(PublishedResource.notModified("\"a\"", modified, null, "yesterday")).isFalse();
    }
}
